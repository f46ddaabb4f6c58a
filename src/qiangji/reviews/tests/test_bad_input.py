"""Nonsense in every form and query string of the reviews app: refused, never a 500."""

from __future__ import annotations

from django.urls import reverse

from qiangji.reviews.actions import do_start_review

GARBAGE = ["", "abc", "-1", "99999999999999999999", "1.5", "na", "<script>", "\x00", "☃" * 300]


def test_nonsense_posts_and_queries_never_cause_a_server_error(review_world, client_for):
    world = review_world.world
    mentor = world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    criterion = review.scores.first().criterion_id
    pk = world.programme.pk
    posts = [
        (
            mentor,
            reverse("reviews:review_save", kwargs={"pk": review.pk}),
            ["revision", "confidence", f"score-{criterion}", "tab", "opinion"],
        ),
        (
            mentor,
            reverse("reviews:review_submit", kwargs={"pk": review.pk}),
            ["revision", "confidence", f"score-{criterion}"],
        ),
        (
            mentor,
            reverse("reviews:suggestion_add", kwargs={"pk": review.pk}),
            ["node_key", "quote_field", "quote_start", "quote", "text"],
        ),
        (mentor, reverse("reviews:conflict_add", kwargs={"pk": pk}), ["community", "reviewer"]),
        (
            world.users["jiedao"],
            reverse("reviews:auto_assign", kwargs={"pk": pk}),
            ["round", "per_plan", "due_on"],
        ),
        (
            world.users["jiedao"],
            reverse("reviews:assignment_add", kwargs={"pk": pk}),
            ["plan", "reviewer", "round", "due_on"],
        ),
        (
            world.users["jiedao"],
            reverse("reviews:stage_publish", kwargs={"pk": pk}),
            ["round", "published"],
        ),
        (
            world.users["jiedao"],
            reverse("reviews:rubric_edit", kwargs={"pk": pk}),
            ["scale", "criteria-TOTAL_FORMS", "criteria-0-weight"],
        ),
        (
            world.users["lingdao"],
            reverse("reviews:remark_add", kwargs={"pk": review_world.shiliuyuan_plan.pk}),
            ["text", "visibility"],
        ),
    ]
    statuses = []
    for user, url, fields in posts:
        client = client_for(user)
        for junk in GARBAGE:
            for htmx in (False, True):
                data = {name: junk for name in fields}
                headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
                response = client.post(url, data, **headers)
                statuses.append(response.status_code)
                assert response.status_code < 500, (url, junk, htmx)
    reader = client_for(world.users["jiedao"])
    for name in ("programme", "ranking", "stage", "rubric"):
        for junk in GARBAGE:
            response = reader.get(
                reverse(f"reviews:{name}", kwargs={"pk": pk}), {"round": junk, "version": junk}
            )
            assert response.status_code == 200, (name, junk)
    assert (
        reader.get(reverse("reviews:sheet", kwargs={"pk": pk}), {"round": "x"}).status_code == 200
    )
    assert 422 in statuses and 302 in statuses  # refusals were polite, some posts went through


def test_control_characters_are_stripped_from_reasons_and_texts(review_world, client_for):
    from qiangji.reviews.actions import (
        DraftInput,
        do_add_suggestion,
        do_save_draft,
        do_submit_review,
    )
    from qiangji.reviews.models import Review, SuggestionAnswer

    world = review_world.world
    mentor = world.users["daoshi"]
    review = do_start_review(assignment=review_world.assignment, by=mentor)
    do_save_draft(
        review=review,
        by=mentor,
        data=DraftInput(
            opinion="好\x00方案",
            confidence=2,
            scores={s.criterion_id: "3" for s in review.scores.all()},
        ),
    )
    suggestion = do_add_suggestion(review=review, by=mentor, text="补充\x00时间")
    do_submit_review(review=review, by=mentor)
    review.refresh_from_db()
    assert review.opinion == "好方案" and suggestion.text == "补充时间"
    answer = client_for(world.users["shiliuyuan"]).post(
        reverse("reviews:suggestion_answer", kwargs={"pk": suggestion.pk}),
        {"decision": "adopted", "reason": "已\x00补充"},
    )
    assert answer.status_code == 302
    assert SuggestionAnswer.objects.get().reason == "已补充"
    reopen = client_for(world.users["jiedao"]).post(
        reverse("reviews:review_reopen", kwargs={"pk": review.pk}), {"reason": "\x00打分\x07有误"}
    )
    assert reopen.status_code == 302
    assert Review.objects.get(pk=review.pk).status == "draft"
