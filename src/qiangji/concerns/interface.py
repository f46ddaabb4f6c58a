"""What other apps may read from concerns: per-community figures and the category heat table.

Every function runs a constant number of queries whatever the number of concerns, and returns
plain values (no model instances), so a reader never depends on the concerns models.

- ``stats_by_community(community_ids, *, since=None, until=None)`` → ``{community_id: {...}}``
  with ``concerns`` (reports, duplicates included), ``matters`` (reports heading a group),
  ``reporters`` (distinct residents who reported), ``me_toos`` (我也关心), ``tickets``,
  ``responded``, ``solved``, ``followed_up``, ``satisfied`` (满意 + 基本满意 at 回访), ``open``,
  ``overdue``, ``unanswered`` (open matters still waiting for a first response) and the rates
  ``response_rate``, ``solve_rate``, ``satisfaction_rate`` (0–1, None without tickets).
- ``category_heat(community_ids, *, by="community", since=None)`` → rows
  ``{"row_id", "row", "community_id", "category", "count"}`` (open and closed reports).
- ``top_hot_issues(territory, n=5)`` → the territory's hottest hot issues (热点问题) with an
  open concern in it, as ``HotIssueSummary`` (label, heat, residents, supports, size, first,
  last, active, url; ``as_dict()``), for dashboards and workbenches.
- ``hot_issue_summary(ids)`` → ``{asked id: HotIssueSummary}`` for a plan citation or an
  implementation item that links to hot issues; a merged hot issue's id maps to the one it
  went into; an unknown id is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from qiangji.concerns.models import Concern, MeToo, Ticket, TicketState
from qiangji.concerns.stats import measures

FIGURES = (
    "concerns",
    "matters",
    "reporters",
    "me_toos",
    "tickets",
    "responded",
    "solved",
    "followed_up",
    "satisfied",
    "open",
    "overdue",
    "unanswered",
)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def stats_by_community(
    community_ids: Iterable[int],
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> dict[int, dict]:
    """Return each community's concern and ticket figures (four GROUP BY queries)."""
    ids = list(community_ids)
    now = now or timezone.now()
    out: dict[int, dict] = {cid: dict.fromkeys(FIGURES, 0) for cid in ids}
    if not ids:
        return out
    concerns = Concern.objects.filter(community_id__in=ids)
    tickets = Ticket.objects.filter(concern__community_id__in=ids)
    me_toos = MeToo.objects.filter(concern__community_id__in=ids)
    if since:
        concerns = concerns.filter(reported_at__gte=since)
        tickets = tickets.filter(created_at__gte=since)
        me_toos = me_toos.filter(created_at__gte=since)
    if until:
        concerns = concerns.filter(reported_at__lte=until)
        tickets = tickets.filter(created_at__lte=until)
        me_toos = me_toos.filter(created_at__lte=until)
    for row in concerns.values("community_id").annotate(
        concerns=Count("pk"),
        matters=Count("pk", filter=Q(duplicate_of__isnull=True)),
        reporters=Count("reporter_key", distinct=True, filter=~Q(reporter_key="")),
        unanswered=Count(
            "pk",
            filter=Q(
                duplicate_of__isnull=True,
                closed_at__isnull=True,
                ticket__state__in=[TicketState.ACCEPTED, TicketState.DISPATCHED],
            ),
        ),
    ):
        out[row["community_id"]].update(
            concerns=row["concerns"],
            matters=row["matters"],
            reporters=row["reporters"],
            unanswered=row["unanswered"],
        )
    for row in me_toos.values("concern__community_id").annotate(n=Count("pk")):
        out[row["concern__community_id"]]["me_toos"] = row["n"]
    for row in tickets.values("concern__community_id").annotate(**measures(now, handling=False)):
        figures = out[row["concern__community_id"]]
        figures.update(
            tickets=row["total"],
            responded=row["responded"],
            solved=row["solved"],
            followed_up=row["visited"],
            satisfied=row["satisfied"],
            open=row["open"],
            overdue=row["overdue"],
        )
    for figures in out.values():
        figures["response_rate"] = _share(figures["responded"], figures["tickets"])
        figures["solve_rate"] = _share(figures["solved"], figures["tickets"])
        figures["satisfaction_rate"] = _share(figures["satisfied"], figures["followed_up"])
    return out


def category_heat(
    community_ids: Iterable[int], *, by: str = "community", since: dt.datetime | None = None
) -> list[dict]:
    """Return report counts by category and community (or compound): one GROUP BY query.

    Reports without a category count under the category "" (the reader labels it).
    """
    ids = list(community_ids)
    if not ids:
        return []
    concerns = Concern.objects.filter(community_id__in=ids)
    if since:
        concerns = concerns.filter(reported_at__gte=since)
    if by == "compound":
        concerns = concerns.filter(compound__isnull=False)
        keys = ("compound_id", "compound__name", "community_id", "category__name")
    else:
        keys = ("community_id", "community__name", "community_id", "category__name")
    rows = concerns.values(*dict.fromkeys(keys)).annotate(n=Count("pk"), people=Sum("residents"))
    return [
        {
            "row_id": row[keys[0]],
            "row": row[keys[1]],
            "community_id": row["community_id"],
            "category": row["category__name"] or "",
            "count": row["n"],
        }
        for row in rows
    ]


# --- hot issues ---------------------------------------------------------------------------
@dataclass(frozen=True)
class HotIssueSummary:
    """One hot issue as other apps see it."""

    id: int
    label: str
    heat: float
    residents: int
    supports: int
    size: int
    first: dt.datetime | None
    last: dt.datetime | None
    active: bool
    url: str

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "heat": self.heat,
            "residents": self.residents,
            "supports": self.supports,
            "size": self.size,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "active": self.active,
            "url": self.url,
        }


def _summary(issue) -> HotIssueSummary:
    return HotIssueSummary(
        id=issue.pk,
        label=issue.label,
        heat=issue.heat,
        residents=issue.residents,
        supports=issue.supports,
        size=issue.size,
        first=issue.first_reported_at,
        last=issue.last_reported_at,
        active=issue.state == "active",
        url=reverse("concerns:hot_issue", args=[issue.pk]),
    )


def top_hot_issues(territory, n: int = 5) -> list[HotIssueSummary]:
    """Return the territory's n hottest active hot issues (with an open concern in it)."""
    from qiangji.concerns.models import HotIssue

    n = max(0, min(int(n), 100))
    rows = HotIssue.objects.active().in_territory(territory).order_by("-heat", "-pk")[:n]
    return [_summary(issue) for issue in rows]


def hot_issue_summary(ids: Iterable[int]) -> dict[int, HotIssueSummary]:
    """Return {asked id: summary}; a merged hot issue's id maps to the one it was merged into."""
    from qiangji.concerns.models import HotIssue

    wanted = {int(i) for i in ids}
    rows = {h.pk: h for h in HotIssue.objects.filter(pk__in=wanted)}
    out: dict[int, HotIssueSummary] = {}
    for pk in wanted:
        issue = rows.get(pk)
        seen = set()
        while issue is not None and issue.merged_into_id and issue.pk not in seen:
            seen.add(issue.pk)
            issue = HotIssue.objects.filter(pk=issue.merged_into_id).first() or issue
            if issue.pk in seen:
                break
        if issue is not None:
            out[pk] = _summary(issue)
    return out
