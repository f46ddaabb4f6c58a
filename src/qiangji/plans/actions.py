"""Writes that span plan rows: starting a plan, editing the tree, closing rounds, comments.

Every function is keyword-only and runs in a transaction. Editing functions take the
``base_revision`` the editor loaded and the ``round_number`` the form was rendered in: a
save against a newer revision, or after the round closed, is not applied but kept as an
``EditConflict`` with both texts (no edit is ever lost silently).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiangji.audit.registry import acting_as, record_event
from qiangji.plans.citations import citation_rows
from qiangji.plans.models import (
    NODE_FIELDS,
    PARENT_KIND,
    PLAN_TEXT_FIELDS,
    Comment,
    EditConflict,
    NodeKind,
    Plan,
    PlanCitation,
    PlanNode,
    PlanVersion,
    PlanVersionNode,
    build_tree,
    flatten,
)

#: Where promoted brainstorm ideas land until the secretary moves them.
IDEA_LINE_TITLE = "头脑风暴点子（待归类）"
IDEA_PROJECT_TITLE = "待归类的任务"


class PlanError(ValueError):
    """A plan edit that cannot be made; the message says why, in the user's language."""


@dataclass
class SaveResult:
    """The outcome of a save: applied, or kept aside as a conflict."""

    saved: bool
    conflict: EditConflict | None = None
    changed: list[str] = field(default_factory=list)


def live_tree(plan: Plan, nodes: Iterable[PlanNode] | None = None):
    """Return the plan's draft tree (one query unless nodes are given)."""
    if nodes is None:
        nodes = plan.nodes.all()
    return build_tree(nodes, key=lambda n: n.pk, parent=lambda n: n.parent_id)


@transaction.atomic
def do_start_plan(*, programme, community, by) -> Plan:
    """Return the community's plan in the programme, creating an empty one if needed."""
    with acting_as(by):
        plan, created = Plan.objects.get_or_create(
            programme=programme, community=community, defaults={"updated_by": by}
        )
    return plan


def _check_round(plan: Plan, round_number: int | None) -> bool:
    return round_number is None or int(round_number) == plan.round_number


@transaction.atomic
def do_save_plan_fields(
    *, plan: Plan, values: dict, base_revision: int, round_number: int | None, by
) -> SaveResult:
    """Save the plan's text fields unless someone saved since base_revision."""
    values = {k: v for k, v in values.items() if k in PLAN_TEXT_FIELDS}
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    changed = [k for k, v in values.items() if getattr(current, k) != v]
    if not changed:
        return SaveResult(saved=True)
    stale = current.revision != base_revision
    if stale or not _check_round(current, round_number):
        conflict = EditConflict.objects.create(
            plan=current,
            reason=EditConflict.Reason.STALE if stale else EditConflict.Reason.ROUND_CLOSED,
            base_revision=base_revision,
            mine={k: values[k] for k in changed},
            theirs={k: getattr(current, k) for k in changed},
            author=by,
        )
        return SaveResult(saved=False, conflict=conflict)
    with acting_as(by):
        for name in changed:
            setattr(current, name, values[name])
        current.revision = F("revision") + 1
        current.updated_by = by
        current.save()
    current.refresh_from_db()
    plan.__dict__.update({k: getattr(current, k) for k in [*PLAN_TEXT_FIELDS, "revision"]})
    return SaveResult(saved=True, changed=changed)


def _next_position(plan: Plan, parent: PlanNode | None) -> int:
    top = PlanNode.objects.filter(plan=plan, parent=parent).aggregate(m=Max("position"))["m"]
    return 0 if top is None else top + 1


@transaction.atomic
def do_add_node(
    *, plan: Plan, kind: str, parent: PlanNode | None, title: str, by, **content
) -> PlanNode:
    """Add a node at the end of its parent's children and return it."""
    kind = NodeKind(kind)
    _check_parent(kind, parent, plan)
    title = (title or "").strip()[:200]
    if not title:
        raise PlanError(_("A title is required."))
    content = {k: v for k, v in content.items() if k in NODE_FIELDS or k == "source"}
    with acting_as(by):
        node = PlanNode.objects.create(
            plan=plan,
            kind=kind,
            parent=parent,
            title=title,
            position=_next_position(plan, parent),
            updated_by=by,
            **content,
        )
    return node


