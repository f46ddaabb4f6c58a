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
