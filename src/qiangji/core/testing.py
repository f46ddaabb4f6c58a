"""Test helpers shared by every app: the permission matrix, browser login and screenshots.

Permission matrix: each app declares, in `tests/test_permission_matrix.py`, a list
`ROUTES` of `Route` for every URL name in its namespace, and a test that calls
`check_matrix(demo_world, ROUTES)`. `core/tests/test_every_url_is_covered.py` fails when a
URL name of the project appears in no app's ROUTES.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

REPO_ROOT = Path(__file__).resolve().parents[3]
# Browser tests write their screenshots under var/ (not tracked); `make screenshots` runs them
# with QIANGJI_SCREENSHOTS=docs/screenshots to refresh the pictures the docs show.
SCREENSHOTS = REPO_ROOT / os.environ.get("QIANGJI_SCREENSHOTS", "var/screenshots")
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
# A mentor of the programme (daoshi's roles) who still owes a review of a round that others
# have reviewed: blind review says they must not see that round's reviews until they submit.
# A route states `due_mentor=True/False` to have this persona checked (the reviews app does,
# for every page that shows review content).
DUE_MENTOR = "daoshi_due"


@dataclass
class Route:
    """One URL of the matrix: how to build it and which personas may use it."""

    name: str
    allowed: frozenset[str] | set[str]
    kwargs: Callable[[object], dict] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[object], dict] | None = None
    query: str = ""
    due_mentor: bool | None = None  # whether DUE_MENTOR may use it; None: not checked


def _client(world, persona: str) -> Client:
    client = Client()
    if persona == "anonymous":
        return client
    from qiangji.accounts.models import User

    if persona == "outsider":
        user, _ = User.objects.get_or_create(username="outsider")
    elif persona == DUE_MENTOR:
        user = due_mentor(world)
    else:
        user = world.users[persona]
    client.force_login(user)
    return client


def due_mentor(world):
    """Return the DUE_MENTOR persona: a user with the demo mentor's roles (made once)."""
    from qiangji.accounts.models import RoleGrant, User

    user, created = User.objects.get_or_create(
        username=DUE_MENTOR, defaults={"display_name": "示例·未交评审的导师"}
    )
    if created:
        for grant in RoleGrant.objects.filter(user=world.users["daoshi"]):
            grant.pk = None
            grant.user = user
            grant.save()
    return user


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
        personas = PERSONAS + ((DUE_MENTOR,) if route.due_mentor is not None else ())
        allowed_personas = set(route.allowed) | ({DUE_MENTOR} if route.due_mentor else set())
        for persona in personas:
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
            expected = persona in allowed_personas
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


_BROWSER_FORMATS = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "time": re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?"),
    "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?"),
}


class _FormReader:
    """Collect what a browser would submit for each <form> of a page, untouched."""

    def __init__(self) -> None:
        from html.parser import HTMLParser

        reader = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                reader.start(tag, dict(attrs))

            def handle_endtag(self, tag):
                reader.end(tag)

            def handle_data(self, data):
                reader.data(data)

        self.parser = Parser(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str | None, value: str) -> None:
        if self._form is not None and name:
            self._form["data"].setdefault(name, []).append(value)

    def start(self, tag: str, attrs: dict) -> None:
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "data": {}}
            self.forms.append(self._form)
        elif tag == "input" and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            value = attrs.get("value", default)
            if kind in _BROWSER_FORMATS and not _BROWSER_FORMATS[kind].fullmatch(value):
                value = ""  # what a browser shows, and submits, for a value it cannot read
            self._add(attrs.get("name"), value)
        elif tag == "select" and "disabled" not in attrs:
            self._select, self._select_first, self._select_chosen = attrs.get("name"), None, False
        elif tag == "option" and self._select is not None:
            self._option = attrs
            self._text = []
        elif tag == "textarea" and "disabled" not in attrs:
            self._textarea = attrs.get("name")
            self._text = []

    def data(self, data: str) -> None:
        if self._option is not None or self._textarea is not None:
            self._text.append(data)

    def end(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            value = self._option.get("value", "".join(self._text).strip())
            if self._select_first is None:
                self._select_first = value
            if "selected" in self._option:
                self._add(self._select, value)
                self._select_chosen = True
            self._option = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self._add(self._select, self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            text = "".join(self._text)
            self._add(self._textarea, text.removeprefix("\r\n").removeprefix("\n"))
            self._textarea = None


def forms_on_page(html: str) -> list[dict]:
    """Return each form of the page as {"action", "data"}: what a browser submits unchanged.

    `data` maps each field name to its list of values, ready for `Client.post`.
    """
    reader = _FormReader()
    reader.parser.feed(html)
    reader.parser.close()
    return reader.forms
