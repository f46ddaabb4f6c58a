"""What other apps may read from plans: each community's plan structure in a programme.

``plans_by_community(programme_id, community_ids=None)`` → ``{community_id: {...}}`` with
``plan_id``, ``round_number`` (the round under way), ``versions`` (closed rounds),
``brand_name``, ``identity_fields`` (how many of brand name, slogan, concept and positioning
are filled, 0–4), ``lines``, ``lines_with_projects``, ``projects``, ``tasks``,
``tasks_fully_specified`` (owner, deadline, budget and KPI indicator all given),
``depth`` (deepest level used: 0 none, 1 lines, 2 projects, 3 tasks), ``actors`` (the 多元主体
named in the plan and its projects, distinct), ``text`` (brand texts and node titles and
descriptions, for text comparison) and ``updated_at``. Reads the live draft; three queries
whatever the number of plans and nodes.
"""

from __future__ import annotations

from collections.abc import Iterable

from qiangji.plans.models import NodeKind, Plan, PlanNode, PlanVersion, _lines

IDENTITY_FIELDS = ("brand_name", "slogan", "concept", "positioning")
TEXT_FIELDS = ("brand_name", "slogan", "concept", "goals", "positioning", "concerns")


def plans_by_community(
    programme_id: int, community_ids: Iterable[int] | None = None
) -> dict[int, dict]:
    """Return each community's plan structure in the programme (communities without a plan absent)."""
    plans = Plan.objects.filter(programme_id=programme_id)
    if community_ids is not None:
        plans = plans.filter(community_id__in=list(community_ids))
    out: dict[int, dict] = {}
    by_plan: dict[int, dict] = {}
    for row in plans.values(
        "pk", "community_id", "round_number", "updated_at", "actors", *TEXT_FIELDS
    ):
        actors = {
            line.replace(":", "：").split("：", 1)[0].strip() for line in _lines(row["actors"])
        }
        figures = {
            "plan_id": row["pk"],
            "round_number": row["round_number"],
            "versions": 0,
            "brand_name": row["brand_name"],
            "identity_fields": sum(1 for name in IDENTITY_FIELDS if (row[name] or "").strip()),
            "lines": 0,
            "lines_with_projects": 0,
            "projects": 0,
            "tasks": 0,
            "tasks_fully_specified": 0,
            "depth": 0,
            "actors": actors - {""},
            "text": [row[name] or "" for name in TEXT_FIELDS],
            "updated_at": row["updated_at"],
        }
        out[row["community_id"]] = figures
        by_plan[row["pk"]] = figures
    if not by_plan:
        return out
    for plan_id, number in (
        PlanVersion.objects.filter(plan_id__in=list(by_plan))
        .order_by()
        .values_list("plan_id", "number")
    ):
        figures = by_plan[plan_id]
        figures["versions"] = max(figures["versions"], number)
    lines_with_projects: dict[int, set[int]] = {}
    for (
        plan_id,
        _pk,
        parent_id,
        kind,
        title,
        description,
        actors,
        owner,
        deadline,
        budget,
        indicator,
    ) in (
        PlanNode.objects.filter(plan_id__in=list(by_plan))
        .order_by()
        .values_list(
            "plan_id",
            "pk",
            "parent_id",
            "kind",
            "title",
            "description",
            "actors",
            "owner",
            "deadline",
            "budget",
            "indicator",
        )
    ):
        figures = by_plan[plan_id]
        figures["text"].append(title)
        if description:
            figures["text"].append(description[:500])
        if kind == NodeKind.LINE:
            figures["lines"] += 1
            figures["depth"] = max(figures["depth"], 1)
        elif kind == NodeKind.PROJECT:
            figures["projects"] += 1
            figures["depth"] = max(figures["depth"], 2)
            lines_with_projects.setdefault(plan_id, set()).add(parent_id)
            figures["actors"].update(_lines(actors))
        else:
            figures["tasks"] += 1
            figures["depth"] = 3
            if owner.strip() and deadline and budget is not None and indicator.strip():
                figures["tasks_fully_specified"] += 1
    for plan_id, figures in by_plan.items():
        figures["lines_with_projects"] = len(lines_with_projects.get(plan_id, ()))
        figures["actors"] = len(figures["actors"])
        figures["text"] = "\n".join(part for part in figures["text"] if part)
    return out
