"""What other apps may use from reviews: who may see reviews, timeline events, suggestions.

- ``may_see_reviews(user, round_number=…, plan=… | programme=…)`` is THE rule for review
  content (scores, totals, means, opinions, suggestions): the person must be allowed to read
  the plan's (or programme's) reviews, and must not still owe a review of that round
  themselves — until they submit, a mentor sees no other reviewer's judgement of the round
  (blind review, as in Hypha). ``hidden_rounds(user, plan=… | programme=…)`` gives the rounds
  the second half hides, for pages that list several rounds. Every page, export and API that
  shows review content asks one of the two (``core/tests/test_review_visibility.py``).

- ``timeline_events(plan)`` is registered in ``plans.timeline.TIMELINE_SOURCES``: the plan's
  timeline shows each submitted review and which version answered which suggestion.
- ``open_suggestions(plan)`` and the template tag ``{% load reviews %}{% open_suggestions plan %}``
  list the suggestions the community still has to answer, where the secretary edits.
- ``scores_by_community(programme_id, *, until=None)`` gives, per community, the submitted
  review totals (0–100) of its plan's latest reviewed round and the count of suggestions it
  has not answered yet, in two queries whatever the number of reviews (for dashboards).
- ``reviewed_version_numbers(plan)``: the versions mentors have reviewed (submitted); the
  implementation app approves only the latest of them.
"""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from qiangji.accounts.models import Role
from qiangji.accounts.permissions import access_for
from qiangji.reviews.models import Assignment, Review, Suggestion, SuggestionAnswer


def hidden_rounds(user, *, plan=None, programme=None) -> set[int]:
    """Return the rounds whose reviews this person may not see yet: the ones they still owe.

    With a plan: their unsubmitted assignments on that plan. With a programme (a ranking, a
    stage, a score sheet, which show every plan of a round): on any plan of the programme.
    """
    if not getattr(user, "is_authenticated", False):
        return set()
    due = Assignment.objects.filter(reviewer=user).exclude(review__status=Review.Status.SUBMITTED)
    due = due.filter(plan=plan) if plan is not None else due.filter(plan__programme=programme)
    return set(due.values_list("round_number", flat=True))


def may_read_reviews(user, *, plan=None, programme=None) -> bool:
    """Return whether this person may read reviews of the plan (or every plan of the programme).

    Staff who manage the programme, its mentors and leaders read all; the plan's own
    community reads its plan's reviews.
    """
    programme = plan.programme if plan is not None else programme
    access = access_for(user)
    if not access.can_view_programme(programme):
        return False
    if (
        access.can_edit_programme(programme)
        or access.is_mentor_of(programme)
        or access.has_role(Role.LEADER)
    ):
        return True
    return plan is not None and access.can_work_in_community(plan.community)


def may_see_reviews(user, *, round_number: int, plan=None, programme=None) -> bool:
    """Return whether this person may see round ``round_number``'s reviews of a plan/programme."""
    if (plan is None) == (programme is None):
        raise TypeError("give a plan or a programme")
    return may_read_reviews(user, plan=plan, programme=programme) and round_number not in (
        hidden_rounds(user, plan=plan, programme=programme)
    )


