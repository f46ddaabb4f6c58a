"""The review: drafts, submission rules, suggestions and answers, remarks, reopening."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from qiangji.audit.models import AuditEntry
from qiangji.notifications.models import Notice
from qiangji.plans.actions import do_close_round, do_delete_node
from qiangji.reviews.actions import (
    CriterionSpec,
    DraftInput,
    ReviewError,
    do_add_remark,
    do_add_suggestion,
    do_answer_suggestion,
    do_assign,
    do_auto_assign,
    do_reopen_review,
    do_revise_rubric,
    do_save_draft,
    do_start_review,
    do_submit_review,
)
from qiangji.reviews.models import Assignment, Conflict, Review, Score, SuggestionAnswer
from qiangji.reviews.tests.conftest import make_mentor


def _fill(review, by, value="4", overrides=None):
    scores = {s.criterion_id: value for s in review.scores.all()}
    scores.update(overrides or {})
    return do_save_draft(
        review=review, by=by, data=DraftInput(opinion="总体可行", confidence=3, scores=scores)
    )


def test_a_review_is_tied_to_the_exact_version_and_rubric(review_world):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    assert review.plan_version == review_world.v1
    assert review.rubric == review_world.rubric
    assert review.scores.count() == 5
    assert do_start_review(assignment=review_world.assignment, by=mentor) == review


def test_submitting_computes_the_weighted_total_on_a_hundred_point_scale(review_world):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    first = review.scores.order_by("criterion__order").first()
    assert _fill(review, mentor, "4", {first.criterion_id: "2"}) == []
    review = do_submit_review(review=review, by=mentor)
    # (2 + 4 * 4) / 5 = 3.6 on 1–5 → (3.6 - 1) / 4 = 65 %
    assert review.total == pytest.approx(65.0)
    assert review.status == Review.Status.SUBMITTED
    assert AuditEntry.objects.filter(note="提交评审").exists()  # in the site's language


def test_scores_outside_the_scale_are_refused_and_not_saved(review_world):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    errors = _fill(review, mentor, "7")
    assert len(errors) == 5 and "1" in errors[0] and "5" in errors[0]
    assert not Score.objects.filter(review=review, value__isnull=False).exists()
    errors = _fill(review, mentor, "四")
    assert "whole number" in errors[0] or "整数" in errors[0]


def test_the_database_refuses_a_score_outside_the_scale_and_na_with_a_value(review_world):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    score = review.scores.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.filter(pk=score.pk).update(value=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.filter(pk=score.pk).update(value=3, not_applicable=True)


def test_na_on_a_criterion_that_forbids_it_is_refused(review_world):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    errors = _fill(review, mentor, "na")
    assert len(errors) == 5
    assert "不适用" in errors[0] or "not applicable" in errors[0]


def test_na_drops_out_of_the_total_instead_of_counting_as_zero(review_world):
    world = review_world.world
    do_revise_rubric(
        programme=world.programme,
        by=None,
        scale_min=1,
        scale_max=5,
        criteria=[CriterionSpec(name="可行性"), CriterionSpec(name="创新性", allows_na=True)],
    )
    mentor = world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    feasibility, innovation = review.scores.order_by("criterion__order")
    assert _fill(review, mentor, "5", {innovation.criterion_id: "na"}) == []
    assert do_submit_review(review=review, by=mentor).total == pytest.approx(100.0)


def test_an_incomplete_review_stays_a_draft(review_world):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    with pytest.raises(ReviewError, match="可行性"):
        do_submit_review(review=review, by=mentor)
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT


def test_a_review_of_a_version_replaced_meanwhile_is_kept_as_a_draft(review_world):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    _fill(review, mentor)
    do_close_round(plan=review_world.shiliuyuan_plan, by=review_world.world.users["shiliuyuan"])
    with pytest.raises(ReviewError, match="2"):
        do_submit_review(review=review, by=mentor)
    review.refresh_from_db()
    assert review.status == Review.Status.DRAFT
    assert review.scores.filter(value=4).count() == 5


def test_a_mentor_cannot_be_assigned_to_their_own_community(review_world):
    world = review_world.world
    peer = world.users["keershan"]  # a secretary reviewing peers from stall sharing
    from qiangji.accounts.models import Role, RoleGrant

    RoleGrant.objects.create(user=peer, role=Role.MENTOR, programme=world.programme)
    with pytest.raises(ReviewError, match="柯尔山社区"):
        do_assign(plan=review_world.keershan_plan, round_number=1, reviewer=peer)
    assert do_assign(plan=review_world.shiliuyuan_plan, round_number=1, reviewer=peer).pk


def test_declared_conflicts_are_respected_by_auto_assignment(review_world):
    world = review_world.world
    second = make_mentor(world, "mentor2")
    third = make_mentor(world, "mentor3")
    Conflict.objects.create(programme=world.programme, reviewer=second, community=world.shiliuyuan)
    result = do_auto_assign(
        programme=world.programme, round_number=1, per_plan=2, by=world.users["jiedao"]
    )
    assert not result.short
    shiliuyuan = set(
        Assignment.objects.filter(plan=review_world.shiliuyuan_plan, round_number=1).values_list(
            "reviewer__username", flat=True
        )
    )
    assert shiliuyuan == {"daoshi", "mentor3"}
    assert Assignment.objects.filter(plan=review_world.keershan_plan).count() == 2
    assert Notice.objects.filter(recipient=third, kind="review_assigned").exists()


def test_suggestion_is_anchored_to_a_node_and_a_quote_and_answered_next_round(review_world):
    world = review_world.world
    mentor, secretary = world.users["daoshi"], world.users["shiliuyuan"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    node = review.plan_version.nodes.get(title="五个站点")
    suggestion = do_add_suggestion(
        review=review,
        by=mentor,
        text="站点要写明开放时间",
        node_key=str(node.key),
        quote_field="node",
        quote="五个小区",
    )
    assert suggestion.quote_start == 1
    assert suggestion.node_label.endswith("五个站点")
    with pytest.raises(ReviewError):
        do_add_suggestion(
            review=review, by=mentor, text="x", quote_field="goals", quote="不存在的话"
        )
    _fill(review, mentor)
    do_submit_review(review=review, by=mentor)
    assert Notice.objects.filter(recipient=secretary, kind="suggestion_to_answer").exists()
    live = review_world.shiliuyuan_plan.nodes.get(title="五个站点")
    answer = do_answer_suggestion(
        suggestion=suggestion,
        by=secretary,
        decision="adopted",
        reason="已补充开放时间",
        node_key=str(live.key),
    )
    assert answer.round_number == 2
    assert answer.node_title == "五个站点"
    with pytest.raises(ReviewError):
        do_answer_suggestion(suggestion=suggestion, by=secretary, decision="maybe", reason="x")


def test_a_suggestion_on_a_node_deleted_later_is_kept(review_world):
    world = review_world.world
    mentor = world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    node = review.plan_version.nodes.get(title="五个站点")
    suggestion = do_add_suggestion(review=review, by=mentor, text="补充", node_key=str(node.key))
    do_delete_node(
        node=review_world.shiliuyuan_plan.nodes.get(key=node.key), by=world.users["shiliuyuan"]
    )
    suggestion.refresh_from_db()
    assert suggestion.node == node
    assert not review_world.shiliuyuan_plan.nodes.filter(key=suggestion.node_key).exists()


def test_reopening_a_submitted_review_is_audited_and_needs_a_reason(review_world):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    _fill(review, mentor)
    do_submit_review(review=review, by=mentor)
    with pytest.raises(ReviewError):
        do_save_draft(review=review, by=mentor, data=DraftInput())
    with pytest.raises(ReviewError):
        do_reopen_review(review=review, by=review_world.world.users["jiedao"], reason=" ")
    review = do_reopen_review(
        review=review, by=review_world.world.users["jiedao"], reason="打分有误"
    )
    assert review.status == Review.Status.DRAFT and review.total is None
    assert AuditEntry.objects.filter(note__contains="打分有误").exists()


def test_a_stale_draft_save_from_another_tab_is_refused(review_world):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    do_save_draft(review=review, by=mentor, data=DraftInput(opinion="甲"), revision=1, token="aa01")
    with pytest.raises(ReviewError):
        do_save_draft(
            review=review, by=mentor, data=DraftInput(opinion="乙"), revision=1, token="bb02"
        )
    review.refresh_from_db()
    assert review.opinion == "甲"


def test_the_same_tabs_overtaken_autosave_is_not_a_conflict(review_world):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    do_save_draft(review=review, by=mentor, data=DraftInput(opinion="甲"), revision=1, token="aa01")
    do_save_draft(
        review=review, by=mentor, data=DraftInput(opinion="甲乙"), revision=1, token="aa01"
    )
    review.refresh_from_db()
    assert review.opinion == "甲乙" and review.revision == 3


def test_leader_remark_notifies_the_community_unless_leaders_only(review_world):
    world = review_world.world
    plan = review_world.shiliuyuan_plan
    do_add_remark(plan=plan, by=world.users["lingdao"], text="仅供领导参阅", visibility="leaders")
    assert not Notice.objects.filter(kind="remark").exists()
    do_add_remark(
        plan=plan, by=world.users["lingdao"], text="思路清晰，继续细化", visibility="community"
    )
    assert Notice.objects.filter(kind="remark", recipient=world.users["shiliuyuan"]).exists()
    with pytest.raises(ReviewError):
        do_add_remark(plan=plan, by=world.users["lingdao"], text="x", visibility="world")


def test_a_rubric_in_use_is_never_changed(review_world):
    mentor = review_world.world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    new = do_revise_rubric(
        programme=review_world.world.programme,
        by=None,
        scale_min=0,
        scale_max=100,
        criteria=[CriterionSpec(name="综合")],
    )
    assert new.version == 2
    review.refresh_from_db()
    assert review.rubric.version == 1 and review.rubric.criteria.count() == 5
    assert SuggestionAnswer.objects.count() == 0


def test_overdue_reviews_are_reminded_once_a_day(review_world):
    import datetime as dt

    from django.core.management import call_command

    from qiangji.reviews.actions import do_remind_overdue_reviews

    assignment = review_world.assignment
    assignment.due_on = dt.date(2026, 6, 10)
    assignment.save()
    mentor = review_world.world.users["daoshi"]
    assert do_remind_overdue_reviews(today=dt.date(2026, 6, 10)) == 0  # due today, not overdue
    assert do_remind_overdue_reviews(today=dt.date(2026, 6, 11)) == 1
    do_remind_overdue_reviews(today=dt.date(2026, 6, 11))
    notice = Notice.objects.get(recipient=mentor, kind="work_overdue")
    assert notice.count == 2 and "1" in notice.title
    review = do_start_review(assignment=assignment, by=mentor)
    _fill(review, mentor)
    do_submit_review(review=review, by=mentor)
    assert do_remind_overdue_reviews(today=dt.date(2026, 6, 12)) == 0
    call_command("remind_reviews")


def test_peer_review_gives_secretaries_other_communities_plans_only(review_world, client_for):
    from django.urls import reverse

    world = review_world.world
    result = do_auto_assign(
        programme=world.programme,
        round_number=1,
        per_plan=2,
        by=world.users["jiedao"],
        include_peers=True,
    )
    assert not result.short
    secretaries = {
        world.users["shiliuyuan"].pk: review_world.shiliuyuan_plan,
        world.users["keershan"].pk: review_world.keershan_plan,
    }
    pairs = Assignment.objects.filter(round_number=1).values_list("reviewer_id", "plan_id")
    for reviewer_id, plan_id in pairs:
        if reviewer_id in secretaries:
            assert plan_id != secretaries[reviewer_id].pk
    peer = Assignment.objects.filter(reviewer=world.users["keershan"]).first()
    assert peer is not None and peer.plan == review_world.shiliuyuan_plan
    review = do_start_review(assignment=peer, by=world.users["keershan"])
    _fill(review, world.users["keershan"])
    assert do_submit_review(review=review, by=world.users["keershan"]).is_submitted
    home = client_for(world.users["keershan"]).get(reverse("reviews:home"))
    assert reverse("reviews:home") in home.text  # the nav entry appears for a peer reviewer
    with pytest.raises(ReviewError, match="柯尔山社区"):
        do_assign(plan=review_world.keershan_plan, round_number=2, reviewer=world.users["keershan"])
    with pytest.raises(ReviewError):
        do_assign(plan=review_world.keershan_plan, round_number=2, reviewer=world.users["lingdao"])
