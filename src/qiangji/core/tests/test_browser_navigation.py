"""The top bar in Chromium: one line on office screens, a drawer on a phone, usable by keyboard."""

import pytest
from django.conf import settings
from django.test import Client

from qiangji.core.testing import screenshot

pytestmark = pytest.mark.browser

ROLES = ("admin", "jiedao", "shiliuyuan", "shiliuyuan_staff", "wangge", "daoshi", "lingdao")
VIEWPORTS = (
    {"width": 1280, "height": 800},
    {"width": 1366, "height": 900},
)
PHONE = {"width": 390, "height": 844}

# For every label of the bar (and of every open menu): the distinct line tops of its text.
MEASURE = """(selector) => [...document.querySelectorAll(selector)].filter(e => e.offsetParent).map(e => {
  const range = document.createRange(); range.selectNodeContents(e);
  const rects = [...range.getClientRects()].filter(r => r.width > 0).sort((a, b) => a.top - b.top);
  let lines = 0, bottom = -1e9;
  for (const r of rects) { if (r.top >= bottom - 2) { lines += 1; bottom = r.bottom; } else { bottom = Math.max(bottom, r.bottom); } }
  const box = e.getBoundingClientRect();
  return {label: e.innerText.trim(), lines, top: Math.round(box.top), bottom: Math.round(box.bottom)};
})"""


def log_in_as(context, live_server, user) -> None:
    """Give a browser context the session of a user (the login form is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.clear_cookies()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_every_roles_bar_is_one_line_and_no_label_wraps(
    new_page, live_server, demo_world, viewport
):
    page = new_page(viewport)
    for role in ROLES:
        log_in_as(page.context, live_server, demo_world.users[role])
        page.goto(f"{live_server.url}/")
        bar = page.evaluate(MEASURE, ".site-header .nav-wide > li")
        assert len(bar) >= 4, role
        middles = {(item["top"] + item["bottom"]) / 2 for item in bar}
        assert max(middles) - min(middles) <= 4, (role, bar)  # one line
        labels = page.evaluate(MEASURE, ".site-header .nav-link, .site-header .brand")
        wrapped = [item["label"] for item in labels if item["lines"] != 1]
        assert wrapped == [], (role, wrapped)
        # A menu's name and its arrow stay together: every entry of the bar has one height.
        links = page.evaluate(MEASURE, ".site-header .nav-wide .nav-link")
        heights = {item["bottom"] - item["top"] for item in links}
        assert max(heights) - min(heights) <= 4, (role, links)
        for group in page.locator(".site-header details.nav-group").all():
            group.locator("summary").click()
            entries = page.evaluate(MEASURE, ".site-header details.nav-group[open] ul a")
            assert entries and all(item["lines"] == 1 for item in entries), (role, entries)
            page.keyboard.press("Escape")
        if role == "admin":
            screenshot(page, f"navigation-admin-{viewport['width']}")


def test_the_menus_work_by_keyboard(page, live_server, demo_world):
    log_in_as(page.context, live_server, demo_world.users["jiedao"])
    page.goto(f"{live_server.url}/")
    summary = page.locator('.site-header details.nav-group[data-group="admin"] summary')
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator('details.nav-group[data-group="admin"]').get_attribute("open") is not None
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent.trim()") == "辖区"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent.trim()") == "工程"
    page.keyboard.press("Escape")
    assert page.locator('details.nav-group[data-group="admin"]').get_attribute("open") is None
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.type("石榴园")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.locator("[data-kind]").count() >= 1


def test_on_a_phone_the_menu_folds_into_a_drawer_with_the_search(new_page, live_server, demo_world):
    page = new_page(PHONE)
    for role in ("jiedao", "wangge"):
        log_in_as(page.context, live_server, demo_world.users[role])
        page.goto(f"{live_server.url}/concerns/")
        assert not page.locator(".nav-menu").is_visible()
        bar = page.evaluate(MEASURE, ".site-header nav > ul > li")
        assert max(i["bottom"] for i in bar) < 80, bar
        page.click(".nav-drawer summary")
        drawer = page.locator(".nav-drawer .drawer")
        assert drawer.is_visible()
        assert drawer.locator("input[type=search]").is_visible()
        assert drawer.locator('a[aria-current="page"]').inner_text() == "居民诉求"
        entries = page.evaluate(MEASURE, ".nav-drawer .drawer a")
        assert all(item["lines"] == 1 for item in entries), entries
        screenshot(page, f"navigation-{role}-phone")
