"""Brand creation plans (社区品牌创建工作方案): the 掰/碎/揉/细 tree, rounds and frozen versions.

Interface for other apps (reviews, workshops, insights) — keep it stable:

``Plan``
    One per (programme, community) — ``Plan.objects.get(programme=p, community=c)``.
    Its text fields (brand name, slogan, concept, goals, positioning, …) and its live node
    tree (``plan.nodes``) are the **draft** of the round under way, ``plan.round_number``
    (1-based), named ``plan.round_name`` (提出/讨论/优化/细化/修改 by default,
    configurable per programme with ``RoundName`` rows).

``PlanNode`` — the live (draft) tree, editable
    ``kind`` is ``NodeKind.LINE`` (主线, 掰, top level) → ``PROJECT`` (项目/站点, 碎, under a
    line) → ``TASK`` (任务, 细, under a project). The 揉 bindings of a project are
    ``actors`` (names from ``plan.actors``), ``resources``, ``venues`` and ``concerns``
    (items of ``plan.concerns`` it answers); a task has ``owner``, ``deadline``, ``budget``,
    ``indicator`` + ``target`` (KPI) and ``milestone``.
    ``key`` is a UUID that never changes for the life of the node and is copied into every
    version: **anchor suggestions and comments to ``key``** so they follow the node across
    versions. ``revision`` is the version column against lost updates (see
    ``actions.do_save_node``).

``PlanVersion`` — one per closed round, immutable
    Created only by ``actions.do_close_round(plan=, by=, note=)``. ``number`` 1, 2, … per
    plan, ``round_name``, ``frozen_at``, ``frozen_by``, ``note``, ``fields`` (a JSON copy of
    the plan's text fields). Immutable: a database trigger rejects every UPDATE of
    ``plans_planversion`` and ``plans_planversionnode`` (SQLite and PostgreSQL), ``save()``
    of an existing row and ``delete()`` raise ``FrozenVersionError``, and the QuerySets'
    ``update()``/``delete()`` raise too. Reviews should point at a version with a
    ``ForeignKey(PlanVersion, on_delete=models.PROTECT)``.

``PlanVersionNode`` — the frozen copy of one node in one version
    Same content fields as ``PlanNode`` plus ``key``, ``parent_key``, ``depth``,
    ``sort_index`` (pre-order position in the tree) and ``label`` (its number, e.g.
    "（二）3."). Read a version's tree with ``version.nodes.all()`` (already in reading
    order) or ``version.tree()`` (nested ``TreeItem``); one node with
    ``version.nodes.get(key=…)``. A suggestion may point at a node with
    ``ForeignKey(PlanVersionNode, on_delete=models.PROTECT)`` or at (version, key).

``PlanCitation`` — the citations of a frozen version, as links (immutable)
    ``kind`` (concern, topic, hot_issue, case), ``target_id``, ``node_key`` (None: the plan
    itself) and ``text``; written by ``do_close_round`` from the reference tokens of the
    citing fields (``plans.citations``). Read with ``version.citations.all()`` or
    ``plans.citations.plans_citing(kind, id)``.

Ideas from brainstorm boards arrive through ``actions.do_add_idea_to_draft(*, community,
programme, text, kind, by)``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qiangji.lib import limits
from qiangji.programmes.models import Programme
from qiangji.territories.models import Kind, Territory

DEFAULT_ROUND_NAMES = ["提出", "讨论", "优化", "细化", "修改"]
MAX_BUDGET = Decimal("100000000")  # 一亿元: anything above is a typo, not a community budget

#: The actor kinds of 多元主体 offered in the editor.
ACTOR_KINDS = [
    "社区党组织",
    "居委会",
    "业委会",
    "物业",
    "社会组织",
    "驻区单位",
    "志愿者",
    "居民代表",
]

#: The plan's text fields, in the order of the document; copied into each version.
PLAN_TEXT_FIELDS = [
    "brand_name",
    "slogan",
    "concept",
    "goals",
    "concerns",
    "positioning",
    "cases",
    "actors",
    "budget_note",
    "timeline",
]
#: The node fields copied into each version and compared by diffs.
NODE_FIELDS = [
    "title",
    "description",
    "actors",
    "resources",
    "venues",
    "concerns",
    "owner",
    "deadline",
    "budget",
    "indicator",
    "target",
    "milestone",
]


class FrozenVersionError(Exception):
    """A frozen plan version (or one of its nodes) cannot be changed or deleted."""


class NodeKind(models.TextChoices):
    LINE = "line", _("Main line")
    PROJECT = "project", _("Project or station")
    TASK = "task", _("Task")


#: The kind a node's parent must have (None: top level).
PARENT_KIND = {
    NodeKind.LINE: None,
    NodeKind.PROJECT: NodeKind.LINE,
    NodeKind.TASK: NodeKind.PROJECT,
}
CHILD_KIND = {NodeKind.LINE: NodeKind.PROJECT, NodeKind.PROJECT: NodeKind.TASK, NodeKind.TASK: None}


def round_name_for(names: list[str], number: int) -> str:
    """Return the name of round `number` (1-based); rounds past the list repeat the last name."""
    names = names or DEFAULT_ROUND_NAMES
    if number <= len(names):
        return names[number - 1]
    return f"{names[-1]}（{number - len(names) + 1}）"


class RoundName(models.Model):
    """A programme's own names for the rounds (default 提出, 讨论, 优化, 细化, 修改)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="plan_round_names"
    )
    order = models.PositiveSmallIntegerField(_("Order"))
    name = models.CharField(_("Round name"), max_length=20)

    class Meta:
        verbose_name = _("Round name")
        verbose_name_plural = _("Round names")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "order"], name="plans_round_unique_order")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def names_for(cls, programme: Programme) -> list[str]:
        names = list(cls.objects.filter(programme=programme).values_list("name", flat=True))
        return names or list(DEFAULT_ROUND_NAMES)


