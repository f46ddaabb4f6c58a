"""Background tasks of the foundation."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone


@task
def heartbeat() -> str:
    """Return the time the worker ran this task: proves that `qiangji worker` is alive."""
    return timezone.now().isoformat()
