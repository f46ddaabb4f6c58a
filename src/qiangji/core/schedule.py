"""What runs when, by itself. `qiangji scheduler` enqueues these; `qiangji worker` runs them.

One table for the whole project, so that an operator reads it in one place. Times are in
TIME_ZONE (Asia/Shanghai by default), in crontab syntax (minute hour day month weekday;
weekdays by name). Arguments must be JSON values (they go through the task queue).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apscheduler.triggers.cron import CronTrigger
from crontask import scheduler
from django.tasks import Task
from django.utils.timezone import get_default_timezone
from django.utils.translation import gettext_lazy as _

from qiangji.concerns import tasks as concerns_tasks
from qiangji.core import tasks as core_tasks
from qiangji.notifications import tasks as notifications_tasks


@dataclass(frozen=True)
class Job:
    crontab: str
    task: Task
    what: str
    args: tuple = field(default=())


SCHEDULE: tuple[Job, ...] = (
    Job("*/5 * * * *", core_tasks.heartbeat, _("Prove the worker is alive")),
    Job("*/10 * * * *", concerns_tasks.notify_overdue, _("Tell people about tickets that just became overdue"), (11,)),
    Job("30 8 * * *", concerns_tasks.notify_overdue, _("Morning reminder of every overdue ticket")),
    Job("20 2 * * *", concerns_tasks.refresh_priorities, _("Recompute priorities (recency decays daily)")),
    Job("40 2 * * *", concerns_tasks.refresh_all_topics, _("Refit the hot topics")),
    Job("10 3 * * *", concerns_tasks.purge_personal_data, _("Erase personal data past the retention period")),
    Job("30 7 * * *", notifications_tasks.send_digests, _("E-mail the daily digest")),
    Job("0 4 * * Sun", core_tasks.prune_task_results, _("Delete finished task results older than 14 days")),
)  # fmt: skip


def register() -> None:
    """Add every job to crontask's scheduler (the scheduler command calls this once)."""
    for job in SCHEDULE:
        *_, weekday = job.crontab.split(" ")
        if any(ch.isdigit() for ch in weekday):  # APScheduler counts weekdays from Monday
            raise ValueError(f"use weekday names, not numbers: {job.crontab!r}")
        scheduler.add_job(
            func=job.task.enqueue,
            args=job.args,
            trigger=CronTrigger.from_crontab(job.crontab, timezone=get_default_timezone()),
            name=f"{job.task.name}{job.args or ''}",
        )
