"""Blind review: a mentor who still owes a round's review sees no one else's (finding 3)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from qiangji.reviews.actions import (
    DraftInput,
    do_add_suggestion,
    do_assign,
    do_save_draft,
    do_set_stage,
    do_start_review,
    do_submit_review,
)
from qiangji.reviews.interface import hidden_rounds, may_see_reviews
from qiangji.reviews.tests.conftest import make_mentor

pytestmark = pytest.mark.django_db
OPINION = "示例·甲导师的总体意见MARK"
SUGGESTION = "示例·甲导师的建议MARK"


def _submit(review, by, value="3"):
    do_save_draft(
        review=review,
        by=by,
        data=DraftInput(
            opinion=OPINION,
            confidence=2,
            scores={s.criterion_id: value for s in review.scores.all()},
        ),
    )
    do_add_suggestion(review=review, by=by, text=SUGGESTION)
    return do_submit_review(review=review, by=by)


@pytest.fixture
def due(review_world):
    """daoshi has submitted round 1 of 石榴园; a second mentor still owes it."""
    world = review_world.world
    daoshi = world.users["daoshi"]
    _submit(do_start_review(assignment=review_world.assignment, by=daoshi), daoshi)
    second = make_mentor(world, "mentor_two")
    assignment = do_assign(
        plan=review_world.shiliuyuan_plan, round_number=1, reviewer=second, by=world.users["jiedao"]
    )
    do_set_stage(programme=world.programme, round_number=1, published=True)
    client = Client()
    client.force_login(second)
    return review_world, second, assignment, client


def test_the_report_of_a_round_still_due_is_refused(due):
    review_world, _second, _assignment, client = due
    url = reverse("reviews:report", args=[review_world.shiliuyuan_plan.pk, 1])
    response = client.get(url)
    assert response.status_code == 403
    assert SUGGESTION not in response.text


def test_the_ranking_of_a_round_still_due_shows_no_scores(due):
    review_world, _second, _assignment, client = due
    url = reverse("reviews:ranking", args=[review_world.world.programme.pk]) + "?round=1"
    response = client.get(url)
    assert response.status_code == 200
    assert "石榴园社区" not in response.text.split("<h1")[1].split("improvement-data")[0]
    assert response.context["rows"] == []
    assert response.context["chart"].get("rounds", []) == []


def test_the_stage_plan_page_and_timeline_show_nothing_of_the_round(due):
    review_world, _second, _assignment, client = due
    plan = review_world.shiliuyuan_plan
    for url in (
        reverse("reviews:stage", args=[review_world.world.programme.pk]) + "?round=1",
        reverse("reviews:plan", args=[plan.pk]),
        reverse("plans:timeline", args=[plan.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SUGGESTION not in response.text and OPINION not in response.text, url
    stage = client.get(reverse("reviews:stage", args=[review_world.world.programme.pk]))
    assert stage.context["rows"] == []


def test_after_submitting_the_mentor_sees_the_round(due):
    review_world, second, assignment, client = due
    _submit(do_start_review(assignment=assignment, by=second), second, value="4")
    url = reverse("reviews:report", args=[review_world.shiliuyuan_plan.pk, 1])
    response = client.get(url)
    assert response.status_code == 200
    assert SUGGESTION in response.text


def test_the_rule_hides_only_the_rounds_owed(due):
    review_world, second, _assignment, _client = due
    plan = review_world.shiliuyuan_plan
    assert hidden_rounds(second, plan=plan) == {1}
    assert hidden_rounds(second, programme=plan.programme) == {1}
    assert not may_see_reviews(second, round_number=1, plan=plan)
    assert may_see_reviews(second, round_number=2, plan=plan)
    assert may_see_reviews(review_world.world.users["daoshi"], round_number=1, plan=plan)
    assert not may_see_reviews(review_world.world.users["keershan"], round_number=1, plan=plan)
