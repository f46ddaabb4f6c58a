"""Implementation over the API (mounted at /api/implementation/), under the pages' rules:
programme members read deliveries, items, milestones and statuses; the community's workers
post progress updates and milestones (with the item's revision: a stale one answers 409)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from qiangji.accounts.permissions import access_for
from qiangji.implementation import actions
from qiangji.implementation.models import Delivery, Item, Milestone, Status
from qiangji.lib.apitypes import ErrorOut, Id
from qiangji.programmes.models import Programme

router = Router(tags=["implementation"])

_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
Short = Annotated[str, StringConstraints(max_length=80, pattern=_TEXT)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200, pattern=_TEXT)]
Note = Annotated[str, StringConstraints(max_length=4000, pattern=_TEXT)]
Reason = Annotated[str, StringConstraints(max_length=300, pattern=_TEXT)]
Progress = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class StatusOut(Schema):
    id: int
    key: str
    name: str
    default_progress: int | None
    meaning: str


class DeliveryOut(Schema):
    id: int
    programme_id: int
    community_id: int
    community: str
    brand_name: str
    version_number: int
    progress: Decimal | None
    approved_at: dt.datetime
    last_update_at: dt.datetime | None


class ItemOut(Schema):
    id: int
    reference: str
    kind: str
    parent_id: int | None
    node_key: str
    label: str
    title: str
    owner: str
    deadline: dt.date | None
    budget: Decimal | None
    spent: Decimal
    indicator: str
    target: str
    actual: str
    status: str
    status_meaning: str
    progress: Decimal
    weight: Decimal
    overdue: bool
    last_update_at: dt.datetime
    revision: int


class MilestoneOut(Schema):
    id: int
    source: str
    happened_on: dt.date
    title: str
    text: str
    photos: int
    documents: int


class ProgressIn(Schema):
    revision: Annotated[int, Field(ge=1, le=2_147_483_647)]
    progress: Progress | None = None
    status: Annotated[str, StringConstraints(max_length=30)] | None = None
    actual: Short | None = None
    note: Note = ""
    reason: Reason = ""


class MilestoneIn(Schema):
    title: Title
    text: Note = ""
    happened_on: dt.date


class ConflictOut(Schema):
    detail: str
    theirs: dict


def _delivery_out(d: Delivery) -> dict:
    return {
        "id": d.pk,
        "programme_id": d.programme_id,
        "community_id": d.community_id,
        "community": d.community.name,
        "brand_name": d.brand_name,
        "version_number": d.version.number,
        "progress": d.progress,
        "approved_at": d.approved_at,
        "last_update_at": d.last_update_at,
    }


def _item_out(i: Item) -> dict:
    return {
        "id": i.pk,
        "reference": i.reference,
        "kind": i.kind,
        "parent_id": i.parent_id,
        "node_key": str(i.node_key),
        "label": i.label,
        "title": i.title,
        "owner": i.owner,
        "deadline": i.deadline,
        "budget": i.budget,
        "spent": i.spent,
        "indicator": i.indicator,
        "target": i.target,
        "actual": i.actual,
        "status": i.status.name,
        "status_meaning": i.status.meaning,
        "progress": i.progress,
        "weight": i.weight,
        "overdue": i.is_overdue(),
        "last_update_at": i.last_update_at,
        "revision": i.revision,
    }


def _item(request, pk: int) -> tuple[Item, bool]:
    item = get_object_or_404(
        Item.objects.select_related("status", "programme", "community", "delivery"), pk=pk
    )
    access = access_for(request.user)
    if not access.can_view_programme(item.programme):
        raise Http404
    return item, access.can_work_in_community(item.community)


@router.get("/deliveries", response=list[DeliveryOut])
def list_deliveries(request, programme: Id | None = None):
    """Approved plans being delivered, in the programmes this person may read."""
    access = access_for(request.user)
    rows = Delivery.objects.filter(programme_id__in=access.programme_ids).select_related(
        "community", "version"
    )
    if programme is not None:
        rows = rows.filter(programme_id=programme)
    return [_delivery_out(d) for d in rows]


@router.get("/deliveries/{pk}/items", response=list[ItemOut])
def list_items(request, pk: Id):
    delivery = get_object_or_404(Delivery.objects.select_related("programme"), pk=pk)
    if not access_for(request.user).can_view_programme(delivery.programme):
        raise Http404
    return [_item_out(i) for i in delivery.items.select_related("status")]


@router.get("/items/{pk}", response=ItemOut)
def get_item(request, pk: Id):
    item, _can_update = _item(request, pk)
    return _item_out(item)


@router.get("/items/{pk}/milestones", response=list[MilestoneOut])
def list_milestones(request, pk: Id):
    item, _can_update = _item(request, pk)
    rows = item.milestones.prefetch_related("evidence")[:500]
    return [
        {
            "id": m.pk,
            "source": m.source,
            "happened_on": m.happened_on,
            "title": m.title,
            "text": m.text,
            "photos": sum(1 for e in m.evidence.all() if e.kind == "photo"),
            "documents": sum(1 for e in m.evidence.all() if e.kind == "document"),
        }
        for m in rows
    ]


@router.post(
    "/items/{pk}/progress",
    response={200: ItemOut, 403: ErrorOut, 409: ConflictOut, 422: ErrorOut},
)
def post_progress(request, pk: Id, payload: ProgressIn):
    """Record a progress update; a stale revision answers 409 with the saved values."""
    item, can_update = _item(request, pk)
    if not can_update:
        raise HttpError(403, "You may not update this item.")
    status = None
    if payload.status:
        status = Status.objects.filter(programme_id=item.programme_id, key=payload.status).first()
        if status is None:
            raise HttpError(422, "Unknown status key.")
    try:
        result = actions.do_update_item(
            item=item,
            by=request.user,
            progress=payload.progress,
            status=status,
            actual=payload.actual,
            note=payload.note,
            expected_revision=payload.revision,
            reason=payload.reason,
        )
    except actions.DeliveryError as error:
        raise HttpError(422, str(error)) from None
    if result.conflict:
        theirs = {k: str(v) for k, v in result.theirs.items()}
        return 409, {"detail": "The item was updated by someone else.", "theirs": theirs}
    fresh = Item.objects.select_related("status").get(pk=item.pk)
    return 200, _item_out(fresh)


@router.post("/items/{pk}/milestones", response={201: MilestoneOut, 403: ErrorOut, 422: ErrorOut})
def post_milestone(request, pk: Id, payload: MilestoneIn):
    item, can_update = _item(request, pk)
    if not can_update:
        raise HttpError(403, "You may not add milestones to this item.")
    try:
        milestone: Milestone = actions.do_add_milestone(
            item=item,
            by=request.user,
            title=payload.title,
            text=payload.text,
            happened_on=payload.happened_on,
        )
    except actions.DeliveryError as error:
        raise HttpError(422, str(error)) from None
    return 201, {
        "id": milestone.pk,
        "source": milestone.source,
        "happened_on": milestone.happened_on,
        "title": milestone.title,
        "text": milestone.text,
        "photos": 0,
        "documents": 0,
    }


@router.get("/programmes/{pk}/statuses", response=list[StatusOut])
def list_statuses(request, pk: Id):
    programme = get_object_or_404(Programme, pk=pk)
    if not access_for(request.user).can_view_programme(programme):
        raise Http404
    return list(
        Status.objects.filter(programme=programme).values(
            "id", "key", "name", "default_progress", "meaning"
        )
    )
