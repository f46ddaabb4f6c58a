"""Test helpers shared by every app: the permission matrix, browser login and screenshots.

Permission matrix: each app declares, in `tests/test_permission_matrix.py`, a list
`ROUTES` of `Route` for every URL name in its namespace, and a test that calls
`check_matrix(demo_world, ROUTES)`. `core/tests/test_every_url_is_covered.py` fails when a
URL name of the project appears in no app's ROUTES.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

REPO_ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
DEMO_PASSWORD = "demo-pass-123"  # noqa: S105 — the tests' demo accounts only

# Every persona of the matrix: the demo accounts, an outsider with no role, and anonymous.
PERSONAS = (
    "anonymous",
    "outsider",
    "admin",
    "jiedao",
    "shiliuyuan",
    "keershan",
    "shiliuyuan_staff",
    "wangge",
    "daoshi",
    "lingdao",
)
EVERYONE = frozenset(PERSONAS)
LOGGED_IN = EVERYONE - {"anonymous"}


@dataclass
class Route:
    """One URL of the matrix: how to build it and which personas may use it."""

    name: str
    allowed: frozenset[str] | set[str]
    kwargs: Callable[[object], dict] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[object], dict] | None = None
    query: str = ""


def _client(world, persona: str) -> Client:
    client = Client()
    if persona == "anonymous":
        return client
    from qiangji.accounts.models import User

    if persona == "outsider":
        user, _ = User.objects.get_or_create(username="outsider")
    else:
        user = world.users[persona]
    client.force_login(user)
    return client


def check_matrix(world, routes: list[Route]) -> list[str]:
    """Request every route as every persona; return a description of each mismatch.

    Allowed means a status below 400 that is not a redirect to the login page;
    denied means 403 or 404, or for anonymous a redirect to the login page.
    Each request runs in a savepoint that is rolled back, so POSTs do not leak.
    """
    from django.db import transaction

    login_url = reverse(settings.LOGIN_URL)
    failures = []
    for route in routes:
        for persona in PERSONAS:
            client = _client(world, persona)
            url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
            data = route.data(world) if route.data else {}
            sid = transaction.savepoint_create()
            try:
                response = getattr(client, route.method)(url, data)
            finally:
                transaction.savepoint_rollback(sid)
            status = response.status_code
            to_login = status in (301, 302) and response.get("Location", "").startswith(login_url)
            allowed = status < 400 and not to_login
            expected = persona in route.allowed
            if expected and not allowed:
                failures.append(
                    f"{route.name} {route.method.upper()} as {persona}: expected allowed, got {status}"
                )
            if not expected and allowed:
                failures.append(
                    f"{route.name} {route.method.upper()} as {persona}: expected denied, got {status}"
                )
            if not expected and status not in (403, 404, 405) and not to_login:
                failures.append(
                    f"{route.name} as {persona}: denied with unexpected status {status}"
                )
    return failures


def all_url_names() -> set[str]:
    """Return every namespaced URL name of the project except the admin, API and i18n."""
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace
                if ns in ("admin", "api") or str(entry.pattern).startswith(("api/", "i18n/")):
                    continue
                full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(entry.url_patterns, full)
            elif isinstance(entry, URLPattern) and entry.name:
                names.add(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None)
    return names


def declared_routes() -> list[Route]:
    """Return the ROUTES declared by every app's permission matrix test module."""
    routes: list[Route] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("qiangji."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.test_permission_matrix")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(config.name):
                continue
            raise
        routes.extend(getattr(module, "ROUTES", []))
    return routes


def login(page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real login form of a Playwright page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot to docs/screenshots/NAME.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
