"""In Chromium: a secretary merges two hot issues and makes one ticket for the whole matter."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qiangji.concerns import demo
from qiangji.concerns.models import HotIssue, HotIssueState
from qiangji.core.testing import PHONE, login, screenshot

pytestmark = pytest.mark.browser


def test_a_secretary_merges_two_hot_issues_and_creates_one_ticket_on_a_phone(
    new_page, live_server, demo_world
):
    demo.load(demo_world)
    community = demo_world.shiliuyuan
    issues = list(HotIssue.objects.active().in_territory(community).order_by("-heat"))
    assert len(issues) >= 2 and all(" · " in h.label for h in issues)
    target, other = issues[0], issues[1]
    page = new_page(PHONE)
    login(page, live_server, "shiliuyuan")
    page.goto(f"{live_server.url}/concerns/top/?territory={community.pk}")
    expect(page.locator("#top-hot")).to_contain_text(target.label)
    screenshot(page, "concerns-top-hot-issues-phone")

    page.goto(f"{live_server.url}/concerns/hot/{target.pk}/")
    page.locator("summary", has_text="并入").click()
    page.select_option("#hot-merge select[name=other]", str(other.pk))
    page.locator("#hot-merge button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    other.refresh_from_db()
    assert other.state == HotIssueState.MERGED and other.merged_into_id == target.pk

    page.locator("#hot-create-ticket").click()
    page.wait_for_load_state("networkidle")
    target.refresh_from_db()
    assert target.ticket_id is not None
    # The lead concern's ticket (whatever step the demo left it at) carries every other one.
    lead = target.ticket
    assert lead.concern.hot_issue_id == target.pk
    states = set(target.concerns.values_list("ticket__state", flat=True))
    assert states == {lead.state}
    assert lead.events.filter(note__contains=target.label).exists()
    page.goto(f"{live_server.url}/concerns/hot/{target.pk}/")
    expect(page.locator("#hot-ticket")).to_be_visible()
    screenshot(page, "concerns-hot-issue-phone")
