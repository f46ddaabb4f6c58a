"""The timeline of a plan: versions, who changed what (from the audit log), comments, conflicts.

Other apps add their own events without the plans app importing them: append a callable
``source(plan, viewer=None) -> list[TimelineEvent]`` to ``TIMELINE_SOURCES`` in their ``AppConfig.ready()``
(e.g. the reviews app: "suggestion answered in v3").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _

from qiangji.plans.models import Comment, Plan, PlanNode


@dataclass
class TimelineEvent:
    at: dt.datetime
    kind: str  # version, change, comment, conflict, or another app's kind
    title: str
    actor: str = ""
    detail: str = ""
    url: str = ""


TIMELINE_SOURCES: list[Callable[[Plan], list[TimelineEvent]]] = []

MAX_CHANGES = 300


def _verbose(model, name: str) -> str:
    try:
        return model._meta.get_field(name).verbose_name
    except Exception:  # noqa: BLE001 - a field renamed since the entry was written
        return name


def _change_events(plan: Plan) -> list[TimelineEvent]:
    from qiangji.audit.models import AuditEntry

    types = ContentType.objects.get_for_models(Plan, PlanNode, Comment)
    plan_type, node_type = types[Plan], types[PlanNode]
    entries = (
        AuditEntry.objects.filter(
            Q(content_type=plan_type, object_id=str(plan.pk))
            | Q(content_type=node_type, territory_id=plan.community_id, at__gte=plan.created_at)
        )
        .select_related("actor")
        .order_by("-at")[:MAX_CHANGES]
    )
    verbs = {"create": _("added"), "update": _("changed"), "delete": _("deleted"), "event": ""}
    events = []
    for entry in entries:
        if entry.action == "event" and entry.content_type_id == plan_type.id:
            continue  # closing a round: shown as its version below
        model = Plan if entry.content_type_id == plan_type.id else PlanNode
        fields = "、".join(
            str(_verbose(model, name)) for name in sorted(entry.changes or {}) if name != "revision"
        )
        title = entry.note or f"{verbs.get(entry.action, entry.action)} {entry.object_repr}"
        events.append(
            TimelineEvent(
                at=entry.at,
                kind="change",
                title=title,
                actor=str(entry.actor) if entry.actor else "",
                detail=fields if entry.action == "update" else "",
            )
        )
    return events


def plan_timeline(plan: Plan, viewer=None) -> list[TimelineEvent]:
    """Return the plan's events, newest first, as the viewer may see them."""
    events: list[TimelineEvent] = []
    for version in plan.versions.select_related("frozen_by"):
        events.append(
            TimelineEvent(
                at=version.frozen_at,
                kind="version",
                title=_("Version %(number)d frozen at the close of round %(round)s")
                % {"number": version.number, "round": version.round_name},
                actor=str(version.frozen_by) if version.frozen_by else "",
                detail=version.note,
            )
        )
    events.extend(_change_events(plan))
    for comment in plan.comments.select_related("author"):
        events.append(
            TimelineEvent(
                at=comment.created_at,
                kind="comment",
                title=_("Comment"),
                actor=str(comment.author) if comment.author else "",
                detail=comment.body[:120],
            )
        )
    for conflict in plan.conflicts.select_related("author"):
        events.append(
            TimelineEvent(
                at=conflict.created_at,
                kind="conflict",
                title=_("Edit conflict kept both texts")
                + (f" ({conflict.resolution})" if conflict.resolution else ""),
                actor=str(conflict.author) if conflict.author else "",
            )
        )
    for source in TIMELINE_SOURCES:
        events.extend(source(plan, viewer=viewer))
    events.sort(key=lambda e: e.at, reverse=True)
    return events
