"""Background work of insights: refresh the precomputed index and dashboards."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.tasks import task

log = logging.getLogger(__name__)

#: After an event, at most one refresh per programme is queued within this many seconds.
DEBOUNCE_SECONDS = 60


@task
def refresh_index(programme_id: int) -> float | None:
    """Recompute one programme's index; return the seconds it took (None if it is gone)."""
    from qiangji.programmes.models import Programme

    from .actions import do_refresh_index

    programme = Programme.objects.filter(pk=programme_id).select_related("subdistrict").first()
    if programme is None:
        return None
    return do_refresh_index(programme=programme).seconds


@task
def refresh_all() -> int:
    """Recompute every programme's index; return how many were refreshed."""
    from qiangji.programmes.models import Programme

    from .actions import do_refresh_index

    count = 0
    for programme in Programme.objects.select_related("subdistrict"):
        try:
            do_refresh_index(programme=programme)
            count += 1
        except Exception:  # one broken programme must not stop the others
            log.exception("insights: refreshing programme %s failed", programme.pk)
    return count


CHANGED_KEY = "insights:changed"


def mark_changed() -> None:
    """Record that some input of the index changed (read by `refresh_changed`)."""
    try:
        cache.set(CHANGED_KEY, 1, None)
    except Exception:  # the cache being down must never fail the write that changed the data
        log.exception("insights: could not mark the figures as changed")


@task
def refresh_changed() -> int:
    """Recompute every programme if an input changed since the last run; return how many."""
    if not cache.get(CHANGED_KEY):
        return 0
    cache.delete(CHANGED_KEY)
    return refresh_all.call()


def enqueue_refresh(programme_id: int | None = None) -> bool:
    """Queue a refresh unless one was queued within DEBOUNCE_SECONDS; return whether queued."""
    key = f"insights:refresh:{programme_id or 'all'}"
    if not cache.add(key, 1, DEBOUNCE_SECONDS):
        return False
    try:
        if programme_id is None:
            refresh_all.enqueue()
        else:
            refresh_index.enqueue(programme_id)
    except Exception:  # an event elsewhere must never fail because the index could not refresh
        log.exception("insights: could not queue a refresh")
        return False
    return True
