"""Structured and textual differences between two states of a plan (versions or the draft).

A state is a ``Snapshot``: the plan's text fields and its nodes by ``key``. ``compare(a, b)``
returns nodes added, removed, moved (to another parent, or reordered among the siblings
they share in both states) and changed (field by field, text fields with a Chinese-aware
``<ins>``/``<del>`` diff from ``qiangji.lib.cndiff``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from qiangji.lib.cndiff import diff_html
from qiangji.plans.models import (
    NODE_FIELDS,
    PLAN_TEXT_FIELDS,
    NodeContent,
    NodeKind,
    Plan,
    PlanNode,
    PlanText,
    PlanVersion,
    build_tree,
    flatten,
)

#: Fields compared as plain values, not diffed as text.
SCALAR_FIELDS = {"deadline", "budget", "owner", "target"}


@dataclass
class NodeState:
    key: str
    parent_key: str | None
    kind: str
    label: str
    content: dict[str, object]

    @property
    def title(self) -> str:
        return str(self.content.get("title", ""))

    @property
    def kind_label(self) -> str:
        """Return the kind in the reader's language (主线, 项目/站点, 任务)."""
        return str(NodeKind(self.kind).label) if self.kind in NodeKind.values else self.kind


@dataclass
class Snapshot:
    """One state of a plan: its text fields and its nodes by key, in reading order."""

    name: str
    fields: dict[str, str]
    nodes: dict[str, NodeState]

    def children(self, parent_key: str | None) -> list[str]:
        return [k for k, n in self.nodes.items() if n.parent_key == parent_key]


def _states(items) -> dict[str, NodeState]:
    states: dict[str, NodeState] = {}
    labels: dict[str, str] = {}
    for item in items:
        node = item.node
        key = str(node.key)
        parent_key = _parent_key(node)
        labels[key] = labels.get(parent_key or "", "") + item.label
        states[key] = NodeState(
            key=key,
            parent_key=parent_key,
            kind=node.kind,
            label=labels[key],
            content=node.content(),
        )
    return states


def _parent_key(node) -> str | None:
    value = getattr(node, "parent_key", None)
    if value is None and hasattr(node, "_parent_uuid"):
        value = node._parent_uuid
    return str(value) if value else None


def _plain(name: str, value) -> object:
    """Return a node field as NodeContent.content() gives it (ISO dates, budgets as text)."""
    if value is None:
        return ""
    if name == "deadline":
        return value.isoformat()
    if name == "budget":
        return f"{value:.2f}"
    return value


SNAPSHOT_CACHE_SECONDS = 24 * 3600


def snapshot_of_version(version: PlanVersion) -> Snapshot:
    """Return a version's state: cached (versions never change), else one query."""
    cache_key = f"plans:snapshot:v1:{version.pk}"
    snapshot = cache.get(cache_key)
    if snapshot is None:
        snapshot = _load_version_snapshot(version)
        cache.set(cache_key, snapshot, SNAPSHOT_CACHE_SECONDS)
    return snapshot


def _load_version_snapshot(version: PlanVersion) -> Snapshot:
    # Versions store their reading order and labels: no tree to build.
    states: dict[str, NodeState] = {}
    rows = version.nodes.order_by("sort_index").values_list(
        "key", "parent_key", "kind", "label", *NODE_FIELDS
    )
    for key, parent_key, kind, label, *values in rows:
        content = {
            name: _plain(name, value) for name, value in zip(NODE_FIELDS, values, strict=True)
        }
        states[str(key)] = NodeState(
            key=str(key),
            parent_key=str(parent_key) if parent_key else None,
            kind=kind,
            label=label,
            content=content,
        )
    return Snapshot(name=str(version), fields=dict(version.fields), nodes=states)


def snapshot_of_draft(plan: Plan, nodes: list[PlanNode] | None = None) -> Snapshot:
    """Return the draft's state (one query unless nodes are given)."""
    nodes = list(plan.nodes.all()) if nodes is None else nodes
    keys = {n.pk: n.key for n in nodes}
    for node in nodes:
        node._parent_uuid = keys.get(node.parent_id)
    items = flatten(build_tree(nodes, key=lambda n: n.pk, parent=lambda n: n.parent_id))
    return Snapshot(name=str(_("Draft")), fields=plan.text_fields(), nodes=_states(items))


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    html: SafeString | None = None


