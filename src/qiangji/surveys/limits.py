"""How many submissions one client address may make, through the shared rate limiter.

Limiting by address is unreliable (a whole compound shares one Wi-Fi, D#7438), so an address
is never simply blocked at the first sign of volume:
- up to `SOFT` submissions per window an address is treated like any other;
- beyond `SOFT` its responses are still stored but flagged as a burst for the organiser,
  who may exclude them with a reason;
- beyond `HARD` the form answers 429 with a page that says what to do (wait ten minutes,
  use mobile data, or ask the community for a one-time code).
Failed code attempts have their own, stricter counter (guessing codes).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

WINDOW_SECONDS = 600


def _shared():
    try:
        from qiangji.lib import ratelimit
    except ImportError:  # the shared limiter is landing (issue 10); the cache meanwhile
        return None
    return ratelimit


def soft_limit() -> int:
    return getattr(settings, "SURVEYS_BURST_SOFT_LIMIT", 10)


def hard_limit() -> int:
    return getattr(settings, "SURVEYS_BURST_HARD_LIMIT", 60)


def code_failure_limit() -> int:
    return getattr(settings, "SURVEYS_CODE_FAILURE_LIMIT", 20)


def client_address(request: HttpRequest) -> str:
    """Return the client's address (behind a trusted proxy, the address it reports)."""
    shared = _shared()
    if shared is not None and hasattr(shared, "client_address"):
        return shared.client_address(request)
    return request.META.get("REMOTE_ADDR", "")


def _count(key: str, *, increment: bool) -> int:
    """Return the counter's value for key in this window (after adding one if asked)."""
    shared = _shared()
    if shared is not None and hasattr(shared, "hit") and hasattr(shared, "peek"):
        return shared.hit(key, WINDOW_SECONDS) if increment else shared.peek(key, WINDOW_SECONDS)
    from django.core.cache import cache

    if not increment:
        return cache.get(key) or 0
    if cache.add(key, 1, WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def submissions(survey_id: int, address_key: str, *, increment: bool = False) -> int:
    return _count(f"surveys:submit:{survey_id}:{address_key}", increment=increment)


def code_failures(survey_id: int, address_key: str, *, increment: bool = False) -> int:
    return _count(f"surveys:codefail:{survey_id}:{address_key}", increment=increment)