def _check_parent(kind: str, parent: PlanNode | None, plan: Plan) -> None:
    wanted = PARENT_KIND[NodeKind(kind)]
    if wanted is None and parent is not None:
        raise PlanError(_("A main line cannot be placed under another node."))
    if wanted is not None:
        if parent is None or parent.plan_id != plan.pk:
            raise PlanError(_("This node needs a parent in the same plan."))
        if parent.kind != wanted:
            raise PlanError(
                _("A %(kind)s belongs under a %(parent)s.")
                % {"kind": NodeKind(kind).label, "parent": NodeKind(wanted).label}
            )


@transaction.atomic
def do_save_node(
    *, node: PlanNode, values: dict, base_revision: int, round_number: int | None, by
) -> SaveResult:
    """Save a node's content unless someone saved it since base_revision (else a conflict)."""
    values = coerce_node_values(values)
    current = PlanNode.objects.select_for_update().select_related("plan").get(pk=node.pk)
    before = current.content()
    probe = PlanNode(**values)
    after = {k: v for k, v in probe.content().items() if k in values}
    changed = [k for k, v in after.items() if before.get(k) != v]
    if not changed:
        return SaveResult(saved=True)
    stale = current.revision != base_revision
    if stale or not _check_round(current.plan, round_number):
        conflict = EditConflict.objects.create(
            plan=current.plan,
            node=current,
            node_key=current.key,
            reason=EditConflict.Reason.STALE if stale else EditConflict.Reason.ROUND_CLOSED,
            base_revision=base_revision,
            mine={k: after[k] for k in changed},
            theirs={k: before[k] for k in changed},
            author=by,
        )
        return SaveResult(saved=False, conflict=conflict)
    with acting_as(by):
        for name in changed:
            setattr(current, name, values[name])
        current.revision = F("revision") + 1
        current.updated_by = by
        current.save()
    current.refresh_from_db()
    for name in [*NODE_FIELDS, "revision", "updated_at"]:
        setattr(node, name, getattr(current, name))
    return SaveResult(saved=True, changed=changed)


def coerce_node_values(values: dict) -> dict:
    """Return the node fields of values as model values ("" dates and budgets become None)."""
    out = {}
    for name, value in values.items():
        if name not in NODE_FIELDS:
            continue
        model_field = PlanNode._meta.get_field(name)
        if name in ("deadline", "budget") and value in ("", None):
            out[name] = None
        else:
            out[name] = model_field.to_python(value)
    return out


