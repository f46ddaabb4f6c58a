"""Search everywhere: the concerns and hot topics this person may see (see core/finder.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from qiangji.concerns.models import Concern, HotIssue, Topic
from qiangji.core.finder import Found, Hit
from qiangji.lib.privacy import mask_phones_in_text
from qiangji.territories.models import Kind


def _visible(queryset, access, field: str):
    """Return queryset narrowed to the communities (or territories) this person may read."""
    if access.is_superuser:
        return queryset
    territories = access.visible_territories()
    if field == "community":
        territories = territories.filter(kind=Kind.COMMUNITY)
    return queryset.filter(**{f"{field}_id__in": territories.values("pk")})


def find(request, access, query: str, limit: int) -> list[Found]:
    if not (access.is_superuser or access.grants):
        return []
    concerns = list(
        _visible(Concern.objects.all(), access, "community")
        .search(query)
        .select_related("community")
        .only("pk", "title", "text", "reported_at", "closed_at", "community__name")
        .order_by("-priority_score", "-pk")[: limit + 1]
    )
    words = [w for w in query.split() if w][:8]
    issues_qs = HotIssue.objects.active()
    if not access.is_superuser:
        # A community's people read the subdistrict's hot issues that touch their community.
        touching = _visible(Concern.objects.filter(hot_issue__isnull=False), access, "community")
        issues_qs = issues_qs.filter(
            Q(territory_id__in=access.visible_territories().values("pk"))
            | Q(pk__in=touching.values("hot_issue_id"))
        )
    for word in words:
        issues_qs = issues_qs.filter(
            Q(label__icontains=word) | Q(place__icontains=word) | Q(problem__icontains=word)
        )
    issues = list(issues_qs.select_related("territory").order_by("-heat", "-pk")[: limit + 1])
    topics_qs = _visible(Topic.objects.all(), access, "territory").select_related("territory")
    for word in words:
        topics_qs = topics_qs.filter(label__icontains=word)
    topics = list(topics_qs.order_by("-score", "-pk")[: limit + 1])
    closed, open_ = pgettext("concern state", "closed"), pgettext("concern state", "open")
    return [
        Found(
            kind="concerns.concern",
            label=_("Concerns"),
            hits=[
                Hit(
                    title=mask_phones_in_text(c.summary),
                    url=reverse("concerns:detail", args=[c.pk]),
                    context=f"{c.community.name} · {closed if c.closed_at else open_}",
                    when=c.reported_at,
                )
                for c in concerns[:limit]
            ],
            more=len(concerns) > limit,
            more_url=f"{reverse('concerns:index')}?{urlencode({'q': query, 'state': 'all'})}",
            order=10,
        ),
        Found(
            kind="concerns.hot_issue",
            label=_("Hot issues"),
            hits=[
                Hit(
                    title=issue.label,
                    url=reverse("concerns:hot_issue", args=[issue.pk]),
                    context=ngettext("%(n)s resident", "%(n)s residents", issue.residents)
                    % {"n": issue.residents}
                    + f" · {issue.territory.name}",
                    when=issue.last_reported_at,
                )
                for issue in issues[:limit]
            ],
            more=len(issues) > limit,
            more_url=reverse("concerns:hot_issues"),
            order=12,
        ),
        Found(
            kind="concerns.topic",
            label=_("Hot topics"),
            hits=[
                Hit(
                    title=t.label,
                    url=f"{reverse('concerns:topics')}?territory={t.territory_id}",
                    context=t.territory.name,
                    when=t.updated_at,
                )
                for t in topics[:limit]
            ],
            more=len(topics) > limit,
            order=15,
        ),
    ]
