"""Test helpers shared by every app: the permission matrix, browser login and screenshots.

Permission matrix: each app declares, in `tests/test_permission_matrix.py`, a list
`ROUTES` of `Route` for every URL name in its namespace, and a test that calls
`check_matrix(demo_world, ROUTES)`. `core/tests/test_every_url_is_covered.py` fails when a
URL name of the project appears in no app's ROUTES.
"""

from __future__ import annotations

import functools
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


# --- accessibility: axe-core after every page load of a browser test -------------------------
AXE_SCRIPT = max(
    (Path(__file__).resolve().parent / "tests" / "vendor").glob("axe-core-*/axe.min.js"),
    key=lambda path: tuple(int(n) for n in re.findall(r"\d+", path.parent.name)),
)
AXE_TAGS = tuple(
    os.environ.get("QIANGJI_AXE_TAGS", "wcag2a,wcag2aa,wcag21a,wcag21aa")
    .replace(" ", "")
    .split(",")
)
# QIANGJI_AXE_TAGS (e.g. adding best-practice) and QIANGJI_AXE_IMPACTS=minor,moderate,serious,
# critical widen what is collected, for a survey with QIANGJI_AXE=report; by default the suite
# fails on serious and critical violations of WCAG 2.0/2.1 A and AA.
AXE_IMPACTS = frozenset(
    os.environ.get("QIANGJI_AXE_IMPACTS", "serious,critical").replace(" ", "").split(",")
)
# Runs in the page: a list of the serious findings, or null when the page is not HTML. The
# load hook runs alongside the test, so a run waits for any run already going on the page.
_AXE_RUN = """async ([tags, impacts]) => {
  if (document.contentType !== 'text/html') return null;
  while (window.__qiangjiAxe) { try { await window.__qiangjiAxe; } catch (e) {} }
  window.__qiangjiAxe = axe.run(document, {runOnly: {type: 'tag', values: tags},
                                           resultTypes: ['violations']});
  let result;
  try { result = await window.__qiangjiAxe; } finally { window.__qiangjiAxe = null; }
  return result.violations.filter(v => impacts.includes(v.impact)).flatMap(v => v.nodes.map(n =>
    ({rule: v.id, impact: v.impact, help: v.help, target: n.target.join(' '),
      html: n.html.slice(0, 160)})));
}"""
_NUMBERED = re.compile(r"/(\d+|[0-9a-f]{8,}|[0-9a-f-]{36})(?=/|$)")


@dataclass
class AxeStats:
    """What the axe hook did in this test session: pages checked, pages reused, seconds spent."""

    checked: int = 0
    reused: int = 0
    seconds: float = 0.0


AXE_STATS = AxeStats()


@functools.cache
def _axe_source() -> str:
    # Guarded: two checks may inject at once, and a second copy would break a running one.
    return (
        f"if (typeof window.axe === 'undefined') {{\n{AXE_SCRIPT.read_text(encoding='utf-8')}\n}}"
    )


# One check per (page kind, viewport width) for the whole session: the same template at the
# same width gives the same findings, and the suite stays fast.
_AXE_SEEN: dict[tuple[str, int], list[dict]] = {}


