"""End to end in Chromium on a 390×844 phone: a resident answers from the poster (without
JavaScript), a resubmitted form is stored once, a used code is refused; the organiser reads
results with intervals and 样本不足."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qiangji.core.demo import SAMPLE_COMMUNITIES
from qiangji.core.testing import DESKTOP, PHONE, login, screenshot
from qiangji.surveys import actions, demo
from qiangji.surveys.models import AccessCode, Kind, Response, Survey
from qiangji.surveys.tests.conftest import make_survey

pytestmark = pytest.mark.browser


def _answer_everything(page) -> None:
    for fieldset in page.locator("fieldset.question").all():
        radios = fieldset.locator("input[type=radio]")
        if radios.count() == 5:
            radios.nth(3).check()  # 4 of 5
        elif radios.count():
            radios.first.check()
    page.fill("textarea", "希望楼道灯坏了能及时修")


def test_a_resident_answers_from_the_poster_twice_and_a_used_code_is_refused(
    browser, new_page, live_server, demo_world
):
    survey = make_survey(demo_world, mode="verified", title="石榴园居民满意度测评")
    code = (
        actions.do_generate_codes(survey=survey, count=5, label="入户")
        .codes.order_by("code")
        .first()
        .code
    )

    staff = new_page(DESKTOP)
    login(staff, live_server, "shiliuyuan")
    staff.goto(f"{live_server.url}/surveys/c/{demo_world.shiliuyuan.pk}/poster/")
    poster_url = staff.locator(".poster-url").inner_text().strip()
    expect(staff.locator(".poster svg")).to_be_visible()
    screenshot(staff, "surveys-poster-desktop")

    # The resident's cheap phone: no JavaScript at all.
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    context.set_default_timeout(10_000)
    phone = context.new_page()
    phone.goto(poster_url)
    expect(phone.locator("h1")).to_contain_text("石榴园居民满意度测评")
    privacy = phone.locator("#privacy")
    expect(privacy).to_be_visible()
    assert (
        privacy.bounding_box()["y"] < phone.locator("fieldset.question").first.bounding_box()["y"]
    )
    phone.fill("input[name=code]", f"{code[:4].lower()}-{code[4:].lower()}")
    _answer_everything(phone)
    screenshot(phone, "surveys-public-form-phone")
    with phone.expect_request(lambda r: r.method == "POST") as sent:
        phone.locator("form.answers button[type=submit]").click()
    expect(phone.locator("h1")).to_contain_text("谢谢")
    screenshot(phone, "surveys-public-thanks-phone")
    # The same form arrives again (a double tap, a retry on a bad connection): stored once.
    again = context.request.post(
        sent.value.url,
        data=sent.value.post_data,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": sent.value.url},
        max_redirects=0,
    )
    assert again.status == 302
    assert Response.objects.filter(survey=survey).count() == 1
    assert AccessCode.objects.get(survey=survey, code=code).used
    context.close()

    # A second resident with the same (used) code is refused clearly.
    second = new_page(PHONE)
    second.goto(poster_url)
    second.fill("input[name=code]", code)
    _answer_everything(second)
    second.locator("form.answers button[type=submit]").click()
    expect(second.locator("#form-error")).to_contain_text("已经使用过")
    expect(second.locator("input[name=code]")).to_have_attribute("aria-invalid", "true")
    screenshot(second, "surveys-used-code-refused-phone")
    assert Response.objects.filter(survey=survey).count() == 1


def test_the_organiser_sees_results_with_intervals_and_insufficient_samples(
    new_page, live_server, demo_world
):
    demo.load(demo_world)
    survey = Survey.objects.get(series=demo.SERIES, round=2)
    page = new_page(PHONE)
    login(page, live_server, "jiedao")
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    expect(page.locator("h1")).to_contain_text("结果")
    expect(page.locator("#trend")).to_contain_text("第1轮")
    first = page.locator("section.question-result").first
    expect(first.locator(".ci").first).to_be_visible()
    expect(first.locator("details.comparison")).to_contain_text("样本不足")
    expect(first.locator("[data-chart=distribution]")).to_have_attribute("data-ready", "1")
    screenshot(page, "surveys-results-phone")
    desktop = new_page(DESKTOP)
    login(desktop, live_server, "jiedao")
    desktop.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    expect(desktop.locator("[data-chart=communities]").first).to_have_attribute("data-ready", "1")
    screenshot(desktop, "surveys-results-desktop")
    text_question = survey.questions.get(kind=Kind.TEXT)
    desktop.goto(f"{live_server.url}/surveys/{survey.pk}/texts/{text_question.pk}/")
    expect(desktop.locator(".text-groups").first).to_be_visible()
    screenshot(desktop, "surveys-texts-desktop")
    desktop.goto(f"{live_server.url}/surveys/{survey.pk}/review/")
    screenshot(desktop, "surveys-review-desktop")
    page.goto(
        f"{live_server.url}/surveys/c/{demo_world.communities[SAMPLE_COMMUNITIES[4]].pk}/summary/"
    )
    expect(page.locator("body")).to_contain_text("样本不足")
    screenshot(page, "surveys-public-summary-phone")
