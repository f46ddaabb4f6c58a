"""End to end in Chromium: a mentor scores a version with one suggestion, the stage updates,
the secretary answers in the next round, and the plan timeline shows the suggestion answered."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from qiangji.core.testing import DESKTOP, PHONE, login, screenshot
from qiangji.plans.actions import do_close_round
from qiangji.reviews.actions import do_set_stage
from qiangji.reviews.models import Review, SuggestionAnswer

pytestmark = pytest.mark.browser


def test_mentor_review_stage_and_answer_loop(new_page, live_server, review_world):
    world = review_world.world
    plan = review_world.shiliuyuan_plan
    do_set_stage(programme=world.programme, round_number=1, published=True)

    stage = new_page(DESKTOP)
    login(stage, live_server, "lingdao")
    stage.goto(f"{live_server.url}/reviews/programme/{world.programme.pk}/stage/?round=1")
    assert stage.locator(".stage-score").count() == 0

    mentor = new_page(DESKTOP)
    mentor.on("dialog", lambda dialog: dialog.accept())
    login(mentor, live_server, "daoshi")
    mentor.goto(f"{live_server.url}/reviews/")
    screenshot(mentor, "reviews-mentor-home-desktop")
    with mentor.expect_navigation():
        mentor.click("text=开始评审")
    assert "可行性" in mentor.content()
    for index, fieldset in enumerate(mentor.locator("fieldset.criterion-card").all()):
        fieldset.locator("label", has_text=str(4 if index else 3)).first.click()
    mentor.locator("input[name=confidence][value='3']").check()
    mentor.fill("textarea[name=opinion]", "方案聚焦居民关切，建议细化站点运行。")
    mentor.wait_for_selector("#save-state:has-text('草稿已于')", timeout=5000)
    # Leave the opinion (its change event autosaves after 300 ms, its input after 1.2 s) and
    # let both autosaves finish: leaving the page with one in flight makes the next page
    # stale, and its submit is then refused with "saved elsewhere; reload" (nothing is lost).
    mentor.locator("textarea[name=opinion]").blur()
    mentor.wait_for_timeout(1500)
    mentor.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=10_000)
    review = Review.objects.get(assignment=review_world.assignment)
    deadline = time.monotonic() + 10  # the last autosave may still be on its way

    def autosaved() -> bool:
        review.refresh_from_db()
        return (
            review.scores.filter(value__isnull=False).count() == 5
            and review.opinion == "方案聚焦居民关切，建议细化站点运行。"
        )

    while not autosaved() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert autosaved()

    mentor.fill("textarea[name=text]", "站点要写明开放时间和值守人员")
    # On a desktop the version text stands open beside the form: quote a passage of a node.
    assert mentor.locator(".version-text details").get_attribute("open") is not None
    passage = mentor.locator("small[data-quote-field=node]").first
    passage.select_text()
    passage.dispatch_event("mouseup")
    assert mentor.input_value("input[name=quote]") == "在五个小区设站点"
    assert mentor.input_value("select[name=quote_field]") == "node"
    node = review_world.v1.nodes.get(title="五个站点")
    assert mentor.input_value("select[name=node_key]") == str(node.key)
    with mentor.expect_navigation():
        mentor.click("text=添加意见建议")
    assert "站点要写明开放时间和值守人员" in mentor.content()
    suggestion = review.suggestions.get()
    assert (suggestion.quote, suggestion.quote_start, suggestion.node_key) == (
        "在五个小区设站点",
        0,
        node.key,
    )
    screenshot(mentor, "reviews-review-form-desktop")

    with mentor.expect_navigation():
        mentor.click("button:has-text('提交评审')")
    submitted_at = time.monotonic()
    # The redirect after the POST can still be loading on a busy machine: wait for the notice.
    expect(mentor.locator("main")).to_contain_text("评审已提交", timeout=10_000)
    stage.wait_for_selector(".stage-score", timeout=3000)
    assert time.monotonic() - submitted_at < 3.0
    assert "石榴园社区" in stage.locator("#stage-board").inner_text()
    screenshot(stage, "reviews-stage-desktop")

    plan.refresh_from_db()
    assert plan.round_number == 2  # version 1 was frozen at the close of round 1
    secretary = new_page(PHONE)
    login(secretary, live_server, "shiliuyuan")
    secretary.goto(f"{live_server.url}/reviews/plan/{plan.pk}/")
    assert "待回复的意见建议" in secretary.content()
    card = secretary.locator(".open-suggestions article").first
    card.locator("label", has_text="部分采纳").click()
    card.locator("textarea[name=reason]").fill("先在工作日开放，周末由志愿者值守")
    card.locator("select[name=node_key]").select_option(label="五个站点")
    with secretary.expect_navigation():
        card.locator("button[type=submit]").click()
    answer = SuggestionAnswer.objects.get()
    assert answer.decision == "partly" and answer.round_number == 2
    screenshot(secretary, "reviews-plan-answered-phone")

    do_close_round(plan=plan, by=world.users["shiliuyuan"])  # version 2 answers it
    secretary.goto(f"{live_server.url}/plans/{plan.pk}/timeline/")
    timeline = secretary.content()
    assert "第2版回复了对第1版的意见建议：部分采纳" in timeline
    screenshot(secretary, "reviews-plan-timeline-phone")


def test_ranking_and_review_pages_render_on_a_phone(new_page, live_server, demo_world):
    from qiangji.reviews import demo

    demo.load(demo_world)
    page = new_page(PHONE)
    login(page, live_server, "lingdao")
    page.goto(f"{live_server.url}/reviews/programme/{demo_world.programme.pk}/ranking/?round=1")
    assert page.locator("table.ranking tbody tr").count() == 11
    page.wait_for_selector("#improvement-chart[data-ready='1']", timeout=5000)
    screenshot(page, "reviews-ranking-phone")
    desktop = new_page(DESKTOP)
    login(desktop, live_server, "lingdao")
    desktop.goto(f"{live_server.url}/reviews/programme/{demo_world.programme.pk}/ranking/?round=1")
    desktop.wait_for_selector("#improvement-chart[data-ready='1']", timeout=5000)
    assert desktop.locator(".band").count() == 11
    screenshot(desktop, "reviews-ranking-desktop")
    plan = demo_world.keershan.plans.get()
    desktop.goto(f"{live_server.url}/reviews/plan/{plan.pk}/")
    desktop.wait_for_selector("#improvement-chart[data-ready='1']", timeout=5000)
    screenshot(desktop, "reviews-plan-desktop")
    jiedao = new_page(DESKTOP)
    login(jiedao, live_server, "jiedao")
    jiedao.goto(f"{live_server.url}/reviews/programme/{demo_world.programme.pk}/?round=2")
    assert jiedao.locator("table tbody tr").count() == 11
    screenshot(jiedao, "reviews-programme-desktop")
    mentor = new_page(PHONE)
    login(mentor, live_server, "daoshi")
    mentor.goto(f"{live_server.url}/reviews/")
    with mentor.expect_navigation():
        mentor.click("text=开始评审")
    assert mentor.locator("fieldset.criterion-card").count() == 5
    screenshot(mentor, "reviews-review-form-phone")