def _descendant_ids(node: PlanNode) -> set[int]:
    ids: set[int] = set()
    frontier = [node.pk]
    while frontier:
        children = list(
            PlanNode.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.update(children)
        frontier = children
    return ids


@transaction.atomic
def do_move_node(*, node: PlanNode, parent: PlanNode | None, position: int | None, by) -> PlanNode:
    """Move a node under parent (same plan) at position among its siblings; return it."""
    node = PlanNode.objects.select_for_update().get(pk=node.pk)
    if parent is not None:
        if parent.pk == node.pk or parent.pk in _descendant_ids(node):
            raise PlanError(_("A node cannot be moved under itself or one of its own descendants."))
    _check_parent(node.kind, parent, node.plan)
    siblings = list(
        PlanNode.objects.filter(plan_id=node.plan_id, parent=parent)
        .exclude(pk=node.pk)
        .order_by("position", "pk")
    )
    if position is None or position > len(siblings):
        position = len(siblings)
    position = max(position, 0)
    siblings.insert(position, node)
    with acting_as(by):
        for index, sibling in enumerate(siblings):
            if sibling.pk == node.pk:
                continue
            if sibling.position != index:
                PlanNode.objects.filter(pk=sibling.pk).update(position=index)
        node.parent = parent
        node.position = position
        node.revision = F("revision") + 1
        node.updated_by = by
        node.save(update_fields=["parent", "position", "revision", "updated_by", "updated_at"])
    node.refresh_from_db()
    return node


def do_shift_node(*, node: PlanNode, offset: int, by) -> PlanNode:
    """Move a node up (offset -1) or down (+1) among its siblings; return it."""
    siblings = list(
        PlanNode.objects.filter(plan_id=node.plan_id, parent_id=node.parent_id)
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    index = siblings.index(node.pk)
    target = min(max(index + offset, 0), len(siblings) - 1)
    return do_move_node(node=node, parent=node.parent, position=target, by=by)


@transaction.atomic
def do_delete_node(*, node: PlanNode, by) -> None:
    """Delete a node with its descendants (its frozen copies in versions stay)."""
    with acting_as(by):
        for child_id in sorted(_descendant_ids(node), reverse=True):
            PlanNode.objects.filter(pk=child_id).first().delete()
        node.delete()


class RoundAlreadyClosed(PlanError):
    """The round was closed meanwhile (two people pressed the button)."""


@transaction.atomic
def do_close_round(
    *, plan: Plan, by, note: str = "", expected_round: int | None = None
) -> PlanVersion:
    """Freeze the draft as the version of the round under way, start the next; return it."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if expected_round is not None and current.round_number != int(expected_round):
        raise RoundAlreadyClosed(_("This round has already been closed."))
    number = (current.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    items = flatten(live_tree(current))
    version = PlanVersion.objects.create(
        plan=current,
        number=number,
        round_name=current.round_name,
        fields=current.text_fields(),
        note=(note or "").strip()[:2000],
        node_count=len(items),
        frozen_by=by,
    )
    parents = {n.node.pk: n.node.key for n in items}
    labels: dict[int, str] = {}
    rows = []
    for index, item in enumerate(items):
        node = item.node
        parent_label = labels.get(node.parent_id, "")
        labels[node.pk] = parent_label + item.label
        rows.append(
            PlanVersionNode(
                version=version,
                key=node.key,
                parent_key=parents.get(node.parent_id),
                kind=node.kind,
                position=node.position,
                depth=item.depth,
                sort_index=index,
                label=labels[node.pk],
                **{name: getattr(node, name) for name in NODE_FIELDS},
            )
        )
    PlanVersionNode.objects.bulk_create(rows, batch_size=500)
    # Citations become links kept with the version (plans.citations).
    PlanCitation.objects.bulk_create(citation_rows(version, version.fields, rows), batch_size=500)
    closed_round = current.round_name
    with acting_as(by):
        Plan.objects.filter(pk=current.pk).update(round_number=F("round_number") + 1)
        record_event(
            instance=current,
            note=gettext_lazy("Closed round %(round)s as v%(number)s"),
            note_args={"round": closed_round, "number": number},
            changes={"round": [closed_round, None], "version": [None, number]},
        )
    plan.refresh_from_db()
    return version


@transaction.atomic
def do_resolve_conflict(
    *, conflict: EditConflict, choice: str, values: dict | None, by
) -> SaveResult:
    """Resolve a conflict: keep theirs, or save mine/merged values over the newest revision."""
    if conflict.resolved_at is not None:
        return SaveResult(saved=False)
    result = SaveResult(saved=True)
    if choice in ("mine", "merged"):
        values = conflict.mine if values is None else values
        if conflict.node_id:
            node = PlanNode.objects.get(pk=conflict.node_id)
            result = do_save_node(
                node=node, values=values, base_revision=node.revision, round_number=None, by=by
            )
        elif conflict.node_key is None:
            plan = Plan.objects.get(pk=conflict.plan_id)
            result = do_save_plan_fields(
                plan=plan, values=values, base_revision=plan.revision, round_number=None, by=by
            )
        else:
            raise PlanError(_("The node was deleted; copy your text into another node."))
    elif choice != "theirs":
        raise PlanError(_("Choose which text to keep."))
    if result.saved:
        EditConflict.objects.filter(pk=conflict.pk).update(
            resolved_at=timezone.now(), resolution=choice
        )
    return result


MENTION_RE = re.compile(r"@([\w.\-·\u4e00-\u9fff]{1,40})")


def mentioned_users(plan: Plan, body: str) -> list:
    """Return the people an @-mention in body names (by username or full name) who may read the plan."""
    from qiangji.accounts.models import User
    from qiangji.accounts.permissions import access_for

    names = set(MENTION_RE.findall(body or ""))
    if not names:
        return []
    condition = Q(pk__in=[])
    for name in names:
        condition |= Q(username=name) | Q(display_name=name)
    candidates = User.objects.filter(is_active=True).filter(condition)
    return [u for u in candidates if access_for(u).can_view_programme(plan.programme)]


@transaction.atomic
def do_add_comment(
    *, plan: Plan, author, body: str, node_key=None, parent: Comment | None = None, url: str = ""
) -> Comment:
    """Post a comment (threaded under parent) and notify the people it @-mentions."""
    from qiangji.notifications.actions import do_notify

    body = (body or "").strip()
    if not body:
        raise PlanError(_("The comment is empty."))
    if parent is not None and parent.plan_id != plan.pk:
        raise PlanError(_("You can only reply to a comment on the same plan."))
    if parent is not None and parent.parent_id:
        parent = parent.parent  # threads are one level deep: replies go to the top comment
    comment = Comment.objects.create(
        plan=plan,
        author=author,
        body=body[:4000],
        node_key=node_key,
        parent=parent,
        round_number=plan.round_number,
    )
    people = [u for u in mentioned_users(plan, body) if u.pk != getattr(author, "pk", None)]
    if people:
        comment.mentioned.set(people)
        do_notify(
            recipients=people,
            kind="mention",
            title=_("%(who)s mentioned you in the plan of %(community)s")
            % {"who": str(author), "community": plan.community.name},
            url=url,
            body=body[:200],
        )
    return comment


IDEA_KINDS = ("line", "project", "task")


@transaction.atomic
def do_add_idea_to_draft(
    *, community, programme, text: str, kind: str = "project", by, source: str = ""
) -> PlanNode:
    """Add a promoted brainstorm idea to the community's plan draft; return the new node.

    kind "line" adds a main line; "project" (the default, also for any other kind) adds a
    project under the line "头脑风暴点子（待归类）"; "task" adds a task under that line's
    project "待归类的任务". The secretary moves them to their place later. The first line
    of text is the title, the whole text the description when longer.
    """
    text = (text or "").strip()
    if not text:
        raise PlanError(_("The idea is empty."))
    plan = do_start_plan(programme=programme, community=community, by=by)
    kind = kind if kind in IDEA_KINDS else "project"
    title = text.splitlines()[0][:200]
    description = text if text != title else ""
    if kind == "line":
        return do_add_node(
            plan=plan,
            kind=kind,
            parent=None,
            title=title,
            description=description,
            source=source,
            by=by,
        )
    holding = PlanNode.objects.filter(plan=plan, kind=NodeKind.LINE, title=IDEA_LINE_TITLE).first()
    if holding is None:
        holding = do_add_node(
            plan=plan, kind=NodeKind.LINE, parent=None, title=IDEA_LINE_TITLE, by=by
        )
    if kind == "project":
        return do_add_node(
            plan=plan,
            kind=kind,
            parent=holding,
            title=title,
            description=description,
            source=source,
            by=by,
        )
    project = PlanNode.objects.filter(plan=plan, parent=holding, title=IDEA_PROJECT_TITLE).first()
    if project is None:
        project = do_add_node(
            plan=plan, kind=NodeKind.PROJECT, parent=holding, title=IDEA_PROJECT_TITLE, by=by
        )
    return do_add_node(
        plan=plan,
        kind=kind,
        parent=project,
        title=title,
        description=description,
        source=source,
        by=by,
    )


@transaction.atomic
def do_set_round_names(*, programme, names: list[str], by) -> list[str]:
    """Replace the programme's round names (versions keep the names they were frozen with)."""
    from qiangji.plans.models import RoundName

    RoundName.objects.filter(programme=programme).delete()
    RoundName.objects.bulk_create(
        [RoundName(programme=programme, order=i, name=name) for i, name in enumerate(names)]
    )
    with acting_as(by):
        record_event(
            instance=programme,
            note=gettext_lazy("Set the names of the plan rounds"),
            changes={"rounds": [None, names]},
        )
    return names
