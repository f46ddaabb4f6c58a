"""The HTTP API (Django Ninja): OpenAPI at /api/openapi.json, token or session auth.

Apps add their routers here. Every endpoint asks the same permission module as the UI.
"""

from __future__ import annotations

from django.db import DataError, OperationalError
from django.utils import timezone
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from qiangji.accounts.models import ApiToken, hash_token
from qiangji.core.plugins import app_modules


def _user_for_key(request, key: str | None):
    if not key:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    request.user = token.user
    return token.user


class BearerToken(HttpBearer):
    """`Authorization: Bearer qj_…` with a token created on the person's token page."""

    def authenticate(self, request, token):
        return _user_for_key(request, token)


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request, key):
        return _user_for_key(request, key)


class LoggedInSession(SessionAuth):
    """The browser's session; CSRF is checked only for a logged-in person.

    Without a session there is nothing to forge: an anonymous write answers 401 (no
    credentials), not 403 "CSRF check Failed".
    """

    def _get_key(self, request):
        if not getattr(request, "user", None) or not request.user.is_authenticated:
            return None
        return super()._get_key(request)


api = NinjaAPI(
    title="qiangji API",
    version="1",
    description="强基 — territories, programmes and the capabilities built on them.",
    auth=[BearerToken(), HeaderToken(), LoggedInSession()],
    urls_namespace="api",
)


@api.exception_handler(DataError)
def _data_error(request, exc):
    """A value the database cannot store (too large a number, a NUL character) is bad input."""
    return api.create_response(
        request,
        {"detail": gettext("A value is out of range or contains forbidden characters.")},
        status=422,
    )


@api.exception_handler(OperationalError)
def _operational_error(request, exc):
    """A busy database (SQLite "database is locked") is 503 with Retry-After, never 500."""
    from qiangji.core.busy import busy_response, is_busy

    if not is_busy(exc):
        raise exc
    return busy_response(request)


def _register_routers() -> None:
    """Mount each app's `api.py` `router` under /api/<app>/ (apps plug in; none is imported here)."""
    for module in app_modules("api"):
        router = getattr(module, "router", None)
        if router is not None:
            api.add_router(f"/{module.__name__.split('.')[1]}/", router)


_register_routers()