def axe_page_key(url: str) -> str:
    """Return the kind of page a URL shows: its path with ids as <id>, its query's keys."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    keys = sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return _NUMBERED.sub("/<id>", parts.path) + (f"?{'&'.join(keys)}" if keys else "")


class AxeWatch:
    """Run axe-core on every page a browser test loads; collect serious and critical findings.

    `mode` is "strict" (the test fails at teardown), "report" (findings become a warning)
    or "off"; the environment variable QIANGJI_AXE chooses it, strict by default.
    """

    def __init__(self, mode: str | None = None) -> None:
        import os

        self.mode = mode or os.environ.get("QIANGJI_AXE", "strict")
        self._found: list[list[dict]] = []
        self._watched: set[int] = set()

    def watch(self, page) -> None:
        """Check this page after each of its loads (once, however often it is passed)."""
        if self.mode != "off" and id(page) not in self._watched:
            self._watched.add(id(page))
            page.on("load", self._on_load)

    def _on_load(self, page) -> None:
        try:
            self.check(page)
        except Exception as exc:  # noqa: BLE001 — the test navigated on: its next load is checked
            if not any(word in str(exc) for word in ("destroyed", "closed", "detached", "navigat")):
                raise

    def check(self, page, *, reuse: bool = True) -> list[dict]:
        """Run axe on the page as it is now (or reuse the session's result); return findings."""
        import time

        width = (page.viewport_size or {}).get("width", 0)
        key = (axe_page_key(page.url), width)
        if reuse and key in _AXE_SEEN:
            # Possibly still being filled by a check running alongside: kept by reference.
            AXE_STATS.reused += 1
            self._found.append(_AXE_SEEN[key])
            return _AXE_SEEN[key]
        found: list[dict] = []
        if reuse:
            _AXE_SEEN[key] = found  # taken: loads of the same kind meanwhile wait for none
        start = time.perf_counter()
        try:
            if not page.evaluate("typeof axe !== 'undefined'"):
                page.evaluate(_axe_source())
            result = page.evaluate(_AXE_RUN, [list(AXE_TAGS), sorted(AXE_IMPACTS)])
        except Exception:
            if reuse:
                del _AXE_SEEN[key]  # the page went away: the next load of its kind checks it
            raise
        AXE_STATS.seconds += time.perf_counter() - start
        AXE_STATS.checked += 1
        for finding in result or []:
            found.append({**finding, "url": page.url, "width": width})
        _AXE_SEEN.setdefault(key, found)
        self._found.append(found)
        return found

    @property
    def findings(self) -> list[dict]:
        return [finding for found in self._found for finding in found]

    def finish(self) -> str:
        """Return one line per distinct finding (rule, target, page and width), or "".

        With QIANGJI_AXE_LOG set, also append the findings to that file (JSON lines).
        """
        import json
        import os

        if log := os.environ.get("QIANGJI_AXE_LOG"):
            with open(log, "a", encoding="utf-8") as out:
                for finding in self.findings:
                    out.write(json.dumps(finding, ensure_ascii=False) + "\n")
        lines = sorted(
            {
                f"{f['rule']} ({f['impact']}: {f['help']}) at {f['target']} "
                f"on {f['url']} [{f['width']}px] — {f['html']}"
                for f in self.findings
            }
        )
        return "\n".join(lines)

    def fail_on_findings(self) -> None:
        """Fail the test (strict) or warn (report) when axe found a serious violation."""
        import warnings

        import pytest

        listing = self.finish()
        if not listing:
            return
        message = f"axe: serious or critical WCAG violations:\n{listing}"
        if self.mode == "strict":
            pytest.fail(message, pytrace=False)
        warnings.warn(message, stacklevel=1)


# Every persona with a role in the demo (the walks below; anonymous and outsider see little).
ROLE_PERSONAS = tuple(p for p in PERSONAS if p not in {"anonymous", "outsider", "admin"})


def walk_pages(world, personas=ROLE_PERSONAS, **headers):
    """Yield (persona, client, url, response) for every GET page of the permission matrices.

    Each persona opens every route it is allowed (the route's objects built from `world`,
    which should hold the whole demo); only HTML pages answered 200 are yielded. A route
    whose objects its own matrix test builds first is skipped.
    """
    routes = [r for r in declared_routes() if r.method == "get"]
    for persona in personas:
        client = _client(world, persona)
        for route in routes:
            if persona not in route.allowed:
                continue
            try:
                url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
            except Exception:  # noqa: BLE001, S112 — the route needs objects its matrix builds
                continue
            response = client.get(url, **headers)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                yield persona, client, url, response