class PlanQuerySet(models.QuerySet):
    def visible_to(self, access) -> PlanQuerySet:
        return self.filter(programme_id__in=access.programme_ids)


class PlanText(models.Model):
    """The text fields shared by the draft (Plan) and described in PLAN_TEXT_FIELDS."""

    brand_name = models.CharField(_("Brand name"), max_length=80, blank=True)
    slogan = models.CharField(_("Slogan"), max_length=120, blank=True)
    concept = models.CharField(_("Concept"), max_length=120, blank=True)
    goals = models.TextField(_("Goals"), blank=True, max_length=limits.LONG_TEXT)
    concerns = models.TextField(
        _("Concerns answered"),
        blank=True,
        help_text=_("One per line: the residents' concerns or topics the plan answers."),
        max_length=limits.LONG_TEXT,
    )
    positioning = models.TextField(_("Positioning"), blank=True, max_length=limits.LONG_TEXT)
    cases = models.TextField(_("Cases cited"), blank=True, max_length=limits.LONG_TEXT)
    actors = models.TextField(
        _("Actors and their roles"),
        blank=True,
        help_text=_("One per line, as 主体：角色, e.g. 物业：负责场地."),
        max_length=limits.LONG_TEXT,
    )
    budget_note = models.TextField(_("Budget"), blank=True, max_length=limits.LONG_TEXT)
    timeline = models.TextField(_("Timeline"), blank=True, max_length=limits.LONG_TEXT)

    class Meta:
        abstract = True

    def concern_list(self) -> list[str]:
        return _lines(self.concerns)

    def actor_names(self) -> list[str]:
        """Return the actor names of the 多元主体 list (the part before "：")."""
        names = []
        for line in _lines(self.actors):
            name = line.replace(":", "：").split("：", 1)[0].strip()
            if name and name not in names:
                names.append(name)
        return names


