"""Search everywhere: the brand plans this person may see (see core/finder.py)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from qiangji.core.finder import Found, Hit
from qiangji.plans.models import Plan

_FIELDS = ("brand_name", "slogan", "concept", "community__name")


def find(request, access, query: str, limit: int) -> list[Found]:
    if not access.programme_ids:
        return []
    condition = Q()
    for word in query.split()[:8]:
        any_field = Q()
        for name in _FIELDS:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    plans = list(
        Plan.objects.visible_to(access)
        .filter(condition)
        .select_related("community", "programme")
        .only("pk", "brand_name", "slogan", "updated_at", "community__name", "programme__name")
        .order_by("-updated_at", "-pk")[: limit + 1]
    )
    return [
        Found(
            kind="plans.plan",
            label=_("Plans"),
            hits=[
                Hit(
                    title=f"{p.community.name} · {p.brand_name or _('Plan')}",
                    url=reverse("plans:detail", args=[p.pk]),
                    context=p.slogan or p.programme.name,
                    when=p.updated_at,
                )
                for p in plans[:limit]
            ],
            more=len(plans) > limit,
            order=20,
        )
    ]
