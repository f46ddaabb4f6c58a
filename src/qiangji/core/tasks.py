"""Background tasks of the foundation."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone


@task
def heartbeat() -> str:
    """Return the time the worker ran this task: proves that `qiangji worker` is alive."""
    return timezone.now().isoformat()


@task
def prune_task_results() -> int:
    """Delete finished background-task results older than 14 days (failed ones after 30).

    Return how many were deleted (django-tasks-db's command reports it only in its log).
    """
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    before = DBTaskResult.objects.count()
    call_command("prune_db_task_results", "--min-age-days", "14", "--failed-min-age-days", "30")
    return before - DBTaskResult.objects.count()


@task
def prune_rate_counters() -> int:
    """Delete the rate-limit counters of windows that have ended; return how many."""
    from qiangji.lib.ratelimit import prune

    return prune()


@task
def recover_abandoned_work() -> dict:
    """Resume or fail work whose worker died (no heartbeat lately); return counts by kind."""
    from qiangji.core.recovery import recover_abandoned

    return recover_abandoned()
