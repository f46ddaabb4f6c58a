"""What runs when, by itself. `qiangji scheduler` enqueues these; `qiangji worker` runs them.

Each app declares its periodic jobs in `<app>/jobs.py` as `JOBS = (Job(...), ...)`; this
module gathers them (`jobs()`), so shared code imports no capability app. `qiangji scheduler
--list` prints the whole schedule in one place for an operator. Times are in TIME_ZONE
(Asia/Shanghai by default), in crontab syntax (minute hour day month weekday; weekdays by
name). Arguments must be JSON values (they go through the task queue).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apscheduler.triggers.cron import CronTrigger
from crontask import scheduler
from django.tasks import Task
from django.utils.timezone import get_default_timezone

from qiangji.core.plugins import app_modules


@dataclass(frozen=True)
class Job:
    crontab: str
    task: Task
    what: str
    args: tuple = field(default=())


def jobs() -> tuple[Job, ...]:
    """Return every periodic job the apps declare in their `jobs.py`, in INSTALLED_APPS order."""
    return tuple(job for module in app_modules("jobs") for job in module.JOBS)


def register(schedule: tuple[Job, ...] | None = None) -> None:
    """Add every job to crontask's scheduler (the scheduler command calls this once)."""
    for job in jobs() if schedule is None else schedule:
        *_, weekday = job.crontab.split(" ")
        if any(ch.isdigit() for ch in weekday):  # APScheduler counts weekdays from Monday
            raise ValueError(f"use weekday names, not numbers: {job.crontab!r}")
        scheduler.add_job(
            func=job.task.enqueue,
            args=job.args,
            trigger=CronTrigger.from_crontab(job.crontab, timezone=get_default_timezone()),
            name=f"{job.task.name}{job.args or ''}",
        )