@dataclass
class NodeChange:
    key: str
    label: str
    kind: str
    title: str
    fields: list[FieldChange] = field(default_factory=list)
    old_parent: str = ""
    new_parent: str = ""


@dataclass
class PlanDiff:
    a: Snapshot
    b: Snapshot
    fields: list[FieldChange]
    added: list[NodeState]
    removed: list[NodeState]
    moved: list[NodeChange]
    changed: list[NodeChange]

    @property
    def is_empty(self) -> bool:
        return not (self.fields or self.added or self.removed or self.moved or self.changed)

    def summary(self) -> dict[str, int]:
        return {
            "fields": len(self.fields),
            "added": len(self.added),
            "removed": len(self.removed),
            "moved": len(self.moved),
            "changed": len(self.changed),
        }


def _label_of(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _field_change(model, name: str, old, new, granularity: str) -> FieldChange:
    old_s, new_s = ("" if old is None else str(old)), ("" if new is None else str(new))
    html = None
    if name not in SCALAR_FIELDS:
        html = mark_safe(diff_html(old_s, new_s, granularity=granularity))  # noqa: S308 - escaped by cndiff
    return FieldChange(name=name, label=_label_of(model, name), old=old_s, new=new_s, html=html)


def compare(a: Snapshot, b: Snapshot, *, granularity: str = "word") -> PlanDiff:
    """Return what changed from state a to state b."""
    fields = [
        _field_change(PlanText, name, a.fields.get(name, ""), b.fields.get(name, ""), granularity)
        for name in PLAN_TEXT_FIELDS
        if (a.fields.get(name) or "") != (b.fields.get(name) or "")
    ]
    added = [n for k, n in b.nodes.items() if k not in a.nodes]
    removed = [n for k, n in a.nodes.items() if k not in b.nodes]
    moved: list[NodeChange] = []
    changed: list[NodeChange] = []
    reordered = _reordered_keys(a, b)
    for key, new in b.nodes.items():
        old = a.nodes.get(key)
        if old is None:
            continue
        if old.parent_key != new.parent_key or key in reordered:
            moved.append(
                NodeChange(
                    key=key,
                    label=new.label,
                    kind=new.kind,
                    title=new.title,
                    old_parent=_title(a, old.parent_key),
                    new_parent=_title(b, new.parent_key),
                )
            )
        field_changes = [
            _field_change(
                NodeContent, name, old.content.get(name), new.content.get(name), granularity
            )
            for name in NODE_FIELDS
            if old.content.get(name) != new.content.get(name)
        ]
        if field_changes:
            changed.append(
                NodeChange(
                    key=key, label=new.label, kind=new.kind, title=new.title, fields=field_changes
                )
            )
    return PlanDiff(
        a=a, b=b, fields=fields, added=added, removed=removed, moved=moved, changed=changed
    )


def _title(snapshot: Snapshot, key: str | None) -> str:
    if key is None:
        return ""
    node = snapshot.nodes.get(key)
    return f"{node.label} {node.title}" if node else ""


def _reordered_keys(a: Snapshot, b: Snapshot) -> set[str]:
    """Return keys whose order among the siblings they share in a and b changed."""
    by_parent_a: dict[str | None, list[str]] = {}
    for key, node in a.nodes.items():
        by_parent_a.setdefault(node.parent_key, []).append(key)
    by_parent_b: dict[str | None, list[str]] = {}
    for key, node in b.nodes.items():
        by_parent_b.setdefault(node.parent_key, []).append(key)
    out: set[str] = set()
    for parent, keys_b in by_parent_b.items():
        keys_a = by_parent_a.get(parent, [])
        common = set(keys_a) & set(keys_b)
        seq_a = [k for k in keys_a if k in common]
        seq_b = [k for k in keys_b if k in common]
        if seq_a == seq_b:
            continue
        matcher = difflib.SequenceMatcher(None, seq_a, seq_b, autojunk=False)
        kept = {
            k
            for block in matcher.get_matching_blocks()
            for k in seq_b[block.b : block.b + block.size]
        }
        out.update(k for k in seq_b if k not in kept)
    return out
