"""Who may use each page of the reviews app (every URL name of the namespace)."""

from __future__ import annotations

from qiangji.core.testing import LOGGED_IN, Route, check_matrix, due_mentor
from qiangji.reviews.actions import (
    DraftInput,
    do_add_suggestion,
    do_assign,
    do_save_draft,
    do_start_review,
    do_submit_review,
)

MANAGERS = {"admin", "jiedao"}
VIEWERS = LOGGED_IN - {"outsider"}
READ_ALL = MANAGERS | {"daoshi", "lingdao"}
SHILIUYUAN = {"shiliuyuan", "shiliuyuan_staff"}
REVIEWER = {"daoshi"}

# Filled by the test with the primary keys of the objects it builds.
IDS: dict[str, int] = {}


def prog(w):
    return {"pk": w.programme.pk}


def ids(name):
    return lambda w: {"pk": IDS[name]}


ROUTES = [
    Route("reviews:home", LOGGED_IN, due_mentor=True),
    Route("reviews:programme", VIEWERS, kwargs=prog, due_mentor=True),
    Route("reviews:rubric", VIEWERS, kwargs=prog, due_mentor=True),
    Route("reviews:rubric_edit", MANAGERS, kwargs=prog, due_mentor=False),
    Route(
        "reviews:auto_assign",
        MANAGERS,
        kwargs=prog,
        method="post",
        data=lambda w: {"round": 1, "per_plan": 1},
        due_mentor=False,
    ),
    Route(
        "reviews:assignment_add",
        MANAGERS,
        kwargs=prog,
        method="post",
        data=lambda w: {"plan": IDS["keershan_plan"], "reviewer": w.users["daoshi"].pk, "round": 2},
        due_mentor=False,
    ),
    Route(
        "reviews:conflict_add",
        MANAGERS | REVIEWER,
        kwargs=prog,
        method="post",
        data=lambda w: {"community": w.keershan.pk},
        due_mentor=True,
    ),
    Route("reviews:ranking", READ_ALL, kwargs=prog, due_mentor=True),
    Route("reviews:sheet", MANAGERS | {"lingdao"}, kwargs=prog, due_mentor=False),
    Route("reviews:stage", VIEWERS, kwargs=prog, due_mentor=True),
    Route(
        "reviews:stage_publish",
        MANAGERS,
        kwargs=prog,
        method="post",
        data=lambda w: {"round": 1, "published": "1"},
        due_mentor=False,
    ),
    Route(
        "reviews:assignment_remove",
        MANAGERS,
        kwargs=ids("spare_assignment"),
        method="post",
        due_mentor=False,
    ),
    Route(
        "reviews:review_start",
        REVIEWER,
        kwargs=ids("spare_assignment"),
        method="post",
        due_mentor=False,
    ),
    Route("reviews:review", READ_ALL | SHILIUYUAN, kwargs=ids("submitted"), due_mentor=False),
    Route(
        "reviews:review_save",
        REVIEWER,
        kwargs=ids("draft"),
        method="post",
        data=lambda w: {"opinion": "x"},
        due_mentor=False,
    ),
    Route(
        "reviews:review_submit",
        REVIEWER,
        kwargs=ids("draft"),
        method="post",
        data=lambda w: {"opinion": "x"},
        due_mentor=False,
    ),
    Route(
        "reviews:review_reopen",
        MANAGERS,
        kwargs=ids("submitted"),
        method="post",
        data=lambda w: {"reason": "错"},
        due_mentor=False,
    ),
    Route(
        "reviews:suggestion_add",
        REVIEWER,
        kwargs=ids("draft"),
        method="post",
        data=lambda w: {"text": "补充"},
        due_mentor=False,
    ),
    Route(
        "reviews:suggestion_delete",
        REVIEWER,
        kwargs=ids("draft_suggestion"),
        method="post",
        due_mentor=False,
    ),
    Route(
        "reviews:suggestion_answer",
        MANAGERS | SHILIUYUAN,
        kwargs=ids("suggestion"),
        method="post",
        data=lambda w: {"decision": "adopted", "reason": "已采纳"},
        due_mentor=False,
    ),
    Route("reviews:plan", READ_ALL | SHILIUYUAN, kwargs=ids("plan"), due_mentor=True),
    Route(
        "reviews:remark_add",
        {"admin", "lingdao"},
        kwargs=ids("plan"),
        method="post",
        data=lambda w: {"text": "好", "visibility": "programme"},
        due_mentor=False,
    ),
    Route(
        "reviews:report",
        READ_ALL | SHILIUYUAN,
        kwargs=lambda w: {"pk": IDS["plan"], "number": 1},
        due_mentor=False,
    ),
]


def test_reviews_permission_matrix(review_world):
    world = review_world.world
    mentor = world.users["daoshi"]
    submitted = do_start_review(assignment=review_world.assignment, by=mentor)
    do_save_draft(
        review=submitted,
        by=mentor,
        data=DraftInput(confidence=2, scores={s.criterion_id: "3" for s in submitted.scores.all()}),
    )
    suggestion = do_add_suggestion(review=submitted, by=mentor, text="写明开放时间")
    do_submit_review(review=submitted, by=mentor)
    draft_assignment = do_assign(plan=review_world.keershan_plan, round_number=1, reviewer=mentor)
    draft = do_start_review(assignment=draft_assignment, by=mentor)
    draft_suggestion = do_add_suggestion(review=draft, by=mentor, text="草稿中的建议")
    spare = do_assign(plan=review_world.keershan_plan, round_number=3, reviewer=mentor)
    # Another mentor still owes a review of 石榴园's round 1, which daoshi has reviewed.
    do_assign(plan=review_world.shiliuyuan_plan, round_number=1, reviewer=due_mentor(world))
    IDS.update(
        plan=review_world.shiliuyuan_plan.pk,
        keershan_plan=review_world.keershan_plan.pk,
        submitted=submitted.pk,
        draft=draft.pk,
        suggestion=suggestion.pk,
        draft_suggestion=draft_suggestion.pk,
        spare_assignment=spare.pk,
    )
    assert check_matrix(world, ROUTES) == []
