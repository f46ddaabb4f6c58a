"""What a plan still lacks before it is feasible: shown beside the editor as the secretary works."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qiangji.plans.models import NodeKind, Plan, PlanNode, TreeItem, flatten


@dataclass
class Gap:
    """One missing piece; node is None for gaps of the plan as a whole."""

    code: str
    message: str
    node: PlanNode | None = None
    label: str = ""


@dataclass
class Completeness:
    gaps: list[Gap] = field(default_factory=list)
    checks: int = 0

    @property
    def is_complete(self) -> bool:
        return not self.gaps

    @property
    def percent(self) -> int:
        if not self.checks:
            return 0
        return round(100 * (self.checks - len(self.gaps)) / self.checks)


# Messages of the per-node checks, translated only when a check fails (a plan may have
# thousands of nodes).
M = {
    "Main line has no project or station (碎).": gettext_lazy(
        "Main line has no project or station (碎)."
    ),
    "Project has no task (细).": gettext_lazy("Project has no task (细)."),
    "Project is bound to no actor (揉).": gettext_lazy("Project is bound to no actor (揉)."),
    "Task has no owner.": gettext_lazy("Task has no owner."),
    "Task has no deadline.": gettext_lazy("Task has no deadline."),
    "Task has no indicator.": gettext_lazy("Task has no indicator."),
    "Task indicator has no target value.": gettext_lazy("Task indicator has no target value."),
}

PLAN_FIELDS_REQUIRED = ["brand_name", "slogan", "concept", "goals", "concerns", "actors"]


def check_plan(plan: Plan, tree: list[TreeItem]) -> Completeness:
    """Return the gaps of a plan's draft, given its tree (no queries)."""
    result = Completeness()

    def check(
        ok: bool,  # noqa: FBT001 - a local helper read as check(condition, ...)
        code: str,
        message: str,
        item: TreeItem | None = None,
        label: str = "",
    ) -> None:
        result.checks += 1
        if not ok:
            result.gaps.append(
                Gap(code=code, message=str(message), node=item.node if item else None, label=label)
            )

    for name in PLAN_FIELDS_REQUIRED:
        verbose = Plan._meta.get_field(name).verbose_name
        check(
            bool(getattr(plan, name).strip()),
            f"missing_{name}",
            _("The plan has no %(field)s.") % {"field": verbose},
        )
    check(bool(tree), "no_lines", _("The plan has no main line yet (掰)."))
    items = flatten(tree)
    labels: dict[int, str] = {}
    cited: set[str] = set()
    programme = plan.programme
    for item in items:
        node = item.node
        labels[node.pk] = labels.get(node.parent_id, "") + item.label
        label = labels[node.pk]
        if node.kind == NodeKind.LINE:
            check(
                bool(item.children),
                "line_without_projects",
                M["Main line has no project or station (碎)."],
                item,
                label,
            )
        elif node.kind == NodeKind.PROJECT:
            cited.update(node.concern_list())
            check(
                bool(item.children),
                "project_without_tasks",
                M["Project has no task (细)."],
                item,
                label,
            )
            check(
                bool(node.actor_list()),
                "project_without_actors",
                M["Project is bound to no actor (揉)."],
                item,
                label,
            )
        elif node.kind == NodeKind.TASK:
            check(
                bool(node.owner.strip()), "task_without_owner", M["Task has no owner."], item, label
            )
            check(
                node.deadline is not None,
                "task_without_deadline",
                M["Task has no deadline."],
                item,
                label,
            )
            check(
                bool(node.indicator.strip()),
                "task_without_indicator",
                M["Task has no indicator."],
                item,
                label,
            )
            if node.indicator.strip():
                check(
                    bool(node.target.strip()),
                    "task_without_target",
                    M["Task indicator has no target value."],
                    item,
                    label,
                )
            if node.deadline is not None:
                inside = programme.starts_on <= node.deadline <= programme.ends_on
                check(
                    inside,
                    "deadline_outside_programme",
                    ""
                    if inside
                    else _("Task deadline is outside the programme (%(start)s – %(end)s).")
                    % {"start": programme.starts_on, "end": programme.ends_on},
                    item,
                    label,
                )
    for concern in plan.concern_list():
        check(
            concern in cited,
            "concern_not_cited",
            _("No project answers the concern “%(concern)s”.") % {"concern": concern},
        )
    return result
