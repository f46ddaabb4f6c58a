"""A busy database answers 503 with Retry-After, never 500 (finding 11).

SQLite allows one writer at a time; a writer that waits longer than the busy timeout (5 s)
gets "database is locked". PostgreSQL reports lock and serialization timeouts likewise.
These are not bugs in the request but load: the client should retry shortly.
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 3
BUSY_MESSAGES = (
    "database is locked",
    "database table is locked",
    "could not obtain lock",
    "canceling statement due to lock timeout",
    "could not serialize access",
    "deadlock detected",
)


def is_busy(exc: BaseException) -> bool:
    """Return whether the exception says the database is busy (a retry will do)."""
    return isinstance(exc, OperationalError) and any(m in str(exc).lower() for m in BUSY_MESSAGES)


def busy_response(request: HttpRequest) -> HttpResponse:
    """Return the 503 answer: JSON for the API, a short page otherwise."""
    message = _("The server is busy. Please try again in a few seconds.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class BusyDatabaseMiddleware:
    """Turn "database is locked" and its PostgreSQL kin into 503 + Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_busy(exception):
            logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
            return busy_response(request)
        return None
