"""End-to-end: a secretary in Chromium, on a desktop and on a phone (screenshots for the docs)."""

import pytest
from playwright.sync_api import expect

from qiangji.core.testing import DESKTOP, PHONE, login, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "suffix"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_secretary_sees_own_community_in_chinese_is_refused_elsewhere_and_switches_to_english(
    new_page, live_server, demo_world, viewport, suffix
):
    page = new_page(viewport)
    login(page, live_server, "shiliuyuan")
    assert page.locator("h1").inner_text().startswith("工作台")
    screenshot(page, f"home-secretary-{suffix}")

    page.goto(f"{live_server.url}/territories/{demo_world.shiliuyuan.pk}/")
    assert page.locator("h1").inner_text().startswith("石榴园社区")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("#edit-territory").is_visible()
    screenshot(page, f"community-{suffix}")

    response = page.goto(f"{live_server.url}/territories/{demo_world.keershan.pk}/edit/")
    assert response.status == 403
    assert "无权访问" in page.locator("h1").inner_text()
    screenshot(page, f"forbidden-{suffix}")

    page.goto(f"{live_server.url}/territories/{demo_world.shiliuyuan.pk}/")
    page.select_option("#language-select", "en")
    page.click(".language-switch button")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Below this territory" in page.content()
    screenshot(page, f"community-english-{suffix}")


def test_phone_menu_opens_and_lists_the_sections(new_page, live_server, demo_world):
    page = new_page(PHONE)
    login(page, live_server, "jiedao")
    assert not page.locator(".nav-menu").is_visible()
    page.click(".nav-drawer summary")
    menu = page.locator(".nav-drawer .drawer")
    assert menu.is_visible()
    assert "辖区" in menu.inner_text() and "审计日志" in menu.inner_text()
    screenshot(page, "menu-phone")


def test_admin_pages_render_for_the_docs(new_page, live_server, demo_world):
    page = new_page(DESKTOP)
    login(page, live_server, "jiedao")
    screenshot(page, "home-admin-desktop")
    page.goto(f"{live_server.url}/territories/{demo_world.subdistrict.pk}/")
    assert page.locator("table tbody tr").count() >= 11
    screenshot(page, "subdistrict-desktop")
    page.goto(f"{live_server.url}/programmes/{demo_world.programme.pk}/")
    assert page.locator(".phase-bar li").count() == 6
    screenshot(page, "programme-desktop")
    page.goto(f"{live_server.url}/accounts/people/")
    page.fill("#people-q", "shiliu")
    expect(page.locator("#people-table tbody tr")).to_have_count(2)  # secretary and staff
    assert "shiliuyuan" in page.locator("#people-table").inner_text()
    screenshot(page, "people-desktop")


def test_keyboard_users_can_skip_to_the_content(new_page, live_server, demo_world):
    page = new_page(DESKTOP)
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused


def test_a_console_error_or_an_uncaught_exception_is_collected_to_fail_the_test(page):
    page.set_content(  # a whole document, so the accessibility check has nothing to say
        '<!doctype html><html lang="zh-Hans"><head><title>示例</title></head>'
        "<body><main><h1>示例</h1></main></body></html>"
    )
    page.evaluate("console.error('示例错误')")
    page.evaluate("setTimeout(() => { throw new Error('示例异常'); }, 0)")
    page.wait_for_timeout(200)
    assert any("示例错误" in error for error in page.console_errors)
    assert any("示例异常" in error for error in page.console_errors)
    page.console_errors.clear()  # provoked on purpose: the teardown would fail the test
