"""Residents' concerns over the API, under the same rules and masking as the pages.

* `GET /concerns/` — concerns of the communities the caller may read (a territory, state,
  category, full-text query, order; 20 a page by default). Texts have phone numbers masked,
  as in the list page; no personal data.
* `GET /concerns/{id}` — one concern: the community's secretary, staff and the subdistrict
  admin see the text and the reporter's name and phone; other readers get them masked.
* `POST /concerns/` — staff entry (walk-in, phone call, grid patrol, home visit).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from qiangji.accounts.permissions import Access, access_for
from qiangji.concerns import actions
from qiangji.concerns.models import MAX_TEXT_LENGTH, Category, Channel, Concern, TicketState
from qiangji.lib.apitypes import ErrorOut, Id, Name
from qiangji.territories.models import Kind, Territory

router = Router(tags=["concerns"])

_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
ConcernText = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_TEXT_LENGTH, pattern=_TEXT)
]
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200, pattern=_TEXT)]
SearchQuery = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100, pattern=_TEXT)
]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=30, pattern=_TEXT)]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50, pattern=_TEXT)]
StaffChannel = Literal["walk_in", "phone", "patrol", "visit"]
MAX_PAGE = 100


class ReporterOut(Schema):
    name: str
    phone: str
    erased: bool


class ConcernOut(Schema):
    id: int
    community_id: int
    community: str
    compound: str
    channel: str
    title: str
    text: str
    category: str
    category_confidence: float
    state: str
    priority: float
    care: float
    urgency: float
    residents: int
    me_too: int
    likes: int
    duplicate_of_id: int | None
    reported_at: dt.datetime
    closed_at: dt.datetime | None
    deadline_at: dt.datetime | None
    overdue: bool


class ConcernDetailOut(ConcernOut):
    reporter: ReporterOut | None
    urgency_factors: list[str]
    may_work: bool


class ConcernIn(Schema):
    community_id: Id
    text: ConcernText
    title: Title = ""
    channel: StaffChannel = "walk_in"
    compound_id: Id | None = None
    grid_id: Id | None = None
    category: Name | None = None
    reporter_name: PersonName = ""
    reporter_phone: Phone = ""
    consent: bool = False


class ListFilters(Schema):
    territory: Id | None = None
    state: Literal["open", "closed", "overdue", "all"] = "open"
    category: Id | None = None
    q: SearchQuery = ""
    order: Literal["priority", "recent"] = "priority"
    limit: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 20
    offset: Annotated[int, Field(ge=0, le=100_000)] = 0


def _out(concern: Concern, *, full_text: bool) -> dict:
    ticket = getattr(concern, "ticket", None)
    now = timezone.now()
    overdue = bool(
        ticket
        and ticket.deadline_at
        and ticket.deadline_at < now
        and ticket.state not in (TicketState.ANSWERED, TicketState.CLOSED)
    )
    return {
        "id": concern.pk,
        "community_id": concern.community_id,
        "community": concern.community.name,
        "compound": concern.compound.name if concern.compound else "",
        "channel": concern.channel,
        "title": concern.title if full_text else concern.public_title,
        "text": concern.text if full_text else concern.public_text,
        "category": concern.category.name if concern.category else "",
        "category_confidence": concern.category_confidence,
        "state": ticket.state if ticket else "",
        "priority": concern.priority_score,
        "care": concern.care_score,
        "urgency": concern.urgency_score,
        "residents": concern.residents,
        "me_too": concern.me_too_count,
        "likes": concern.likes,
        "duplicate_of_id": concern.duplicate_of_id,
        "reported_at": concern.reported_at,
        "closed_at": concern.closed_at,
        "deadline_at": ticket.deadline_at if ticket else None,
        "overdue": overdue,
    }


def _scoped(access: Access, territory_id: int | None):
    if territory_id is not None:
        territory = Territory.objects.filter(pk=territory_id).first()
        if territory is None or not access.can_view_territory(territory):
            raise Http404
        return Concern.objects.in_territory(territory)
    if access.is_superuser:
        return Concern.objects.all()
    communities = access.visible_territories().filter(kind=Kind.COMMUNITY)
    return Concern.objects.filter(community_id__in=communities.values("pk"))


@router.get("/", response={200: list[ConcernOut], 404: ErrorOut})
def list_concerns(request, filters: Query[ListFilters]):
    """Concerns of the communities the caller may read; phone numbers in texts masked."""
    access = access_for(request.user)
    concerns = _scoped(access, filters.territory).select_related(
        "community", "compound", "category", "ticket"
    )
    if not filters.q:
        concerns = concerns.roots()  # as on the page: a matter once, a search finds them all
    if filters.state == "open":
        concerns = concerns.open()
    elif filters.state == "closed":
        concerns = concerns.filter(closed_at__isnull=False)
    elif filters.state == "overdue":
        concerns = concerns.filter(ticket__deadline_at__lt=timezone.now()).exclude(
            ticket__state__in=[TicketState.ANSWERED, TicketState.CLOSED]
        )
    if filters.category is not None:
        concerns = concerns.filter(category_id=filters.category)
    if filters.q:
        concerns = concerns.search(filters.q)
    concerns = concerns.order_by(
        "-priority_score" if filters.order == "priority" else "-reported_at", "-pk"
    )
    page = concerns[filters.offset : filters.offset + filters.limit]
    return [_out(c, full_text=False) for c in page]


@router.get("/{concern_id}", response={200: ConcernDetailOut, 404: ErrorOut})
def get_concern(request, concern_id: Id):
    """One concern; text and reporter in full only for those who work on its community."""
    concern = get_object_or_404(
        Concern.objects.select_related("community", "compound", "category", "reporter", "ticket"),
        pk=concern_id,
    )
    access = access_for(request.user)
    if not access.can_view_territory(concern.community):
        raise Http404
    may_work = access.can_work_in_community(concern.community)
    out = _out(concern, full_text=may_work)
    reporter = concern.reporter
    out["reporter"] = (
        {
            "name": reporter.name if may_work else reporter.masked_name,
            "phone": reporter.phone if may_work else reporter.masked_phone,
            "erased": reporter.erased_at is not None,
        }
        if reporter
        else None
    )
    out["urgency_factors"] = [str(f) for f in concern.urgency_factors or []]
    out["may_work"] = may_work
    return out


@router.post("/", response={201: ConcernDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def create_concern(request, payload: ConcernIn):
    """Record a concern met at the desk, on the phone, on patrol or on a visit (staff)."""
    access = access_for(request.user)
    community = Territory.objects.filter(pk=payload.community_id, kind=Kind.COMMUNITY).first()
    if community is None or not access.can_view_territory(community):
        raise Http404
    grid_worker_here = community.pk in access.grid_community_ids
    if not (access.can_work_in_community(community) or grid_worker_here):
        raise HttpError(403, _("Only the community's staff and its grid workers record concerns."))

    def child(pk: int | None, kind: str):
        if pk is None:
            return None
        found = Territory.objects.filter(pk=pk, kind=kind, parent=community).first()
        if found is None:
            raise HttpError(422, _("The compound or grid is not in this community."))
        return found

    category = None
    if payload.category:
        category = Category.objects.filter(name=payload.category, active=True).first()
        if category is None:
            raise HttpError(422, _("Unknown category."))
    try:
        concern = actions.do_file_concern(
            community=community,
            text=payload.text,
            title=payload.title,
            channel=Channel(payload.channel),
            compound=child(payload.compound_id, Kind.COMPOUND),
            grid=child(payload.grid_id, Kind.GRID),
            category=category,
            reporter_name=payload.reporter_name,
            reporter_phone=payload.reporter_phone,
            consent=payload.consent,
            person=payload.reporter_phone,
            by=request.user,
        )
    except actions.ConcernError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, get_concern(request, concern.pk))
