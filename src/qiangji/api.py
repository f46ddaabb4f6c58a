"""The HTTP API (Django Ninja): OpenAPI at /api/openapi.json, token or session auth.

Apps add their routers here. Every endpoint asks the same permission module as the UI.

There is no /api/docs page: Ninja's Swagger page loads its script from a CDN and starts it
with an inline script, both of which the CSP forbids (the page was blank). The schema is
what clients and tools read (schemathesis, code generators, a local Swagger or Redoc);
vendoring a 1.5 MB UI would be one more package to keep patched for a page nobody needs to
reach from the server.
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


# The errors every endpoint may answer besides what it declares itself (one place, not
# `response={401: …}` repeated on every route): no or a bad credential, no permission, input
# the schema or the database refuses. Ninja's own validation error carries a list in `detail`.
AUTH_ERRORS = {"401": "Not authenticated: no valid token or session."}
WRITE_ERRORS = {
    "403": "Not allowed: the person may not do this (or a session without its CSRF token).",
    "422": "Invalid input: the body or a parameter failed validation.",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
API_ERROR = {
    "title": "ApiError",
    "type": "object",
    "properties": {
        "detail": {
            "title": "Detail",
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}],
        }
    },
    "required": ["detail"],
}


class QiangjiAPI(NinjaAPI):
    """Ninja with the common error answers added to every operation of the schema."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["ApiError"] = API_ERROR
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
        for methods in schema["paths"].values():
            for method, operation in methods.items():
                errors = {}
                if operation.get("security"):
                    errors |= AUTH_ERRORS
                if method in WRITE_METHODS:
                    errors |= WRITE_ERRORS
                elif operation.get("parameters"):
                    errors["422"] = WRITE_ERRORS["422"]
                responses = operation.setdefault("responses", {})
                for code, description in errors.items():
                    # An endpoint's own declaration (its schema, its wording) wins.
                    responses.setdefault(code, {"description": description, "content": ref})
        return schema


api = QiangjiAPI(
    title="qiangji API",
    version="1",
    description="强基 — territories, programmes and the capabilities built on them.",
    auth=[BearerToken(), HeaderToken(), LoggedInSession()],
    urls_namespace="api",
    docs_url=None,
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
