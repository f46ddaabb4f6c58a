"""Search everywhere: the activities and cases this person may see (see core/finder.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from qiangji.core.finder import Found, Hit
from qiangji.workshops import rules
from qiangji.workshops.models import Activity, Case
from qiangji.workshops.search import normalise, query_terms, search_cases


def find(request, access, query: str, limit: int) -> list[Found]:
    if not (access.is_superuser or access.grants):
        return []
    terms = query_terms(query) or [normalise(query)]
    condition = Q()
    for term in terms:
        condition &= Q(title__icontains=term) | Q(venue__icontains=term)
    activities = list(
        Activity.objects.visible_to(access)
        .filter(condition)
        .only("pk", "title", "kind", "starts_at")
        .order_by("-starts_at", "-pk")[: limit + 1]
    )
    found = [
        Found(
            kind="workshops.activity",
            label=_("Activities"),
            hits=[
                Hit(
                    title=a.title,
                    url=reverse("workshops:activity_detail", args=[a.pk]),
                    context=a.get_kind_display(),
                    when=a.starts_at,
                )
                for a in activities[:limit]
            ],
            more=len(activities) > limit,
            order=30,
        )
    ]
    if rules.can_read_cases(access):
        cases = list(
            search_cases(Case.objects.all(), query)
            .only("pk", "title", "source_community", "city")
            .order_by("title", "pk")[: limit + 1]
        )
        found.append(
            Found(
                kind="workshops.case",
                label=_("Cases"),
                hits=[
                    Hit(
                        title=c.title,
                        url=reverse("workshops:case_detail", args=[c.pk]),
                        context=f"{c.city} · {c.source_community}",
                    )
                    for c in cases[:limit]
                ],
                more=len(cases) > limit,
                more_url=f"{reverse('workshops:case_list')}?{urlencode({'q': query})}",
                order=40,
            )
        )
    return found
