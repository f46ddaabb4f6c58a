"""The plans' part of the workbench: communities behind in their plan, and plans under way."""

from __future__ import annotations

from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from qiangji.accounts.models import Role
from qiangji.core.workbench import Figure, Todo
from qiangji.plans.models import Plan
from qiangji.programmes.models import Enrolment


def _admin_enrolments(access):
    enrolments = Enrolment.objects.all()
    if access.is_superuser:
        return enrolments
    condition = Q(pk__in=[])
    for grant in access.grants:
        if grant.role == Role.SUBDISTRICT_ADMIN and grant.territory_path:
            condition |= Q(programme__subdistrict__path__startswith=grant.territory_path)
    return enrolments.filter(condition)


def todos(request, access) -> list[Todo]:
    """Enrolled communities without a plan, or whose plan is in an earlier round than the
    programme's most advanced plan (subdistrict administrators; one query)."""
    if not (access.is_superuser or access.has_role(Role.SUBDISTRICT_ADMIN)):
        return []
    own = Plan.objects.filter(
        programme_id=OuterRef("programme_id"), community_id=OuterRef("community_id")
    ).values("round_number")[:1]
    lead = (
        Plan.objects.filter(programme_id=OuterRef("programme_id"))
        .order_by("-round_number")
        .values("round_number")[:1]
    )
    values = (
        _admin_enrolments(access)
        .annotate(round=Subquery(own), lead=Subquery(lead))
        .filter(Q(round__isnull=True) | Q(round__lt=F("lead")))
        .aggregate(n=Count("pk"), where=Min("programme__subdistrict__name"))
    )
    if not values["n"]:
        return []
    return [
        Todo(
            label=_("Communities behind with their plan"),
            url=reverse("plans:index"),
            count=values["n"],
            community=values["where"] or "",
            kind="plans.behind",
        )
    ]


def figures(request, access) -> list[Figure]:
    """Plans under way in the person's programmes, of the communities enrolled (2 queries)."""
    if not access.programme_ids or not access.has_role(
        Role.SUBDISTRICT_ADMIN, Role.LEADER, Role.MENTOR
    ):
        return []
    enrolled = Enrolment.objects.filter(programme_id__in=access.programme_ids).count()
    plans = Plan.objects.filter(programme_id__in=access.programme_ids).aggregate(
        n=Count("pk", distinct=True),
        lead=Max("round_number"),
        versions=Count("versions", distinct=True),
    )
    return [
        Figure(
            label=_("Plans under way"),
            value=f"{plans['n']} / {enrolled}",
            definition=_(
                "Communities with a brand plan, of the communities enrolled in your programmes; "
                "the most advanced plan is in round %(r)s, %(v)s versions frozen in all."
            )
            % {"r": plans["lead"] or 0, "v": plans["versions"]},
            url=reverse("plans:index"),
            kind="plans.under_way",
        )
    ]
