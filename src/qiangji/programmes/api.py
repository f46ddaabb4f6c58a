"""Programmes over the API, under the same rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StringConstraints

from qiangji.accounts.permissions import access_for
from qiangji.lib.apitypes import ErrorOut, Id, Text, save_or_http_error
from qiangji.programmes.models import Programme
from qiangji.territories.models import Kind, Territory

router = Router(tags=["programmes"])


class PhaseOut(Schema):
    id: int
    name: str
    order: int
    starts_on: dt.date | None
    ends_on: dt.date | None


class ProgrammeOut(Schema):
    id: int
    name: str
    subdistrict_id: int
    description: str
    starts_on: dt.date
    ends_on: dt.date
    phases: list[PhaseOut]
    community_ids: list[int]
    current_phase: str | None

    @staticmethod
    def resolve_phases(obj):
        return list(obj.phases.all())

    @staticmethod
    def resolve_community_ids(obj):
        return [e.community_id for e in obj.enrolments.all()]

    @staticmethod
    def resolve_current_phase(obj):
        phase = obj.current_phase()
        return phase.name if phase else None


class ProgrammeIn(Schema):
    subdistrict_id: Id
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    description: Text = ""
    starts_on: dt.date
    ends_on: dt.date
    community_ids: list[Id] = []
    default_phases: bool = True


class ProgrammePatch(Schema):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
        | None
    ) = None
    description: Text | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


def _qs():
    return Programme.objects.prefetch_related("phases", "enrolments")


def _save(programme):
    return save_or_http_error(
        programme, conflict=_("This subdistrict already has a programme with that name.")
    )


@router.get("/", response=list[ProgrammeOut])
def list_programmes(request):
    return _qs().filter(pk__in=access_for(request.auth).programme_ids)


@router.get("/{programme_id}", response={200: ProgrammeOut, 404: ErrorOut})
def get_programme(request, programme_id: Id):
    programme = get_object_or_404(_qs(), pk=programme_id)
    if not access_for(request.auth).can_view_programme(programme):
        raise HttpError(404, _("Not found."))
    return programme


@router.post("/", response={201: ProgrammeOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def create_programme(request, payload: ProgrammeIn):
    access = access_for(request.auth)
    subdistrict = Territory.objects.filter(pk=payload.subdistrict_id, kind=Kind.SUBDISTRICT).first()
    if subdistrict is None:
        raise HttpError(422, _("The subdistrict does not exist."))
    if not access.can_create_programme_in(subdistrict):
        raise HttpError(403, _("You may not create programmes in this subdistrict."))
    communities = list(
        Territory.objects.filter(
            pk__in=payload.community_ids, kind=Kind.COMMUNITY, parent=subdistrict
        )
    )
    if len(communities) != len(set(payload.community_ids)):
        raise HttpError(422, _("Enrolled communities must belong to the subdistrict."))
    programme = Programme(
        subdistrict=subdistrict,
        name=payload.name.strip(),
        description=payload.description,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    with transaction.atomic():
        _save(programme)
        for community in communities:
            programme.enrolments.create(community=community)
        if payload.default_phases:
            programme.add_default_phases()
    return Status(201, get_object_or_404(_qs(), pk=programme.pk))


@router.patch(
    "/{programme_id}",
    response={200: ProgrammeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def update_programme(request, programme_id: Id, payload: ProgrammePatch):
    access = access_for(request.auth)
    programme = get_object_or_404(Programme, pk=programme_id)
    if not access.can_view_programme(programme):
        raise HttpError(404, _("Not found."))
    if not access.can_edit_programme(programme):
        raise HttpError(403, _("You may not change this programme."))
    for field, value in payload.dict(exclude_unset=True).items():
        if value is not None:
            setattr(programme, field, value.strip() if isinstance(value, str) else value)
    _save(programme)
    return get_object_or_404(_qs(), pk=programme.pk)
