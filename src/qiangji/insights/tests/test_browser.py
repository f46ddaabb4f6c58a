"""In Chromium: a leader goes from the leader view to a community's radar, a trait's evidence and the report."""

from __future__ import annotations

import json

import pytest

from qiangji.core.testing import PHONE, login, screenshot
from qiangji.insights.actions import do_refresh_index

from .factories import add_activity


@pytest.fixture
def world(demo_world, transactional_db):
    add_activity(demo_world, communities=11)
    do_refresh_index(programme=demo_world.programme, draws=200)
    return demo_world


@pytest.mark.browser
def test_leader_reads_a_radar_follows_a_trait_to_its_evidence_and_downloads_the_report(
    world, new_page, live_server
):
    page = new_page()
    login(page, live_server, "lingdao")
    page.goto(f"{live_server.url}/insights/leader/")
    page.get_by_role("link", name="团城山街道").first.click()
    page.wait_for_load_state("networkidle")
    screenshot(page, "insights-overview-desktop")
    page.locator("table.overview").get_by_role("link", name="石榴园社区").click()
    radar = page.locator("#community-radar[data-ready='1']")
    radar.wait_for()
    values = dict(json.loads(radar.get_attribute("data-values")))
    assert len(values["石榴园社区"]) == 6 and "街道中位数" in values
    screenshot(page, "insights-community-desktop")
    page.locator("#trait-table").get_by_role("link", name="精细化").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#trait-score").inner_text().strip().isdigit()
    assert page.locator("#indicator-tasks_specified_share").is_visible()
    screenshot(page, "insights-evidence-desktop")
    page.go_back()
    page.go_back()
    with page.expect_download() as download:
        page.get_by_role("link", name="工作总结（Word）").click()
    assert download.value.suggested_filename.endswith(".docx")


@pytest.mark.browser
def test_a_secretary_reads_their_dashboard_on_a_phone(world, new_page, live_server):
    page = new_page(PHONE)
    login(page, live_server, "shiliuyuan")
    page.goto(f"{live_server.url}/insights/p/{world.programme.pk}/c/{world.shiliuyuan.pk}/")
    page.locator("#community-radar[data-ready='1']").wait_for()
    assert page.get_by_text("下一步要做").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the page scrolls sideways ({width}px)"
    screenshot(page, "insights-community-phone")
    page.goto(f"{live_server.url}/insights/leader/")
    assert (
        page.locator("h1").inner_text().startswith("403")
        or page.title().startswith("403")
        or "403" in page.content()
    )
