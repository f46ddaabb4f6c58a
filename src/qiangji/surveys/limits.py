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

from qiangji.lib import ratelimit

WINDOW_SECONDS = 600


def soft_limit() -> int:
    return getattr(settings, "SURVEYS_BURST_SOFT_LIMIT", 10)


def hard_limit() -> int:
    return getattr(settings, "SURVEYS_BURST_HARD_LIMIT", 60)


def code_failure_limit() -> int:
    return getattr(settings, "SURVEYS_CODE_FAILURE_LIMIT", 20)


def client_address(request: HttpRequest) -> str:
    """Return the client's address (behind a trusted proxy, the address it reports)."""
    return ratelimit.client_address(request)


def _count(scope: str, key: str, *, increment: bool) -> int:
    """Return the shared counter's value for key in this window (after adding one if asked)."""
    limit = ratelimit.Limit(scope=scope, count=hard_limit(), seconds=WINDOW_SECONDS)
    return limit.hit(key) if increment else limit.used(key)


def submissions(survey_id: int, address_key: str, *, increment: bool = False) -> int:
    return _count("surveys-submit", f"{survey_id}:{address_key}", increment=increment)


def code_failures(survey_id: int, address_key: str, *, increment: bool = False) -> int:
    return _count("surveys-code", f"{survey_id}:{address_key}", increment=increment)
