"""Overdue, stuck and pressed items: one definition used by pages, the workbench and jobs.

* **overdue** — unfinished (not done, not cancelled) and past its deadline;
* **stuck** — unfinished and not updated for the programme's N days (``Rules.stale_days``,
  default 14);
* **pressed** — the subdistrict pressed it (督办) and nobody has updated it since.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from qiangji.accounts.models import Role
from qiangji.implementation.models import DEFAULT_STALE_DAYS, Item, Meaning, Rules

WORKER_ROLES = (Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF)


def unfinished() -> Q:
    return ~Q(status__meaning__in=[Meaning.DONE, Meaning.CANCELLED])


def overdue_q(today: dt.date | None = None) -> Q:
    return unfinished() & Q(deadline__lt=today or timezone.localdate())


def stuck_q(programme_ids=None, now: dt.datetime | None = None) -> Q:
    """Unfinished items not updated for their programme's N days (one small query for rules)."""
    now = now or timezone.now()
    rules = Rules.objects.all()
    if programme_ids is not None:
        rules = rules.filter(programme_id__in=list(programme_ids))
    custom = dict(rules.values_list("programme_id", "stale_days"))
    condition = ~Q(programme_id__in=list(custom)) & Q(
        last_update_at__lt=now - dt.timedelta(days=DEFAULT_STALE_DAYS)
    )
    for programme_id, days in custom.items():
        condition |= Q(programme_id=programme_id, last_update_at__lt=now - dt.timedelta(days=days))
    return unfinished() & condition


def pressed_q() -> Q:
    return unfinished() & Q(pressed_at__isnull=False, pressed_at__gte=F("last_update_at"))


def in_paths(paths: list[str]) -> Q:
    """Items of communities under any of these territory paths."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(community__path__startswith=path)
    return condition


def worker_paths(access) -> list[str] | None:
    """Territory paths where the person works (None: everywhere, for a superuser)."""
    if access.is_superuser:
        return None
    return [g.territory_path for g in access.grants if g.territory_path and g.role in WORKER_ROLES]


def flag_counts(items: QuerySet, *, programme_ids=None) -> dict:
    """Return counts and oldest dates of overdue, stuck and pressed items (one query + rules)."""
    stuck = stuck_q(programme_ids)
    return items.aggregate(
        overdue=Count("pk", filter=overdue_q()),
        overdue_oldest=Min("deadline", filter=overdue_q()),
        stuck=Count("pk", filter=stuck),
        stuck_oldest=Min("last_update_at", filter=stuck),
        pressed=Count("pk", filter=pressed_q()),
        pressed_oldest=Min("pressed_at", filter=pressed_q()),
    )


def do_notify_overdue(*, now: dt.datetime | None = None) -> int:
    """Post one notice per community worker about the community's overdue/stuck items."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from qiangji.accounts.models import RoleGrant
    from qiangji.notifications.actions import do_notify

    now = now or timezone.now()
    rows = (
        Item.objects.filter(overdue_q(timezone.localdate(now)) | stuck_q(now=now))
        .values("community_id")
        .annotate(n=Count("pk"))
    )
    counts = {row["community_id"]: row["n"] for row in rows}
    if not counts:
        return 0
    grants = RoleGrant.objects.filter(
        territory_id__in=list(counts),
        role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF],
    ).select_related("user")
    users_by_community: dict[int, list] = {}
    for grant in grants:
        users_by_community.setdefault(grant.territory_id, []).append(grant.user)
    posted = 0
    for community_id, count in counts.items():
        posted += do_notify(
            recipients=users_by_community.get(community_id, []),
            kind="work_overdue",
            title=_("%(n)d delivery items are overdue or without an update") % {"n": count},
            url=reverse("implementation:quick"),
            group_key=f"implementation:overdue:{community_id}:{timezone.localdate(now)}",
        )
    return posted
