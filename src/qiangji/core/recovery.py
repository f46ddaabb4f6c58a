"""Work a dead worker left behind: found by its heartbeat, then resumed or failed.

Long work records a heartbeat on its own row (an import batch's `heartbeat_at`, written with
each chunk). A worker killed mid-way (kill -9, a lost machine) leaves that row "running" and
its django-tasks-db result RUNNING for ever: the page showed "导入中 40%" until someone pressed
重新运行. Each app declares such work in `<app>/recovery.py`:

    RECOVERABLE = (Recoverable(what="concerns.import", task=run_import, abandoned=…, args=…,
                               recover=…),)

and `recover_abandoned()` — run by `qiangji worker` before it takes work, and every few
minutes by the scheduler — finds the rows whose heartbeat is older than
`TASK_STALE_MINUTES`, and at once those whose task result was claimed by a worker of this
machine that no longer runs (`qiangji worker` names itself host:pid:random), marks their
task results failed, and lets the app resume (the task is enqueued again) or fail the row
(the page then offers to run it again). This module imports no capability app.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.tasks import Task
from django.utils import timezone

from qiangji.core.plugins import app_modules

RESUMED, FAILED = "resumed", "failed"


@dataclass(frozen=True)
class Recoverable:
    """Long work with a heartbeat, and what to do when the heartbeat stopped."""

    what: str
    task: Task
    # The rows whose last heartbeat is older than the cut-off (and that still claim to run).
    abandoned: Callable[[dt.datetime], Iterable[Any]]
    # The task's arguments for a row (to find its task result and to enqueue it again).
    args: Callable[[Any], list]
    # Take the row over: RESUMED (enqueue the task again), FAILED (the person retries), or
    # None when another worker took it first (a conditional update lost the race).
    recover: Callable[[Any], str | None]
    # The row a task result's arguments name, if it still claims to run (else None).
    running_row: Callable[[list], Any | None]


def worker_id() -> str:
    """Return a name for this worker process: host:pid:random (at most 64 characters)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


def _died_here(worker: str) -> bool:
    """Return whether a worker named by `worker_id` ran on this machine and is gone."""
    parts = worker.split(":")
    if len(parts) < 3 or not parts[-2].isdigit():
        return False
    host, pid = ":".join(parts[:-2]), int(parts[-2])
    if host != socket.gethostname()[:40] or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, someone else's
    return False


def recoverables() -> tuple[Recoverable, ...]:
    """Return what every app declares in its `recovery.py`, in INSTALLED_APPS order."""
    modules = app_modules("recovery", include_core=False)  # core's own is this module
    return tuple(item for module in modules for item in module.RECOVERABLE)


def stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "TASK_STALE_MINUTES", 10))


class AbandonedError(Exception):
    """The worker running the task stopped beating (recorded on its task result)."""


def _fail_task_results(task: Task, args: list, *, since: dt.datetime | None) -> int:
    """Mark the RUNNING results of task(*args) failed; return how many (none without the DB backend)."""
    try:
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover — another task backend keeps no such rows
        return 0
    stale = [
        row
        for row in DBTaskResult.objects.running().filter(task_path=task.module_path)
        if list((row.args_kwargs or {}).get("args", [])) == list(args)
    ]
    note = (
        f"The worker died: no heartbeat since {since.isoformat() if since else 'it started'},"
        " or its process is gone from this machine."
    )
    for row in stale:
        DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{__name__}.{AbandonedError.__qualname__}",
            traceback=note,
            return_value=None,
        )
    return len(stale)


def _orphans(task: Task) -> list[list]:
    """Return the arguments of the task's RUNNING results whose worker died on this machine."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover
        return []
    return [
        list((row.args_kwargs or {}).get("args", []))
        for row in DBTaskResult.objects.running().filter(task_path=task.module_path)
        if row.worker_ids and _died_here(row.worker_ids[-1])
    ]


def recover_abandoned(*, now: dt.datetime | None = None) -> dict[str, dict[str, int]]:
    """Resume or fail every piece of work whose worker died; return counts by kind."""
    cutoff = (now or timezone.now()) - stale_after()
    report: dict[str, dict[str, int]] = {}
    for item in recoverables():
        rows = {row.pk: row for row in item.abandoned(cutoff)}
        for args in _orphans(item.task):
            row = item.running_row(args)
            if row is not None:
                rows.setdefault(row.pk, row)
        for row in rows.values():
            args = item.args(row)
            outcome = item.recover(row)
            if outcome is None:
                continue
            _fail_task_results(item.task, args, since=getattr(row, "heartbeat_at", None))
            counts = report.setdefault(item.what, {RESUMED: 0, FAILED: 0})
            counts[outcome] += 1
            if outcome == RESUMED:
                item.task.enqueue(*args)
    return report