def _lines(text: str) -> list[str]:
    return [line.strip(" \t-·•") for line in (text or "").splitlines() if line.strip(" \t-·•")]


class Plan(PlanText):
    """A community's brand creation plan in a programme; its fields and nodes are the draft."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="plans", verbose_name=_("Programme")
    )
    community = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="plans",
        limit_choices_to={"kind": Kind.COMMUNITY},
        verbose_name=_("Community"),
    )
    round_number = models.PositiveSmallIntegerField(_("Round"), default=1)
    revision = models.PositiveIntegerField(
        default=1, help_text="Version column of the text fields."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Updated by"),
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("Plan")
        verbose_name_plural = _("Plans")
        ordering = ["programme", "community__order", "community__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "community"], name="plans_one_plan_per_community"
            ),
            models.CheckConstraint(condition=Q(round_number__gte=1), name="plans_round_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.community.name} · {self.brand_name or _('Plan')}"

    @property
    def round_name(self) -> str:
        return round_name_for(RoundName.names_for(self.programme), self.round_number)

    def text_fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in PLAN_TEXT_FIELDS}

    def latest_version(self) -> PlanVersion | None:
        return self.versions.order_by("-number").first()


class NodeContent(models.Model):
    """The content of a node, shared by the live tree and the frozen copies."""

    kind = models.CharField(_("Kind"), max_length=10, choices=NodeKind.choices)
    title = models.CharField(_("Node title"), max_length=200)
    description = models.TextField(
        pgettext_lazy("plan node", "Description"), blank=True, max_length=limits.TEXT
    )
    # 揉: what a project is bound to
    actors = models.TextField(
        _("Actors"), blank=True, help_text=_("One per line."), max_length=limits.TEXT
    )
    resources = models.TextField(_("Resources"), blank=True, max_length=limits.TEXT)
    venues = models.TextField(_("Venues"), blank=True, max_length=limits.TEXT)
    concerns = models.TextField(
        _("Concerns answered"), blank=True, help_text=_("One per line."), max_length=limits.TEXT
    )
    # 细: what a task needs
    owner = models.CharField(_("Owner"), max_length=80, blank=True)
    deadline = models.DateField(pgettext_lazy("task", "Deadline"), null=True, blank=True)
    budget = models.DecimalField(
        _("Budget (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_BUDGET)],
    )
    indicator = models.CharField(_("Indicator"), max_length=200, blank=True)
    target = models.CharField(_("Target value"), max_length=80, blank=True)
    milestone = models.CharField(_("Milestone"), max_length=200, blank=True)
    key = models.UUIDField(default=uuid.uuid4, editable=False, verbose_name=_("Key"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def actor_list(self) -> list[str]:
        return _lines(self.actors)

    def concern_list(self) -> list[str]:
        return _lines(self.concerns)

    def content(self) -> dict[str, object]:
        """Return the node's content fields as plain values (dates ISO, budget as str)."""
        values: dict[str, object] = {}
        for name in NODE_FIELDS:
            value = getattr(self, name)
            if name == "deadline" and value is not None:
                value = value.isoformat()
            elif name == "budget" and value is not None:
                value = f"{value:.2f}"
            values[name] = value if value is not None else ""
        return values


def _budget_is_sane() -> Q:
    return Q(budget__isnull=True) | (Q(budget__gte=0) & Q(budget__lte=MAX_BUDGET))


