"""Activities and brainstorm boards over the API (read-only), under the same rules as the pages."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from qiangji.accounts.permissions import access_for
from qiangji.lib.apitypes import Id
from qiangji.workshops import rules
from qiangji.workshops.models import Activity, TableGroup

router = Router(tags=["workshops"])


class GuestOut(Schema):
    role: str
    name: str
    title: str


class ActivityOut(Schema):
    id: int
    programme_id: int
    kind: str
    kind_label: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    duration_minutes: int
    venue: str
    organiser: str
    community_ids: list[int]
    guests: list[GuestOut]

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_duration_minutes(obj):
        return int(obj.duration.total_seconds() // 60)

    @staticmethod
    def resolve_community_ids(obj):
        return [c.pk for c in obj.communities.all()]

    @staticmethod
    def resolve_guests(obj):
        return list(obj.guests.all())


class CardOut(Schema):
    id: int
    kind: str
    text: str
    author: str
    votes: int
    marked: bool
    to_plan: bool
    cites_concern: str
    cites_case_id: int | None


class BoardOut(Schema):
    group_id: int
    name: str
    version: int
    cards: list[CardOut]


@router.get("/activities", response=list[ActivityOut])
def list_activities(request, programme: Id | None = None):
    """Activities of the programmes the caller may read, oldest first."""
    activities = Activity.objects.visible_to(access_for(request.user)).prefetch_related(
        "communities", "guests"
    )
    if programme is not None:
        activities = activities.filter(programme_id=programme)
    return list(activities[:500])


@router.get("/activities/{activity_id}", response=ActivityOut)
def get_activity(request, activity_id: Id):
    activity = get_object_or_404(Activity.objects.select_related("programme"), pk=activity_id)
    if not rules.can_view_activity(access_for(request.user), activity):
        raise Http404
    return activity


@router.get("/groups/{group_id}/board", response=BoardOut)
def get_board(request, group_id: Id):
    """A round-table group's cards with their dot votes, best first."""
    group = get_object_or_404(TableGroup.objects.select_related("activity__programme"), pk=group_id)
    if not rules.can_view_activity(access_for(request.user), group.activity):
        raise Http404
    cards = (
        group.cards.with_votes().select_related("author").order_by("-marked", "-vote_count", "pk")
    )
    return {
        "group_id": group.pk,
        "name": group.name,
        "version": group.board_version,
        "cards": [
            {
                "id": c.pk,
                "kind": c.kind,
                "text": c.text,
                "author": str(c.author) if c.author else "",
                "votes": c.vote_count,
                "marked": c.marked,
                "to_plan": c.to_plan,
                "cites_concern": c.cites_concern,
                "cites_case_id": c.cites_case_id,
            }
            for c in cards[:500]
        ],
    }
