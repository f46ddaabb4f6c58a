"""The workshops' part of the workbench: activities today and tomorrow, brainstorm boards
open now, round tables a mentor guides this week; and the first activity to schedule."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qiangji.accounts.models import Role
from qiangji.core.workbench import Step, Todo
from qiangji.workshops.models import Activity, TableGroup

COMMUNITY_ROLES = (Role.COMMUNITY_SECRETARY, Role.COMMUNITY_STAFF, Role.GRID_WORKER)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _communities(access) -> set[int]:
    ids = {
        g.territory_id
        for g in access.grants
        if g.role in COMMUNITY_ROLES and g.territory_kind == "community"
    }
    return ids | set(access.grid_community_ids)


def _concerns_me(access, user, prefix: str = "") -> Q:
    """Activities (or groups, through prefix) that concern a person of a community: theirs,
    programme-wide ones (no community) and those they are invited to. Others see all."""
    if access.is_superuser or access.has_role(Role.SUBDISTRICT_ADMIN, Role.LEADER, Role.MENTOR):
        return Q()
    communities = _communities(access)
    return (
        Q(**{f"{prefix}communities__in": communities})
        | Q(**{f"{prefix}communities__isnull": True})
        | Q(**{f"{prefix}invitees": user})
    )


def todos(request, access) -> list[Todo]:
    if not access.programme_ids:
        return []
    user = request.user
    today = timezone.localdate()
    found: list[Todo] = []
    soon = (
        Activity.objects.visible_to(access)
        .filter(
            _concerns_me(access, user),
            starts_at__gte=_day_start(today),
            starts_at__lt=_day_start(today + dt.timedelta(days=2)),
        )
        .aggregate(n=Count("pk", distinct=True), first=Min("starts_at"), pk=Min("pk"))
    )
    if soon["n"]:
        url = (
            reverse("workshops:activity_detail", args=[soon["pk"]])
            if soon["n"] == 1
            else reverse("workshops:index")
        )
        found.append(
            Todo(
                label=_("Activities today and tomorrow"),
                url=url,
                count=soon["n"],
                oldest=soon["first"],
                kind="workshops.activities_soon",
            )
        )
    boards = _open_boards(access, user, today)
    if boards["n"]:
        found.append(
            Todo(
                label=_("Brainstorm boards open today"),
                url=reverse("workshops:board", args=[boards["pk"]]),
                count=boards["n"],
                oldest=boards["first"],
                kind="workshops.boards_open",
            )
        )
    if access.has_role(Role.MENTOR) or access.is_superuser:
        guided = TableGroup.objects.filter(
            mentor=user,
            activity__starts_at__gte=_day_start(today),
            activity__starts_at__lt=_day_start(today + dt.timedelta(days=7)),
        ).aggregate(n=Count("pk"), first=Min("activity__starts_at"), pk=Min("pk"))
        if guided["n"]:
            found.append(
                Todo(
                    label=_("Round tables you guide this week"),
                    url=reverse("workshops:board", args=[guided["pk"]]),
                    count=guided["n"],
                    oldest=guided["first"],
                    kind="workshops.tables_guided",
                )
            )
    return found


def _open_boards(access, user, today: dt.date) -> dict:
    """Round-table boards taking cards today, of the person's communities (or all, above)."""
    groups = TableGroup.objects.filter(
        board_open=True,
        activity__programme_id__in=access.programme_ids,
        activity__starts_at__gte=_day_start(today),
        activity__starts_at__lt=_day_start(today + dt.timedelta(days=1)),
    )
    if not (
        access.is_superuser or access.has_role(Role.SUBDISTRICT_ADMIN, Role.LEADER, Role.MENTOR)
    ):
        groups = groups.filter(
            Q(community_id__in=_communities(access)) | Q(members=user) | Q(mentor=user)
        )
    return groups.aggregate(
        n=Count("pk", distinct=True), first=Min("activity__starts_at"), pk=Min("pk")
    )


def first_steps(request, access) -> list[Step]:
    """Schedule the first activity (subdistrict administrators of a programme)."""
    if not access.has_role(Role.SUBDISTRICT_ADMIN):
        return []
    done = bool(access.programme_ids) and Activity.objects.visible_to(access).exists()
    return [
        Step(
            label=_("Schedule the first activity"),
            url=reverse("workshops:activity_new"),
            help=_(
                "A key-point lecture or a round table: invite the communities, sign them in "
                "with a QR code, and their ideas go to their plans."
            ),
            done=done,
            order=30,
        )
    ]
