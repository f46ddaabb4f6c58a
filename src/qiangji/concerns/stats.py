"""Ticket statistics per territory, community and grid, aggregated in SQL.

响应率 (response): tickets signed for or further; 解决率 (solve): answered or followed up;
满意率 (satisfaction): 满意 or 基本满意 among followed-up tickets; average hours from 受理 to
反馈; open and overdue counts now. One GROUP BY query whatever the number of tickets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from qiangji.concerns.models import Ticket, TicketState
from qiangji.lib.dbfunctions import SecondsBetween
from qiangji.territories.models import Kind, Territory

DONE = (TicketState.ANSWERED, TicketState.CLOSED)
NOT_RESPONDED = (TicketState.ACCEPTED, TicketState.DISPATCHED)
PERIODS = {"30": 30, "90": 90, "365": 365}  # days; "" means all time


@dataclass(frozen=True)
class Row:
    community: str
    grid: str
    total: int
    open: int
    overdue: int
    response_rate: float | None
    solve_rate: float | None
    satisfaction_rate: float | None
    followed_up: int
    average_hours: float | None
    is_total: bool = False


def measures(now: dt.datetime, *, handling: bool = True) -> dict:
    """Return the ticket counts to aggregate (also used by the workbench and `interface`).

    Every one adds up across groups (the average handling time is a sum and a count); without
    `handling`, the time sums are left out (the one measure that does arithmetic per row).
    """
    answered = Q(answered_at__isnull=False)
    found = {
        "total": Count("pk"),
        "open": Count("pk", filter=~Q(state__in=DONE)),
        "overdue": Count("pk", filter=~Q(state__in=DONE) & Q(deadline_at__lt=now)),
        "responded": Count("pk", filter=~Q(state__in=NOT_RESPONDED)),
        "solved": Count("pk", filter=Q(state__in=DONE)),
        "visited": Count("pk", filter=Q(state=TicketState.CLOSED)),
        "satisfied": Count(
            "pk", filter=Q(state=TicketState.CLOSED, satisfaction__in=["satisfied", "fairly"])
        ),
    }
    if handling:
        found["answered"] = Count("pk", filter=answered)
        found["handling_seconds"] = Sum(
            SecondsBetween("answered_at", "created_at"), filter=answered
        )
    return found


def _add(into: dict, values: dict) -> None:
    """Add one group's counts (every measure, not the group's names) into a running total."""
    for key, value in values.items():
        if not key.startswith("concern__"):
            into[key] = into.get(key, 0) + (value or 0)


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _row(values: dict, *, community: str, grid: str = "", is_total: bool = False) -> Row:
    answered = values["answered"]
    return Row(
        community=community,
        grid=grid,
        total=values["total"],
        open=values["open"],
        overdue=values["overdue"],
        response_rate=_rate(values["responded"], values["total"]),
        solve_rate=_rate(values["solved"], values["total"]),
        satisfaction_rate=_rate(values["satisfied"], values["visited"]),
        followed_up=values["visited"],
        average_hours=round(values["handling_seconds"] / answered / 3600, 1) if answered else None,
        is_total=is_total,
    )


def ticket_statistics(
    territory: Territory, *, days: int | None = None, now: dt.datetime | None = None
) -> list[Row]:
    """Return the territory's total row, then each community followed by its grids.

    With `days`, only tickets filed in the last `days` days (open and overdue counts are as of now).
    One GROUP BY (community, grid) query; communities and the total are its sums.
    """
    now = now or timezone.now()
    tickets = Ticket.objects.filter(concern__community__path__startswith=territory.path)
    if days:
        tickets = tickets.filter(created_at__gte=now - dt.timedelta(days=days))
    communities: dict[str, dict] = {}
    grids: dict[str, list[Row]] = {}
    total: dict = {}
    for values in (
        tickets.values("concern__community__name", "concern__grid__name")
        .annotate(**measures(now))
        .order_by("concern__community__name", "concern__grid__name")
    ):
        community = values["concern__community__name"]
        _add(communities.setdefault(community, {}), values)
        _add(total, values)
        if values["concern__grid__name"] is not None:
            grids.setdefault(community, []).append(
                _row(values, community=community, grid=values["concern__grid__name"])
            )
    if not total.get("total"):
        return []
    # A community's own row is its total; above a community, a total row comes first.
    rows = (
        []
        if territory.kind == Kind.COMMUNITY
        else [_row(total, community=territory.name, is_total=True)]
    )
    for community, values in communities.items():
        rows.append(_row(values, community=community))
        rows.extend(grids.get(community, []))
    return rows
