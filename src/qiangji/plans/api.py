"""Plans over the API, under the same rules as the pages: read plans and frozen versions, edit
draft nodes with their version column; frozen versions refuse every change (405)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import StringConstraints

from qiangji.accounts.permissions import access_for
from qiangji.lib import limits
from qiangji.lib.apitypes import ErrorOut, Id
from qiangji.plans import actions
from qiangji.plans.forms import NodeForm
from qiangji.plans.models import Plan, PlanNode, PlanVersion

router = Router(tags=["plans"])


class NodeOut(Schema):
    key: uuid.UUID
    kind: str
    title: str
    description: str
    actors: str
    resources: str
    venues: str
    concerns: str
    owner: str
    deadline: dt.date | None
    budget: Decimal | None
    indicator: str
    target: str
    milestone: str


class DraftNodeOut(NodeOut):
    id: int
    parent_id: int | None
    position: int
    revision: int


class VersionNodeOut(NodeOut):
    parent_key: uuid.UUID | None
    label: str
    depth: int


class PlanOut(Schema):
    id: int
    programme_id: int
    community_id: int
    brand_name: str
    slogan: str
    concept: str
    round_number: int
    round_name: str
    revision: int


class PlanDetailOut(PlanOut):
    fields: dict[str, str]
    nodes: list[DraftNodeOut]


class VersionOut(Schema):
    number: int
    round_name: str
    frozen_at: dt.datetime
    note: str
    node_count: int


class VersionDetailOut(VersionOut):
    fields: dict[str, str]
    nodes: list[VersionNodeOut]


def _node_text(name: str):
    """Return the API type of a node field: a string as long as the model allows."""
    return Annotated[str, StringConstraints(max_length=PlanNode._meta.get_field(name).max_length)]


class NodeIn(Schema):
    revision: int
    round: int | None = None
    title: _node_text("title") | None = None
    description: _node_text("description") | None = None
    actors: _node_text("actors") | None = None
    resources: _node_text("resources") | None = None
    venues: _node_text("venues") | None = None
    concerns: _node_text("concerns") | None = None
    owner: _node_text("owner") | None = None
    deadline: Annotated[str, StringConstraints(max_length=limits.NAME)] | None = None
    budget: Annotated[str, StringConstraints(max_length=limits.NAME)] | None = None
    indicator: _node_text("indicator") | None = None
    target: _node_text("target") | None = None
    milestone: _node_text("milestone") | None = None


class ConflictOut(Schema):
    detail: str
    conflict_id: int
    mine: dict
    theirs: dict


def _plan(request, pk: int) -> tuple[Plan, bool]:
    plan = get_object_or_404(Plan.objects.select_related("programme", "community"), pk=pk)
    access = access_for(request.user)
    if not access.can_view_programme(plan.programme):
        raise Http404
    return plan, access.can_work_in_community(plan.community)


def _plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "programme_id": plan.programme_id,
        "community_id": plan.community_id,
        "brand_name": plan.brand_name,
        "slogan": plan.slogan,
        "concept": plan.concept,
        "round_number": plan.round_number,
        "round_name": plan.round_name,
        "revision": plan.revision,
    }


@router.get("/", response=list[PlanOut])
def list_plans(request):
    """Return the plans of every programme the caller may read."""
    plans = Plan.objects.visible_to(access_for(request.user)).select_related("programme")
    return [_plan_out(p) for p in plans]


@router.get("/{pk}", response=PlanDetailOut)
def get_plan(request, pk: Id):
    """Return a plan's draft: its text fields and its nodes."""
    plan, _can_edit = _plan(request, pk)
    return {**_plan_out(plan), "fields": plan.text_fields(), "nodes": list(plan.nodes.all())}


@router.get("/{pk}/versions", response=list[VersionOut])
def list_versions(request, pk: Id):
    plan, _can_edit = _plan(request, pk)
    return list(plan.versions.all())


@router.get("/{pk}/versions/{number}", response=VersionDetailOut)
def get_version(request, pk: Id, number: Id):
    """Return a frozen version with its nodes in reading order."""
    plan, _can_edit = _plan(request, pk)
    version = get_object_or_404(PlanVersion, plan=plan, number=number)
    return {
        "number": version.number,
        "round_name": version.round_name,
        "frozen_at": version.frozen_at,
        "note": version.note,
        "node_count": version.node_count,
        "fields": version.fields,
        "nodes": list(version.nodes.all()),
    }


@router.api_operation(
    ["PUT", "PATCH", "DELETE", "POST"], "/{pk}/versions/{number}", response={405: ErrorOut}
)
def change_version(request, pk: Id, number: Id):
    """Frozen versions are immutable: every change is refused with 405."""
    plan, _can_edit = _plan(request, pk)
    get_object_or_404(PlanVersion, plan=plan, number=number)
    return 405, {
        "detail": _("A frozen version cannot be changed; edit the draft of the current round.")
    }


@router.patch(
    "/{pk}/nodes/{node_id}", response={200: DraftNodeOut, 409: ConflictOut, 422: ErrorOut}
)
def patch_node(request, pk: Id, node_id: Id, payload: NodeIn):
    """Change a draft node; a stale revision (or round) gives 409 with both texts, kept."""
    plan, can_edit = _plan(request, pk)
    if not can_edit:
        raise HttpError(403, _("Only the community's secretary and staff edit its plan."))
    node = get_object_or_404(PlanNode, plan=plan, pk=node_id)
    sent = payload.dict(exclude_unset=True)
    data = {
        **{k: v for k, v in node.content().items()},
        **{k: v for k, v in sent.items() if v is not None},
    }
    form = NodeForm(data, instance=PlanNode.objects.get(pk=node.pk), programme=plan.programme)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in form.errors.items())
        return 422, {"detail": errors}
    values = {k: v for k, v in form.node_values().items() if k in sent}
    result = actions.do_save_node(
        node=node,
        values=values,
        base_revision=payload.revision,
        round_number=payload.round,
        by=request.user,
    )
    if not result.saved:
        conflict = result.conflict
        return 409, {
            "detail": _("Someone else saved this node first; your text is kept as a conflict."),
            "conflict_id": conflict.pk,
            "mine": conflict.mine,
            "theirs": conflict.theirs,
        }
    node.refresh_from_db()
    return 200, node
