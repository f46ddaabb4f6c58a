"""The pages: happy paths, htmx fragments, wrong methods and bad input (never a 500)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qiangji.plans.actions import do_close_round
from qiangji.reviews.actions import (
    DraftInput,
    do_add_suggestion,
    do_assign,
    do_save_draft,
    do_set_stage,
    do_start_review,
    do_submit_review,
)
from qiangji.reviews.models import Review, SuggestionAnswer
from qiangji.reviews.tests.conftest import make_mentor


def _submit(review_world, mentor, assignment, value="4", suggestion=""):
    review = do_start_review(assignment=assignment, by=mentor)
    do_save_draft(
        review=review,
        by=mentor,
        data=DraftInput(
            confidence=3,
            opinion="思路清晰",
            scores={s.criterion_id: value for s in review.scores.all()},
        ),
    )
    if suggestion:
        do_add_suggestion(review=review, by=mentor, text=suggestion)
    return do_submit_review(review=review, by=mentor)


@pytest.fixture
def scored(review_world):
    """Three mentors have scored both plans of round 1."""
    world = review_world.world
    mentors = [world.users["daoshi"], make_mentor(world, "mentor2"), make_mentor(world, "mentor3")]
    values = {"daoshi": ("5", "3"), "mentor2": ("4", "2"), "mentor3": ("5", "3")}
    for m in mentors:
        a1 = (
            review_world.assignment
            if m.username == "daoshi"
            else do_assign(plan=review_world.shiliuyuan_plan, round_number=1, reviewer=m)
        )
        a2 = do_assign(plan=review_world.keershan_plan, round_number=1, reviewer=m)
        _submit(
            review_world,
            m,
            a1,
            values[m.username][0],
            suggestion="站点写明开放时间" if m.username == "daoshi" else "",
        )
        _submit(review_world, m, a2, values[m.username][1])
    return review_world


def test_mentor_home_lists_due_reviews_with_a_start_button(review_world, client_for):
    response = client_for(review_world.world.users["daoshi"]).get(reverse("reviews:home"))
    assert response.status_code == 200
    assert "石榴园社区" in response.text
    assert (
        reverse("reviews:review_start", kwargs={"pk": review_world.assignment.pk}) in response.text
    )


def test_home_refuses_post(review_world, client_for):
    assert (
        client_for(review_world.world.users["daoshi"]).post(reverse("reviews:home")).status_code
        == 405
    )


def test_starting_opens_the_review_form_on_the_version(review_world, client_for):
    client = client_for(review_world.world.users["daoshi"])
    response = client.post(
        reverse("reviews:review_start", kwargs={"pk": review_world.assignment.pk})
    )
    review = Review.objects.get(assignment=review_world.assignment)
    assert response.status_code == 302 and response["Location"] == reverse(
        "reviews:review", kwargs={"pk": review.pk}
    )
    page = client.get(response["Location"]).text
    assert "可行性" in page and "五个站点" in page and 'hx-post="' in page


def test_autosave_answers_the_save_state_fragment(review_world, client_for):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    criterion = review.scores.first().criterion_id
    response = client_for(mentor).post(
        reverse("reviews:review_save", kwargs={"pk": review.pk}),
        {f"score-{criterion}": "4", "opinion": "草稿", "revision": review.revision},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="save-state"' in response.text and "<html" not in response.text
    assert f'value="{review.revision + 1}"' in response.text
    review.refresh_from_db()
    assert review.opinion == "草稿" and review.scores.get(criterion_id=criterion).value == 4


def test_autosave_reports_a_score_outside_the_scale_without_a_500(review_world, client_for):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    criterion = review.scores.first().criterion_id
    response = client_for(mentor).post(
        reverse("reviews:review_save", kwargs={"pk": review.pk}),
        {f"score-{criterion}": "99", "confidence": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "message-error" in response.text
    assert review.scores.get(criterion_id=criterion).value is None


def test_submitting_an_incomplete_review_says_what_is_missing(review_world, client_for):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    client = client_for(mentor)
    response = client.post(
        reverse("reviews:review_submit", kwargs={"pk": review.pk}), {"opinion": "x"}, follow=True
    )
    assert response.status_code == 200
    assert "可行性" in response.text
    review.refresh_from_db()
    assert review.status == "draft"


def test_submitting_after_the_version_closed_keeps_the_draft_with_a_clear_message(
    review_world, client_for
):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    do_close_round(plan=review_world.shiliuyuan_plan, by=review_world.world.users["shiliuyuan"])
    data = {f"score-{s.criterion_id}": "4" for s in review.scores.all()} | {"confidence": "2"}
    response = client_for(mentor).post(
        reverse("reviews:review_submit", kwargs={"pk": review.pk}), data, follow=True
    )
    assert response.status_code == 200
    assert "v2" in response.text or "2" in response.text
    review.refresh_from_db()
    assert review.status == "draft"
    assert review.scores.filter(value=4).count() == 5


def test_bad_suggestion_input_is_refused_politely(review_world, client_for):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    client = client_for(mentor)
    url = reverse("reviews:suggestion_add", kwargs={"pk": review.pk})
    for data in (
        {"text": ""},
        {"text": "x", "node_key": "not-a-uuid"},
        {"text": "x", "quote_field": "goals", "quote": "没有"},
    ):
        response = client.post(url, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 422
        assert "message-error" in response.text
    assert review.suggestions.count() == 0


def test_the_secretary_answers_a_suggestion_on_the_plan_page(scored, client_for):
    world = scored.world
    secretary = world.users["shiliuyuan"]
    client = client_for(secretary)
    page = client.get(reverse("reviews:plan", kwargs={"pk": scored.shiliuyuan_plan.pk}))
    assert page.status_code == 200 and "站点写明开放时间" in page.text
    suggestion = Review.objects.get(
        reviewer=world.users["daoshi"], plan_version=scored.v1
    ).suggestions.get()
    response = client.post(
        reverse("reviews:suggestion_answer", kwargs={"pk": suggestion.pk}),
        {"decision": "partly", "reason": "工作日开放"},
    )
    assert response.status_code == 302
    assert SuggestionAnswer.objects.get(suggestion=suggestion).decision == "partly"
    page = client.get(reverse("reviews:plan", kwargs={"pk": scored.shiliuyuan_plan.pk})).text
    assert "部分采纳" in page or "Partly adopted" in page


def test_another_community_cannot_answer(scored, client_for):
    suggestion = Review.objects.get(
        reviewer=scored.world.users["daoshi"], plan_version=scored.v1
    ).suggestions.get()
    response = client_for(scored.world.users["keershan"]).post(
        reverse("reviews:suggestion_answer", kwargs={"pk": suggestion.pk}),
        {"decision": "adopted", "reason": "x"},
    )
    assert response.status_code in (403, 404)


def test_ranking_shows_bands_alpha_and_the_chart_data(scored, client_for):
    response = client_for(scored.world.users["jiedao"]).get(
        reverse("reviews:ranking", kwargs={"pk": scored.world.programme.pk})
    )
    assert response.status_code == 200
    text = response.text
    assert text.index("石榴园社区") < text.index("柯尔山社区")
    assert 'id="improvement-data"' in text and "<script src=" in text
    assert "Krippendorff" in text


def test_ranking_is_cached_until_a_new_review_arrives(
    scored, client_for, django_assert_max_num_queries
):
    from qiangji.reviews import statistics

    criteria = ["可行性", "实用性", "创新性", "合理性", "持续性"]
    first = statistics.cached_round_statistics(scored.world.programme.pk, 1, criteria)
    again = statistics.cached_round_statistics(scored.world.programme.pk, 1, criteria)
    assert again.reviews == first.reviews == 6
    extra = make_mentor(scored.world, "mentor4")
    _submit(
        scored, extra, do_assign(plan=scored.keershan_plan, round_number=1, reviewer=extra), "1"
    )
    fresh = statistics.cached_round_statistics(scored.world.programme.pk, 1, criteria)
    assert fresh.reviews == 7


def test_score_sheet_has_summary_per_plan_and_per_mentor(scored, client_for):
    response = client_for(scored.world.users["jiedao"]).get(
        reverse("reviews:sheet", kwargs={"pk": scored.world.programme.pk})
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 3
    summary = workbook.worksheets[0]
    assert summary["A2"].value == "石榴园社区"
    assert summary["C2"].value == 3
    by_plan = workbook.worksheets[1]
    assert by_plan.max_row == 7  # header + six reviews
    assert [c.value for c in by_plan[1]][:4] == ["社区", "版本", "导师", "可行性"]
    by_mentor = workbook.worksheets[2]
    assert [c.value for c in by_mentor[1]][:3] == ["导师", "社区", "版本"]
    rows = [[c.value for c in row] for row in by_mentor.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    mine = next(r for r in rows if r[0] == "示例·导师" and r[1] == "石榴园社区")
    assert mine[2] == "v1" and mine[3] == 5  # 示例·导师 gave 石榴园 5 on 可行性


def test_stage_fragment_shows_scores_only_when_published(scored, client_for):
    world = scored.world
    client = client_for(world.users["keershan"])
    url = reverse("reviews:stage", kwargs={"pk": world.programme.pk})
    hidden = client.get(url, HTTP_HX_REQUEST="true")
    assert (
        hidden.status_code == 200
        and "stage-score" not in hidden.text
        and "<html" not in hidden.text
    )
    do_set_stage(programme=world.programme, round_number=1, published=True)
    shown = client.get(url, HTTP_HX_REQUEST="true")
    assert "stage-score" in shown.text and "石榴园社区" in shown.text


def test_report_is_printable(scored, client_for):
    response = client_for(scored.world.users["shiliuyuan"]).get(
        reverse("reviews:report", kwargs={"pk": scored.shiliuyuan_plan.pk, "number": 1})
    )
    assert response.status_code == 200
    assert "data-print" in response.text and "思路清晰" in response.text


def test_report_of_a_missing_version_is_404(scored, client_for):
    response = client_for(scored.world.users["jiedao"]).get(
        reverse("reviews:report", kwargs={"pk": scored.shiliuyuan_plan.pk, "number": 9})
    )
    assert response.status_code == 404


def test_rubric_edit_saves_a_new_version_when_in_use(scored, client_for):
    client = client_for(scored.world.users["jiedao"])
    url = reverse("reviews:rubric_edit", kwargs={"pk": scored.world.programme.pk})
    data = {
        "scale": "0-100",
        "change_note": "改为百分制",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
        "criteria-0-name": "可行性",
        "criteria-0-weight": "2",
        "criteria-0-levels": "0: 不可行\n60：基本可行",
        "criteria-1-name": "创新性",
        "criteria-1-weight": "1",
        "criteria-1-allows_na": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    page = client.get(reverse("reviews:rubric", kwargs={"pk": scored.world.programme.pk})).text
    assert "v2" in page and "基本可行" in page
    bad = client.post(url, data | {"criteria-0-levels": "乱写一行"})
    assert bad.status_code == 200 and "errorlist" in bad.text


def test_auto_assign_with_nonsense_input_is_refused_politely(review_world, client_for):
    client = client_for(review_world.world.users["jiedao"])
    url = reverse("reviews:auto_assign", kwargs={"pk": review_world.world.programme.pk})
    response = client.post(url, {"round": "abc", "per_plan": "3"}, follow=True)
    assert response.status_code == 200 and "message-error" in response.text
    response = client.post(url, {"round": "1", "per_plan": "99"}, follow=True)
    assert response.status_code == 200 and "message-error" in response.text


def test_the_plans_timeline_shows_which_version_answered_the_suggestion(scored, client_for):
    from django.template import Context, Template

    from qiangji.plans.timeline import plan_timeline

    world = scored.world
    plan = scored.shiliuyuan_plan
    rendered = Template("{% load reviews %}{% open_suggestions plan %}").render(
        Context({"plan": plan})
    )
    assert "站点写明开放时间" in rendered
    suggestion = Review.objects.get(
        reviewer=world.users["daoshi"], plan_version=scored.v1
    ).suggestions.get()
    client_for(world.users["shiliuyuan"]).post(
        reverse("reviews:suggestion_answer", kwargs={"pk": suggestion.pk}),
        {"decision": "adopted", "reason": "已补充"},
    )
    do_close_round(plan=plan, by=world.users["shiliuyuan"])
    events = [e for e in plan_timeline(plan) if e.kind == "suggestion"]
    assert len(events) == 1
    assert "2" in events[0].title and "站点写明开放时间" in events[0].detail
    assert any(e.kind == "review" for e in plan_timeline(plan))
    assert "站点写明开放时间" not in Template(
        "{% load reviews %}{% open_suggestions plan %}"
    ).render(Context({"plan": plan}))


def test_the_improvement_chart_averaged_in_the_database_equals_the_python_average(scored):
    from qiangji.reviews.statistics import improvement_from_database, improvement_series, load_facts

    criteria = ["可行性", "实用性", "创新性", "合理性", "持续性"]
    by_round: dict[int, list] = {}
    for number, facts in load_facts(scored.world.programme.pk):
        by_round.setdefault(number, []).append(facts)
    expected = improvement_series(sorted(by_round), by_round, criteria)
    assert improvement_from_database(scored.world.programme.pk, criteria) == {
        "rounds": ["1"],
        "series": expected,
    }
    # Plans scored 5/4/5 and 3/2/3 on 1–5: the mean 22/6 is (22/6 - 1) / 4 = 66.7 on 0–100.
    assert expected["可行性"] == [66.7]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("lingdao", {"全体可见", "仅社区", "仅领导"}),
        ("shiliuyuan", {"全体可见", "仅社区"}),
        ("jiedao", {"全体可见", "仅社区"}),
        ("daoshi", {"全体可见"}),
    ],
)
def test_remarks_are_shown_only_to_those_allowed_to_read_them(
    review_world, client_for, persona, expected
):
    from qiangji.reviews.actions import do_add_remark

    plan = review_world.shiliuyuan_plan
    leader = review_world.world.users["lingdao"]
    for text, visibility in (
        ("全体可见", "programme"),
        ("仅社区", "community"),
        ("仅领导", "leaders"),
    ):
        do_add_remark(plan=plan, by=leader, text=f"点评：{text}", visibility=visibility)
    page = (
        client_for(review_world.world.users[persona])
        .get(reverse("reviews:plan", kwargs={"pk": plan.pk}))
        .text
    )
    shown = {text for text in ("全体可见", "仅社区", "仅领导") if f"点评：{text}" in page}
    assert shown == expected


def test_only_a_leader_can_post_a_remark_and_bad_visibility_is_refused(review_world, client_for):
    plan = review_world.shiliuyuan_plan
    url = reverse("reviews:remark_add", kwargs={"pk": plan.pk})
    assert (
        client_for(review_world.world.users["shiliuyuan"])
        .post(url, {"text": "x", "visibility": "programme"})
        .status_code
        == 403
    )
    response = client_for(review_world.world.users["lingdao"]).post(
        url, {"text": "好", "visibility": "everyone"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422 and "message-error" in response.text
    assert client_for(review_world.world.users["lingdao"]).get(url).status_code == 405


def test_autosave_from_a_second_tab_reports_the_conflict_in_the_save_state(
    review_world, client_for
):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    client = client_for(mentor)
    url = reverse("reviews:review_save", kwargs={"pk": review.pk})
    client.post(url, {"opinion": "甲", "revision": 1, "tab": "aa"}, HTTP_HX_REQUEST="true")
    response = client.post(
        url, {"opinion": "乙", "revision": 1, "tab": "bb"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="save-state"' in response.text and "message-error" in response.text
    review.refresh_from_db()
    assert review.opinion == "甲"


def test_a_mentor_sees_the_other_reviews_of_a_version_only_after_submitting_their_own(
    scored, client_for
):
    world = scored.world
    late = make_mentor(world, "mentor_late")
    assignment = do_assign(plan=scored.shiliuyuan_plan, round_number=1, reviewer=late)
    client = client_for(late)
    other = Review.objects.filter(plan_version=scored.v1).first()
    assert client.get(reverse("reviews:review", kwargs={"pk": other.pk})).status_code == 403
    page = client.get(reverse("reviews:plan", kwargs={"pk": scored.shiliuyuan_plan.pk})).text
    assert "站点写明开放时间" not in page and "思路清晰" not in page
    _submit(scored, late, assignment)
    assert client.get(reverse("reviews:review", kwargs={"pk": other.pk})).status_code == 200
    page = client.get(reverse("reviews:plan", kwargs={"pk": scored.shiliuyuan_plan.pk})).text
    assert "站点写明开放时间" in page


def test_a_suggestion_on_a_node_deleted_later_is_shown_marked(review_world, client_for):
    from qiangji.plans.actions import do_delete_node

    world = review_world.world
    mentor = world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    node = review.plan_version.nodes.get(title="五个站点")
    do_add_suggestion(review=review, by=mentor, text="站点需要值守", node_key=str(node.key))
    do_save_draft(
        review=review,
        by=mentor,
        data=DraftInput(confidence=2, scores={s.criterion_id: "3" for s in review.scores.all()}),
    )
    do_submit_review(review=review, by=mentor)
    do_delete_node(
        node=review_world.shiliuyuan_plan.nodes.get(key=node.key), by=world.users["shiliuyuan"]
    )
    page = (
        client_for(world.users["shiliuyuan"])
        .get(reverse("reviews:plan", kwargs={"pk": review_world.shiliuyuan_plan.pk}))
        .text
    )
    assert "站点需要值守" in page
    assert "节点已删除" in page and "deleted-anchor" in page
