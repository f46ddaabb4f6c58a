"""What other apps may use from reviews: plan timeline events and the open suggestions.

- ``timeline_events(plan)`` is registered in ``plans.timeline.TIMELINE_SOURCES``: the plan's
  timeline shows each submitted review and which version answered which suggestion.
- ``open_suggestions(plan)`` and the template tag ``{% load reviews %}{% open_suggestions plan %}``
  list the suggestions the community still has to answer, where the secretary edits.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from qiangji.reviews.models import Review, Suggestion, SuggestionAnswer


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


def timeline_events(plan) -> list:
    """Return the plan's review events for the plans timeline (reviews, answered suggestions)."""
    from qiangji.plans.timeline import TimelineEvent

    plan_url = reverse("reviews:plan", kwargs={"pk": plan.pk})
    events = []
    for review in Review.objects.filter(
        plan_version__plan=plan, status=Review.Status.SUBMITTED
    ).select_related("plan_version", "reviewer"):
        events.append(
            TimelineEvent(
                at=review.submitted_at,
                kind="review",
                title=_("Mentor review of version %(v)d: %(total).1f / 100")
                % {"v": review.plan_version.number, "total": review.total or 0},
                actor=str(review.reviewer),
                url=reverse("reviews:review", kwargs={"pk": review.pk}),
            )
        )
    versions = set(plan.versions.values_list("number", flat=True))
    for answer in SuggestionAnswer.objects.filter(
        suggestion__review__plan_version__plan=plan
    ).select_related("suggestion__review__plan_version", "answered_by"):
        suggestion = answer.suggestion
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