class PlanNode(NodeContent):
    """A node of a plan's draft tree: a main line, a project/station or a task."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("Plan")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("Parent"),
    )
    position = models.PositiveIntegerField(default=0, verbose_name=_("Position"))
    revision = models.PositiveIntegerField(
        default=1, help_text="Version column against lost updates."
    )
    source = models.CharField(
        max_length=120,
        blank=True,
        help_text="Where the node came from, e.g. workshops:card:12.",
        verbose_name=_("Source"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Updated by"),
    )

    class Meta:
        verbose_name = _("Plan node")
        verbose_name_plural = _("Plan nodes")
        ordering = ["plan", "parent_id", "position", "pk"]
        indexes = [models.Index(fields=["plan", "parent", "position"], name="plans_node_siblings")]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plans_node_unique_key"),
            models.CheckConstraint(condition=_budget_is_sane(), name="plans_node_budget_sane"),
            models.CheckConstraint(
                condition=Q(kind="line", parent__isnull=True)
                | Q(kind__in=["project", "task"], parent__isnull=False),
                name="plans_node_lines_are_top_level",
            ),
        ]


class VersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise FrozenVersionError("plan versions are immutable")

    def delete(self):
        raise FrozenVersionError("plan versions are immutable")


class FrozenModel(models.Model):
    """A row written once: saving an existing row or deleting it raises FrozenVersionError."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise FrozenVersionError("plan versions are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenVersionError("plan versions are immutable")


class PlanVersion(FrozenModel):
    """The frozen state of a plan at the close of a round (immutable, see the module doc)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("Version"))
    round_name = models.CharField(_("Round"), max_length=30)
    fields = models.JSONField(default=dict)
    note = models.TextField(_("What changed"), blank=True, max_length=limits.NOTE)
    node_count = models.PositiveIntegerField(default=0)
    frozen_at = models.DateTimeField(default=timezone.now)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Plan version")
        verbose_name_plural = _("Plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_version_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="plans_version_positive"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.round_name}"

    def field(self, name: str) -> str:
        return self.fields.get(name, "")

    def tree(self) -> list[TreeItem]:
        """Return the version's nodes as a nested tree (one query)."""
        return build_tree(self.nodes.all(), key=lambda n: n.key, parent=lambda n: n.parent_key)


