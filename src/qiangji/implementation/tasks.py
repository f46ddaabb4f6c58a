"""Background work of the implementation app: the daily overdue and stuck check."""

from __future__ import annotations

from django.tasks import task


@task
def notify_overdue() -> int:
    """Tell each community's workers about its overdue and stuck items; return notices posted."""
    from qiangji.implementation.flags import do_notify_overdue

    return do_notify_overdue()
