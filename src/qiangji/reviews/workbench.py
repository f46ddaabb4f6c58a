"""The reviews' part of the workbench: suggestions to answer, reviews due, unassigned
reviews, remarks awaiting a leader; and how far the current round's reviews are.

Each to-do is one aggregate query, whatever the number of plans or reviews.
"""

from __future__ import annotations

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.accounts.models import Role
from qiangji.core.workbench import Figure, Todo
from qiangji.plans.models import Plan, PlanVersion
from qiangji.reviews.models import Assignment, Remark, Review, Suggestion

WORKER_ROLES = (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF)


def _work_communities(access) -> list[int]:
    return [
        g.territory_id
        for g in access.grants
        if g.role in WORKER_ROLES and g.territory_kind == "community"
    ]


def _admin_paths(access) -> list[str]:
    return [g.territory_path for g in access.grants if g.role == Role.SUBDISTRICT_ADMIN]


def todos(request, access) -> list[Todo]:
    found: list[Todo] = []
    found += _suggestions_to_answer(access)
    found += _reviews_due(request.user)
    if access.is_superuser or _admin_paths(access):
        found += _unassigned_reviews(access)
    if access.has_role(Role.LEADER) and not access.is_superuser:
        found += _remarks_awaiting(request.user, access)
    return found


def _suggestions_to_answer(access) -> list[Todo]:
    """A community's submitted suggestions it has not answered yet, per community (1 query)."""
    communities = _work_communities(access)
    if not communities:
        return []
    rows = (
        Suggestion.objects.filter(
            review__status=Review.Status.SUBMITTED,
            answer__isnull=True,
            review__plan_version__plan__community_id__in=communities,
            review__plan_version__plan__programme_id__in=access.programme_ids,
        )
        .values("review__plan_version__plan__community_id")
        .annotate(
            n=Count("pk"),
            oldest=Min("created_at"),
            plan=Min("review__plan_version__plan_id"),
            community=Min("review__plan_version__plan__community__name"),
        )
        .order_by()
    )
    return [
        Todo(
            label=_("Suggestions to answer"),
            url=reverse("plans:detail", args=[row["plan"]]),
            count=row["n"],
            oldest=row["oldest"],
            community=row["community"],
            kind="reviews.suggestions_to_answer",
        )
        for row in rows
    ]


def _reviews_due(user) -> list[Todo]:
    """The person's assignments whose version is ready and whose review is not submitted."""
    ready = PlanVersion.objects.filter(
        plan_id=OuterRef("plan_id"), number__gte=OuterRef("round_number")
    )
    values = (
        Assignment.objects.filter(reviewer=user)
        .exclude(review__status=Review.Status.SUBMITTED)
        .filter(Exists(ready))
        .aggregate(n=Count("pk"), due=Min("due_on"), first=Min("pk"))
    )
    if not values["n"]:
        return []
    today = timezone.localdate()
    return [
        Todo(
            label=_("Reviews due"),
            url=reverse("reviews:home"),
            count=values["n"],
            oldest=values["due"],
            kind="reviews.reviews_due",
            urgent=bool(values["due"] and values["due"] <= today),
        )
    ]


def _admin_plans(access):
    plans = Plan.objects.all()
    if not access.is_superuser:
        condition = Q(pk__in=[])
        for path in _admin_paths(access):
            condition |= Q(programme__subdistrict__path__startswith=path)
        plans = plans.filter(condition)
    return plans


def _unassigned_reviews(access) -> list[Todo]:
    """Plans whose latest version has no reviewer assigned for its round (1 query)."""
    latest = (
        PlanVersion.objects.filter(plan_id=OuterRef("pk")).order_by("-number").values("number")[:1]
    )
    assigned = Assignment.objects.filter(plan_id=OuterRef("pk"), round_number=OuterRef("latest"))
    values = (
        _admin_plans(access)
        .annotate(latest=Subquery(latest))
        .filter(latest__isnull=False)
        .exclude(Exists(assigned))
        .aggregate(n=Count("pk"), programme=Min("programme_id"), oldest=Min("updated_at"))
    )
    if not values["n"]:
        return []
    return [
        Todo(
            label=_("Plan versions without a reviewer"),
            url=reverse("reviews:programme", args=[values["programme"]]),
            count=values["n"],
            oldest=values["oldest"],
            kind="reviews.unassigned",
        )
    ]


def _remarks_awaiting(user, access) -> list[Todo]:
    """Plans reviewed since the leader's last remark on them (1 query)."""
    reviewed = (
        Review.objects.filter(plan_version__plan_id=OuterRef("pk"), status=Review.Status.SUBMITTED)
        .order_by("-plan_version__number")
        .values("plan_version__number")[:1]
    )
    mine = (
        Remark.objects.filter(plan_id=OuterRef("pk"), author=user)
        .order_by("-round_number")
        .values("round_number")[:1]
    )
    values = (
        Plan.objects.filter(programme_id__in=access.programme_ids)
        .annotate(reviewed=Subquery(reviewed), remarked=Subquery(mine))
        .filter(reviewed__isnull=False)
        .filter(Q(remarked__isnull=True) | Q(remarked__lte=Subquery(reviewed)))
        .aggregate(
            n=Count("pk"), first=Min("pk"), programme=Min("programme_id"), oldest=Min("updated_at")
        )
    )
    if not values["n"]:
        return []
    url = (
        reverse("reviews:plan", args=[values["first"]])
        if values["n"] == 1
        else reverse("reviews:programme", args=[values["programme"]])
    )
    return [
        Todo(
            label=_("Reviewed plans awaiting your remark"),
            url=url,
            count=values["n"],
            oldest=values["oldest"],
            kind="reviews.remarks_awaiting",
        )
    ]


def figures(request, access) -> list[Figure]:
    """The current round's reviews: how many are submitted of those assigned (2 queries)."""
    if not (access.has_role(Role.MENTOR, Role.LEADER, Role.SUBDISTRICT_ADMIN)):
        return []
    assignments = Assignment.objects.filter(plan__programme_id__in=access.programme_ids)
    current = assignments.aggregate(r=Max("round_number"))["r"]
    if not current:
        return []
    values = assignments.filter(round_number=current).aggregate(
        total=Count("pk"),
        submitted=Count("pk", filter=Q(review__status=Review.Status.SUBMITTED)),
    )
    return [
        Figure(
            label=_("Reviews submitted this round"),
            value=f"{values['submitted']} / {values['total']}",
            definition=_(
                "Reviews submitted of the reviews assigned in round %(r)s, in your programmes."
            )
            % {"r": current},
            computed_at=None,
            url=reverse("reviews:home"),
            kind="reviews.submitted",
        )
    ]
