"""End to end in Chromium: a secretary builds a plan on a phone; two editors meet a conflict."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qiangji.core.testing import DESKTOP, PHONE, login, screenshot
from qiangji.plans.models import Plan, PlanVersion

pytestmark = pytest.mark.browser

LINES = {
    "为老服务主线": ["长者助餐站", "健康小屋站", "日间照料站"],
    "邻里共治主线": ["红色议事站", "志愿服务站"],
}


def _add(page, input_selector: str, title: str) -> None:
    page.fill(input_selector, title)
    page.press(input_selector, "Enter")
    expect(page.locator(".node-title strong", has_text=title)).to_be_visible()


def test_secretary_builds_a_two_line_five_station_plan_on_a_phone_closes_a_round_and_reads_the_diff(
    new_page, live_server, demo_world
):
    page = new_page(PHONE)
    login(page, live_server, "shiliuyuan")
    page.goto(f"{live_server.url}/plans/")
    page.locator("tr", has_text="石榴园社区").locator("button").click()
    page.wait_for_load_state("networkidle")
    plan = Plan.objects.get(community=demo_world.shiliuyuan)

    page.fill("#id_brand_name", "幸福石榴园")
    page.fill("#id_slogan", "幸福石榴园，服务520")
    page.fill("#id_concept", "零距离")
    page.fill("#id_concerns", "老人吃饭难\n邻里矛盾多")
    page.locator("#fields button[type=submit]").click()
    expect(page.locator("#fields .saved")).to_be_visible()

    for line, stations in LINES.items():
        _add(page, "#add-line", line)
        # Focus stays in the "add" box after the tree is swapped, for quick entry.
        assert page.evaluate("document.activeElement.id") == "add-line"
        line_pk = page.locator("li.kind-line", has_text=line).get_attribute("id").split("-")[1]
        for station in stations:
            _add(page, f"#add-{line_pk}", station)
            assert page.evaluate("document.activeElement.id") == f"add-{line_pk}"
    station_pk = (
        page.locator("li.kind-project", has_text="长者助餐站").get_attribute("id").split("-")[1]
    )
    _add(page, f"#add-{station_pk}", "每日午餐配送")
    assert page.locator("li.kind-line").count() == 2
    assert page.locator("li.kind-project").count() == 5
    expect(page.locator("#completeness")).to_contain_text("每日午餐配送", timeout=15_000)
    screenshot(page, "plans-editor-phone")

    # Reordering keeps focus on the arrow pressed and the page where it is.
    first = page.locator("li.kind-project", has_text="长者助餐站").get_attribute("id").split("-")[1]
    page.locator(f"#down-{first}").scroll_into_view_if_needed()
    scroll = page.evaluate("window.scrollY")
    page.locator(f"#down-{first}").click()
    expect(page.locator("li.kind-project").nth(1)).to_contain_text("长者助餐站")
    expect(page.locator(f"#down-{first}")).to_be_focused()
    assert abs(page.evaluate("window.scrollY") - scroll) < 200
    page.locator(f"#up-{first}").click()
    expect(page.locator("li.kind-project").first).to_contain_text("长者助餐站")

    # Editing a node in place keeps the page where it is (no reload, no jump to the top).
    row_id = page.locator("li.kind-project", has_text="红色议事站").get_attribute("id")
    row = page.locator(f"#{row_id}")
    row.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    row.locator(".node-actions a", has_text="编辑").click()
    title_input = row.locator("input[name=title]")
    expect(title_input).to_be_focused()
    assert abs(page.evaluate("window.scrollY") - before) < 200

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".close-round button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert PlanVersion.objects.filter(plan=plan, number=1, round_name="提出").exists()
    assert "v1" in page.content()
    screenshot(page, "plans-version-phone")

    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    row = page.locator(f"#{row_id}")
    row.locator(".node-actions a", has_text="编辑").click()
    row.locator("input[name=title]").fill("红色议事厅")
    row.locator("button[type=submit]", has_text="保存").click()
    expect(page.locator("li.kind-project", has_text="红色议事厅")).to_be_visible()

    # Move a station to the other main line with the "move to…" picker.
    volunteer = (
        page.locator("li.kind-project", has_text="志愿服务站").get_attribute("id").split("-")[1]
    )
    page.locator(f"#node-{volunteer}-body .node-actions a", has_text="移动到").click()
    older = page.locator("li.kind-line", has_text="为老服务主线").get_attribute("id").split("-")[1]
    page.select_option(f"#move-{volunteer}", older)
    page.locator(f"#node-{volunteer}-body button[type=submit]").click()
    expect(page.locator(f"#node-{volunteer} .node-label")).to_have_text("4.")

    page.goto(f"{live_server.url}/plans/{plan.pk}/diff/?a=1&b=draft")
    expect(page.locator("#diff-body")).to_contain_text("志愿服务站")
    changed = page.locator(".diff-node", has_text="红色议事厅")
    expect(changed.locator("ins")).to_contain_text("厅")
    expect(changed.locator("del")).to_contain_text("站")
    screenshot(page, "plans-diff-phone")


def test_a_second_editor_of_the_same_node_meets_the_conflict_view_and_both_texts_are_kept(
    new_page, live_server, demo_world
):
    from qiangji.plans.tests.factories import make_plan, make_small_tree

    plan = make_plan(demo_world)
    nodes = make_small_tree(plan, demo_world.users["shiliuyuan"])
    node = nodes["健康站"]
    url = f"{live_server.url}/plans/{plan.pk}/"
    first, second = new_page(DESKTOP), new_page(PHONE)
    login(first, live_server, "shiliuyuan")
    login(second, live_server, "shiliuyuan_staff")
    for page in (first, second):
        page.goto(url)
        page.locator(f"#node-{node.pk}-body .node-actions a", has_text="编辑").click()
        expect(page.locator(f"#n{node.pk}-description")).to_be_visible()
    first.fill(f"#n{node.pk}-description", "每周二测血压。")
    first.locator(f"#node-{node.pk}-body button[type=submit]").click()
    expect(first.locator(f"#node-{node.pk}-body .saved")).to_be_visible()

    second.fill(f"#n{node.pk}-description", "每月一次义诊。")
    second.locator(f"#node-{node.pk}-body button[type=submit]").click()
    panel = second.locator(".conflict-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".conflict-text.theirs")).to_contain_text("每周二测血压。")
    expect(panel.locator(".conflict-text.mine")).to_contain_text("每月一次义诊。")
    screenshot(second, "plans-conflict-phone")

    merged = panel.locator("textarea")
    merged.fill("每周二测血压；每月一次义诊。")
    panel.locator("button[value=merged]").click()
    second.wait_for_load_state("networkidle")
    node.refresh_from_db()
    assert node.description == "每周二测血压；每月一次义诊。"


def test_the_demo_plan_on_a_desktop_editor_diff_print_and_a_mentors_mention(
    new_page, live_server, demo_world
):
    from qiangji.notifications.models import Notice
    from qiangji.plans import demo

    demo.load(demo_world)
    plan = Plan.objects.get(community=demo_world.shiliuyuan)
    from django.apps import apps

    topic = apps.get_model("concerns", "Topic").objects.create(
        territory=demo_world.shiliuyuan, number=1, label="停车 车位", score=9
    )
    cited = f"停车 车位〔主题#{topic.pk}〕"  # the label with its citation token
    page = new_page(DESKTOP)
    login(page, live_server, "shiliuyuan")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    expect(page.locator(".brand-summary")).to_contain_text("幸福石榴园，服务520")
    page.locator(".fields-details > summary").click()
    page.locator(f"button[data-text='{cited}']").click()
    assert page.input_value("#id_concerns").endswith(f"\n{cited}")
    assert page.locator("li.kind-project").count() == 5
    screenshot(page, "plans-editor-desktop")
    page.goto(f"{live_server.url}/plans/{plan.pk}/diff/")
    expect(page.locator("#diff-body")).to_contain_text("健康服务站")
    page.select_option("#diff-mode", "char")
    expect(page.locator("#diff-body ins").first).to_be_visible()
    screenshot(page, "plans-diff-desktop")
    page.goto(f"{live_server.url}/plans/{plan.pk}/timeline/")
    expect(page.locator(".timeline .event-version")).to_contain_text("提出")
    screenshot(page, "plans-timeline-desktop")
    page.goto(f"{live_server.url}/plans/{plan.pk}/print/")
    expect(page.locator(".doc-title")).to_contain_text("幸福石榴园")
    screenshot(page, "plans-print-desktop")

    mentor = new_page(PHONE)
    login(mentor, live_server, "daoshi")
    mentor.goto(f"{live_server.url}/plans/{plan.pk}/")
    assert mentor.locator("#add-line").count() == 0
    mentor.fill("#comment-body", "@shiliuyuan 四点半课堂站的安全预案要补上。")
    mentor.locator(".comment-form button[type=submit]").click()
    expect(mentor.locator("#discussion")).to_contain_text("四点半课堂站的安全预案")
    screenshot(mentor, "plans-discussion-phone")
    assert (
        Notice.objects.filter(recipient=demo_world.users["shiliuyuan"], kind="mention").count() == 2
    )