class PlanVersionNode(FrozenModel, NodeContent):
    """A node as it stood in a frozen version (immutable)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="nodes")
    parent_key = models.UUIDField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    depth = models.PositiveSmallIntegerField(default=0)
    sort_index = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=20, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Plan version node")
        verbose_name_plural = _("Plan version nodes")
        ordering = ["version", "sort_index"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="plans_vnode_unique_key"),
        ]


class CitationKind(models.TextChoices):
    CONCERN = "concern", _("Concern")
    TOPIC = "topic", _("Topic")
    HOT_ISSUE = "hot_issue", _("Hot issue")
    CASE = "case", _("Case")


class PlanCitation(FrozenModel):
    """A concern, topic, hot issue or case a frozen version cites, as a link (immutable).

    Written by ``do_close_round`` from the reference tokens the editor's chips insert
    (``〔诉求#12〕``, see ``plans.citations``); ``node_key`` None: cited by the plan itself.
    ``target_id`` is the id in the cited app, which may be absent: never a foreign key.
    """

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="citations")
    node_key = models.UUIDField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=CitationKind.choices)
    target_id = models.PositiveBigIntegerField()
    text = models.CharField(max_length=200, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Citation")
        verbose_name_plural = _("Citations")
        ordering = ["version", "pk"]
        indexes = [models.Index(fields=["kind", "target_id"], name="plans_citation_target")]

    def __str__(self) -> str:
        return f"{self.kind}#{self.target_id}"


class EditConflict(models.Model):
    """An edit that met a newer save (or a closed round); both texts are kept until resolved."""

    class Reason(models.TextChoices):
        STALE = "stale", _("Someone else saved first")
        ROUND_CLOSED = "round_closed", _("The round closed while you were editing")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="conflicts")
    node = models.ForeignKey(
        PlanNode, null=True, blank=True, on_delete=models.SET_NULL, related_name="conflicts"
    )
    node_key = models.UUIDField(null=True, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.STALE)
    base_revision = models.PositiveIntegerField()
    mine = models.JSONField(default=dict, help_text="The values the losing editor posted.")
    theirs = models.JSONField(default=dict, help_text="The saved values they met.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("Edit conflict")
        verbose_name_plural = _("Edit conflicts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"conflict #{self.pk}"


class Comment(models.Model):
    """A comment in the plan's discussion, on the plan or on one node (by key), threaded."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="comments", verbose_name=_("Plan")
    )
    node_key = models.UUIDField(null=True, blank=True, verbose_name=_("Node"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("Parent"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Author"),
    )
    body = models.TextField(_("Comment"), max_length=limits.TEXT)
    round_number = models.PositiveSmallIntegerField(default=1, verbose_name=_("Round"))
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Comment")
        verbose_name_plural = _("Comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:40]


# ---------------------------------------------------------------------------- trees


KEYS_FOR_ALL_NODES_UP_TO = 400


class NodeSummary:
    """A light, read-only node for the editor's tree and the completeness check.

    Building 2,000 model instances costs ~50 ms; these cost a tenth. Only the start of the
    description is loaded (``description_start``).
    """

    FIELDS = (
        "pk",
        "kind",
        "parent_id",
        "position",
        "title",
        "actors",
        "venues",
        "concerns",
        "owner",
        "deadline",
        "budget",
        "indicator",
        "target",
        "milestone",
    )
    __slots__ = (*FIELDS, "description_start", "key")

    def __init__(self, values: tuple, description_start: str) -> None:
        for name, value in zip(self.FIELDS, values, strict=True):
            setattr(self, name, value)
        self.description_start = description_start
        self.key = None

    @property
    def description(self) -> str:
        return self.description_start

    def actor_list(self) -> list[str]:
        return _lines(self.actors)

    def concern_list(self) -> list[str]:
        return _lines(self.concerns)

    @classmethod
    def for_plan(cls, plan: Plan) -> list[NodeSummary]:
        """Return the plan's draft nodes (two queries: the fields, and keys of lines/projects)."""
        from django.db.models.functions import Substr

        rows = plan.nodes.annotate(description_start=Substr("description", 1, 121)).values_list(
            *cls.FIELDS, "description_start"
        )
        nodes = [cls(row[:-1], row[-1] or "") for row in rows]
        # Keys (UUIDs, slow to convert by the thousand) of lines and projects, and of tasks
        # too when the plan is small enough to offer every node in the comment form.
        keyed = (
            plan.nodes.all()
            if len(nodes) <= KEYS_FOR_ALL_NODES_UP_TO
            else plan.nodes.exclude(kind=NodeKind.TASK)
        )
        keys = dict(keyed.values_list("pk", "key"))
        for node in nodes:
            node.key = keys.get(node.pk)
        return nodes


@dataclass
class TreeItem:
    """A node with its children and its heading label, in reading order."""

    node: object
    depth: int
    label: str
    children: list[TreeItem] = field(default_factory=list)


def build_tree(nodes: Iterable, *, key, parent) -> list[TreeItem]:
    """Return nodes nested under their parents, siblings by position, labelled （一）1.（1）."""
    from qiangji.lib.officialdoc import heading_label

    by_parent: dict[object, list] = {}
    for node in nodes:
        by_parent.setdefault(parent(node), []).append(node)
    for siblings in by_parent.values():
        siblings.sort(key=lambda n: (n.position, getattr(n, "pk", 0) or 0))

    def walk(parent_key, depth: int) -> list[TreeItem]:
        items = []
        for index, node in enumerate(by_parent.get(parent_key, []), start=1):
            # Lines are 二级 headings in the document (（一）), projects 1., tasks （1）.
            item = TreeItem(node=node, depth=depth, label=heading_label(depth + 2, index))
            item.children = walk(key(node), depth + 1) if depth < 2 else []
            items.append(item)
        return items

    return walk(None, 0)


def flatten(items: list[TreeItem]) -> list[TreeItem]:
    """Return a tree's items in pre-order (reading order)."""
    out: list[TreeItem] = []
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        out.append(item)
        stack.extend(reversed(item.children))
    return out