def scores_by_community(programme_id: int, *, until=None) -> dict[int, dict]:
    """Return {community_id: {plan_id, round, totals, n, mean, open_suggestions}} (two queries).

    ``round`` is the latest version number with a submitted review; ``totals`` are that
    round's submitted review totals on 0–100. Communities without a submitted review are absent
    unless they have open suggestions.
    """
    submitted = Review.objects.filter(
        plan_version__plan__programme_id=programme_id,
        status=Review.Status.SUBMITTED,
        total__isnull=False,
    )
    if until is not None:
        submitted = submitted.filter(submitted_at__lte=until)
    rounds: dict[int, dict] = {}
    for community_id, plan_id, number, total in submitted.order_by().values_list(
        "plan_version__plan__community_id", "plan_version__plan_id", "plan_version__number", "total"
    ):
        entry = rounds.get(community_id)
        if entry is None or number > entry["round"]:
            entry = rounds[community_id] = {"plan_id": plan_id, "round": number, "totals": []}
        if number == entry["round"]:
            entry["totals"].append(float(total))
    for entry in rounds.values():
        entry["n"] = len(entry["totals"])
        entry["mean"] = sum(entry["totals"]) / entry["n"]
        entry["open_suggestions"] = 0
    open_counts = (
        Suggestion.objects.filter(
            review__plan_version__plan__programme_id=programme_id,
            review__status=Review.Status.SUBMITTED,
            answer__isnull=True,
        )
        .order_by()
        .values("review__plan_version__plan__community_id", "review__plan_version__plan_id")
        .annotate(n=Count("pk"))
        .values_list(
            "review__plan_version__plan__community_id", "review__plan_version__plan_id", "n"
        )
    )
    for community_id, plan_id, n in open_counts:
        entry = rounds.setdefault(
            community_id,
            {
                "plan_id": plan_id,
                "round": None,
                "totals": [],
                "n": 0,
                "mean": None,
                "open_suggestions": 0,
            },
        )
        entry["open_suggestions"] += n
    return rounds


def open_suggestions(plan) -> list[Suggestion]:
    """Return the submitted suggestions on a plan that the community has not answered yet."""
    return list(
        Suggestion.objects.filter(
            review__plan_version__plan=plan,
            review__status=Review.Status.SUBMITTED,
            answer__isnull=True,
        )
        .select_related("review__plan_version", "review__reviewer")
        .order_by("review__plan_version__number", "pk")
    )


def timeline_events(plan, viewer=None) -> list:
    """Return the plan's review events for the plans timeline (reviews, answered suggestions).

    Rounds the viewer may not see (``hidden_rounds``) are left out; with no viewer, all.
    """
    from qiangji.plans.timeline import TimelineEvent

    if viewer is not None and not may_read_reviews(viewer, plan=plan):
        return []  # another community's staff read the plan, not its reviews
    hidden = hidden_rounds(viewer, plan=plan) if viewer is not None else set()
    plan_url = reverse("reviews:plan", kwargs={"pk": plan.pk})
    events = []
    for review in Review.objects.filter(
        plan_version__plan=plan, status=Review.Status.SUBMITTED
    ).select_related("plan_version", "reviewer", "rubric"):
        if review.plan_version.number in hidden:
            continue
        events.append(
            TimelineEvent(
                at=review.submitted_at,
                kind="review",
                title=_("Mentor review of version %(v)d: %(mean).1f / %(high)d")
                % {
                    "v": review.plan_version.number,
                    "mean": review.mean_on_scale or 0,
                    "high": review.rubric.scale_max,
                },
                actor=str(review.reviewer),
                url=reverse("reviews:review", kwargs={"pk": review.pk}),
            )
        )
    versions = set(plan.versions.values_list("number", flat=True))
    for answer in SuggestionAnswer.objects.filter(
        suggestion__review__plan_version__plan=plan
    ).select_related("suggestion__review__plan_version", "answered_by"):
        suggestion = answer.suggestion
        if suggestion.review.plan_version.number in hidden:
            continue
        if answer.round_number in versions:
            title = _("Version %(v)d answers a suggestion on version %(old)d: %(decision)s")
        else:
            title = _(
                "The draft of round %(v)d answers a suggestion on version %(old)d: %(decision)s"
            )
        events.append(
            TimelineEvent(
                at=answer.answered_at,
                kind="suggestion",
                title=title
                % {
                    "v": answer.round_number,
                    "old": suggestion.review.plan_version.number,
                    "decision": answer.get_decision_display(),
                },
                actor=str(answer.answered_by) if answer.answered_by else "",
                detail=f"{suggestion.text[:80]} → {answer.reason[:80]}",
                url=f"{plan_url}#suggestion-{suggestion.pk}",
            )
        )
    return events


def reviewed_version_numbers(plan) -> set[int]:
    """Return the numbers of the plan's versions with at least one submitted review.

    The implementation app approves (立项) only the latest of these.
    """
    return set(
        Review.objects.filter(plan_version__plan=plan, status=Review.Status.SUBMITTED)
        .values_list("plan_version__number", flat=True)
        .distinct()
    )
