"""Territories over the API, under the same rules as the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from qiangji.accounts.permissions import access_for
from qiangji.lib.apitypes import Code, Count, ErrorOut, Id, Name, Order, save_or_http_error
from qiangji.territories.models import Kind, Territory

router = Router(tags=["territories"])


class TerritoryOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None
    code: str
    population: int | None
    households: int | None
    order: int
    depth: int


class TerritoryIn(Schema):
    kind: Kind
    name: Name
    parent_id: Id | None = None
    code: Code = ""
    population: Count | None = None
    households: Count | None = None
    order: Order = 0


class TerritoryPatch(Schema):
    name: Name | None = None
    code: Code | None = None
    population: Count | None = None
    households: Count | None = None
    order: Order | None = None
    parent_id: Id | None = None


def _save(territory):
    return save_or_http_error(
        territory,
        conflict=_(
            "A territory with this name already exists under that parent, or the division code is taken."
        ),
    )


@router.get("/", response=list[TerritoryOut])
def list_territories(request, parent_id: Id | None = None, kind: Kind | None = None):
    """Territories the caller may read, optionally one level under a parent or of one kind."""
    qs = access_for(request.auth).visible_territories()
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.order_by("path")[:5000]


@router.get("/{territory_id}", response={200: TerritoryOut, 404: ErrorOut})
def get_territory(request, territory_id: Id):
    territory = get_object_or_404(Territory, pk=territory_id)
    if not access_for(request.auth).can_view_territory(territory):
        raise HttpError(404, _("Not found."))
    return territory


@router.post("/", response={201: TerritoryOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def create_territory(request, payload: TerritoryIn):
    access = access_for(request.auth)
    parent = None
    if payload.parent_id is not None:
        parent = Territory.objects.filter(pk=payload.parent_id).first()
        if parent is None:
            raise HttpError(422, _("The parent territory does not exist."))
    if not (access.can_edit_territory(parent) if parent else access.is_superuser):
        raise HttpError(403, _("You may not add territories here."))
    territory = Territory(
        kind=payload.kind,
        name=payload.name.strip(),
        parent=parent,
        code=payload.code.strip(),
        population=payload.population,
        households=payload.households,
        order=payload.order,
    )
    return Status(201, _save(territory))


@router.patch(
    "/{territory_id}",
    response={200: TerritoryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def update_territory(request, territory_id: Id, payload: TerritoryPatch):
    access = access_for(request.auth)
    territory = get_object_or_404(Territory, pk=territory_id)
    if not access.can_view_territory(territory):
        raise HttpError(404, _("Not found."))
    if not access.can_edit_territory(territory):
        raise HttpError(403, _("You may not change this territory."))
    data = payload.dict(exclude_unset=True)
    if "parent_id" in data:
        parent = (
            Territory.objects.filter(pk=data["parent_id"]).first() if data["parent_id"] else None
        )
        if data["parent_id"] and parent is None:
            raise HttpError(422, _("The parent territory does not exist."))
        if parent != territory.parent:
            if not access.can_move_territory(territory, parent):
                raise HttpError(403, _("You may not move the territory there."))
            territory.parent = parent
    for field in ("name", "code", "population", "households", "order"):
        if field in data and data[field] is not None:
            setattr(
                territory,
                field,
                data[field].strip() if isinstance(data[field], str) else data[field],
            )
    return _save(territory)
