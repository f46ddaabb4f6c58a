"""Plans for tests: an empty plan, and the demo's two-line, five-station plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from qiangji.plans.actions import do_add_node, do_start_plan
from qiangji.plans.models import Plan, PlanNode


def make_plan(world, community=None, by=None) -> Plan:
    community = community or world.shiliuyuan
    by = by or world.users["shiliuyuan"]
    return do_start_plan(programme=world.programme, community=community, by=by)


def make_small_tree(plan: Plan, by) -> dict[str, PlanNode]:
    """Two lines, three projects, two tasks; return the nodes by title."""
    nodes: dict[str, PlanNode] = {}
    for line_title, projects in [
        ("为老服务主线", ["助餐站", "健康站"]),
        ("邻里共治主线", ["议事站"]),
    ]:
        line = do_add_node(plan=plan, kind="line", parent=None, title=line_title, by=by)
        nodes[line_title] = line
        for project_title in projects:
            nodes[project_title] = do_add_node(
                plan=plan, kind="project", parent=line, title=project_title, by=by
            )
    nodes["建立助餐点"] = do_add_node(
        plan=plan,
        kind="task",
        parent=nodes["助餐站"],
        title="建立助餐点",
        owner="张**",
        deadline=dt.date(2026, 5, 1),
        budget=Decimal("20000"),
        indicator="每日就餐人数",
        target="60人",
        by=by,
    )
    nodes["招募志愿者"] = do_add_node(
        plan=plan, kind="task", parent=nodes["助餐站"], title="招募志愿者", by=by
    )
    return nodes
