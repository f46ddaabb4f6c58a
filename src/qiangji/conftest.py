"""Shared fixtures: the demo world, personas, a client per persona, and a browser page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.test import Client

from qiangji.accounts.models import User
from qiangji.core.demo import World, load_foundation
from qiangji.core.testing import AXE_STATS, DEMO_PASSWORD, DESKTOP, PHONE, AxeWatch

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    if settings.REDIS_URL:
        # The real shared cache (CI's PostgreSQL pass), emptied so tests cannot see each other.
        from django.core.cache import cache

        cache.clear()
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": str(tmp_path),
            }
        }


@pytest.fixture
def demo_world(db) -> World:
    """The demo's territories, programme and accounts (password "demo-pass-123")."""
    return load_foundation(password=DEMO_PASSWORD)


def _persona(username: str):
    """Return a fixture giving the demo account with this username."""

    @pytest.fixture
    def persona(demo_world) -> User:
        return demo_world.users[username]

    return persona


jiedao_admin = _persona("jiedao")
shiliuyuan_secretary = _persona("shiliuyuan")
keershan_secretary = _persona("keershan")
shiliuyuan_staff = _persona("shiliuyuan_staff")
grid_worker = _persona("wangge")
mentor = _persona("daoshi")
leader = _persona("lingdao")
superuser = _persona("admin")


@pytest.fixture
def outsider(demo_world) -> User:
    """A logged-in person with no role anywhere."""
    user, _ = User.objects.get_or_create(username="outsider", defaults={"display_name": "外人"})
    return user


@pytest.fixture
def client_for():
    """Return a factory of Django test clients logged in as a given user (None: anonymous)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


# --- browser ---------------------------------------------------------------------------
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skip is a failure: CI installs every tool, so nothing may hide behind a skip.

    The one exception is a test that needs PostgreSQL itself (real concurrent transactions):
    it is skipped in the SQLite pass and runs in the PostgreSQL pass of the same CI run.
    """
    outcome = yield
    report = outcome.get_result()
    if (
        os.environ.get("CI") == "true"
        and report.skipped
        and "PostgreSQL" not in str(report.longrepr)
    ):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every tool is installed: {report.longrepr}"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright; skipped (a failure in CI) without it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: browser tests cannot be skipped in CI")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


def _watch_console(page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions into `page.console_errors`.

    The refusal of a page the test opened itself (a 403 document) is not an error of the
    page; a test that provokes an error on purpose asserts on the list and empties it;
    whatever is left fails the test at teardown.
    """
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and source == page.url:
            return  # the page itself answered 403/404: the test opened it to see the refusal
        errors.append(f"console: {message.text} ({source}) on {page.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc} on {page.url}"))
    page.console_errors = errors
    return errors


@pytest.fixture
def new_page(browser, live_server):
    """Return a factory of pages (each in its own context) sized for desktop or phone.

    Every page is watched: a console error or an uncaught exception (a CSP violation, a
    failed script) fails the test at teardown.
    """
    contexts = []
    axe = AxeWatch()
    watched: list[list[str]] = []

    def make(viewport: dict | None = None, locale: str = "zh-CN"):
        context = browser.new_context(viewport=viewport or DESKTOP, locale=locale)
        context.set_default_timeout(10_000)
        context.on("page", axe.watch)  # every page of the context, popups included
        contexts.append(context)
        page = context.new_page()
        axe.watch(page)
        watched.append(_watch_console(page))
        return page

    yield make
    for context in contexts:
        context.close()
    errors = [error for page_errors in watched for error in page_errors]
    if errors:
        pytest.fail("errors in the browser console:\n" + "\n".join(errors[:20]), pytrace=False)
    axe.fail_on_findings()


def pytest_terminal_summary(terminalreporter):
    if AXE_STATS.checked:
        terminalreporter.write_line(
            f"axe: {AXE_STATS.checked} pages checked in {AXE_STATS.seconds:.1f} s, "
            f"{AXE_STATS.reused} loads reused a result"
        )


@pytest.fixture
def page(new_page):
    return new_page(DESKTOP)


@pytest.fixture
def phone_page(new_page):
    return new_page(PHONE)
