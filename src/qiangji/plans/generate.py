"""Generated brand plans: the draft tree and its rounds frozen as versions (`qiangji generate`).

Each plan gets main lines → projects → tasks; nodes appear over the rounds (a task first
shows in round 2 or 3), so consecutive versions differ the way revised plans do. Versions
are written as `close_round` writes them: the tree in reading order with its labels.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import transaction

from qiangji.lib.officialdoc import heading_label
from qiangji.plans.models import (
    DEFAULT_ROUND_NAMES,
    NodeKind,
    Plan,
    PlanNode,
    PlanVersion,
    PlanVersionNode,
)

BRANDS = ["幸福", "连心", "暖阳", "和美", "邻里", "红心", "同心", "乐享", "益家", "安居"]
BRAND_TAILS = ["家园", "驿站", "里", "汇", "坊", "圈"]
CONCEPTS = ["零距离", "家门口", "一站式", "全周期", "微治理"]
LINES = ["党建引领主线", "民生服务主线", "邻里共治主线", "平安建设主线", "文化润心主线"]
PROJECTS = [
    "老年助餐站点",
    "儿童之家",
    "楼栋议事会",
    "红色物业联盟",
    "志愿服务队",
    "口袋公园",
    "便民服务站",
    "调解工作室",
]
TASKS = [
    "摸排需求台账",
    "招募志愿者",
    "制定服务清单",
    "开展月度活动",
    "建立回访机制",
    "公示办理结果",
    "完善场地设施",
]
ACTORS = ["社区党委", "物业公司", "业委会", "辖区单位", "志愿者", "网格员", "社会组织"]

CHUNK = 200  # plans per transaction


def _fields(rng, community_name: str, version: int) -> dict[str, str]:
    brand = rng.choice(BRANDS) + rng.choice(BRAND_TAILS)
    concept = rng.choice(CONCEPTS)
    revised = "" if version <= 1 else f"（第{version}轮修改后）"
    return {
        "brand_name": f"{community_name[:-2]}·{brand}",
        "slogan": f"{brand}{community_name[:-2]}，服务{rng.randint(100, 999)}",
        "concept": concept,
        "goals": f"围绕居民最关切、最紧迫的事项，打造“{concept}”服务品牌{revised}。",
        "concerns": "\n".join(
            rng.sample(["停车难", "老人助餐", "加装电梯", "楼道堆物", "噪音扰民"], 3)
        ),
        "positioning": f"以{rng.choice(LINES)}为牵引，形成可复制的社区治理品牌。",
        "cases": "参考兄弟社区“1+7+N”小区党建工作法。",
        "actors": "\n".join(rng.sample(ACTORS, 3)),
        "budget_note": f"预计投入{rng.randint(5, 60)}万元，由街道统筹与社区自筹结合。",
        "timeline": "一季度调研立项，二三季度组织实施，四季度总结评估。",
    }


def generate(ctx) -> dict[str, int]:
    """Make plans for the enrolled communities (up to ctx.scale.count("plans")), each with its versions."""
    rng = ctx.rng("plans")
    target = ctx.scale.count("plans")
    n_versions = ctx.scale.count("plan_versions", 5)
    names = {c.pk: c.name for c in ctx.communities}
    slots = [(p, cid) for p in ctx.programmes for cid in ctx.enrolled.get(p.pk, [])][:target]
    made = {"plans": 0, "plan_nodes": 0, "plan_versions": 0, "plan_version_nodes": 0}
    now = ctx.now
    for start in range(0, len(slots), CHUNK):
        chunk = slots[start : start + CHUNK]
        with transaction.atomic():
            plans, trees = [], []
            for programme, cid in chunk:
                secretary = ctx.secretary[cid]
                fields = _fields(rng, names[cid], n_versions)
                plans.append(
                    Plan(
                        programme=programme,
                        community_id=cid,
                        round_number=n_versions + 1,
                        revision=n_versions + 1,
                        updated_by=secretary,
                        created_at=now,
                        updated_at=now,
                        **fields,
                    )
                )
                # (kind, parent index or None, round introduced, title)
                tree: list[tuple[str, int | None, int, str]] = []
                for line_title in rng.sample(LINES, rng.randint(2, 3)):
                    line = len(tree)
                    tree.append((NodeKind.LINE, None, 1, line_title))
                    for project_title in rng.sample(PROJECTS, rng.randint(2, 3)):
                        project = len(tree)
                        tree.append((NodeKind.PROJECT, line, rng.randint(1, 2), project_title))
                        for task_title in rng.sample(TASKS, rng.randint(1, 3)):
                            tree.append(
                                (NodeKind.TASK, project, rng.randint(1, n_versions), task_title)
                            )
                trees.append(tree)
            ctx.bulk(Plan, plans)
            # The live tree, level by level so that parents have ids.
            nodes_of: list[list[PlanNode]] = []
            for plan, tree in zip(plans, trees, strict=True):
                nodes = []
                positions: dict[int | None, int] = {}
                for kind, parent, _round, title in tree:
                    position = positions.get(parent, 0)
                    positions[parent] = position + 1
                    nodes.append(
                        PlanNode(
                            plan=plan,
                            kind=kind,
                            title=title,
                            description=f"{title}：明确责任主体、服务对象和工作标准。",
                            actors="\n".join(rng.sample(ACTORS, 2))
                            if kind != NodeKind.LINE
                            else "",
                            owner=ctx.secretary[plan.community_id].display_name
                            if kind == NodeKind.TASK
                            else "",
                            deadline=(now + dt.timedelta(days=rng.randint(30, 300))).date()
                            if kind == NodeKind.TASK
                            else None,
                            budget=Decimal(rng.randint(1, 50) * 1000)
                            if kind == NodeKind.TASK
                            else None,
                            indicator="服务居民人次" if kind == NodeKind.PROJECT else "",
                            target=f"{rng.randint(2, 20) * 100}人次"
                            if kind == NodeKind.PROJECT
                            else "",
                            key=uuid.UUID(int=rng.getrandbits(128), version=4),
                            position=position,
                            source="generate",
                            created_at=now,
                            updated_at=now,
                        )
                    )
                nodes_of.append(nodes)
            for depth_kind in (NodeKind.LINE, NodeKind.PROJECT, NodeKind.TASK):
                level = []
                for nodes, tree in zip(nodes_of, trees, strict=True):
                    for node, (kind, parent, _r, _t) in zip(nodes, tree, strict=True):
                        if kind == depth_kind:
                            if parent is not None:
                                node.parent = nodes[parent]
                            level.append(node)
                ctx.bulk(PlanNode, level, batch_size=2000)
            versions, version_nodes = [], []
            for plan, nodes, tree in zip(plans, nodes_of, trees, strict=True):
                for number in range(1, n_versions + 1):
                    fields = plan.text_fields()
                    if number < n_versions:
                        fields["goals"] = fields["goals"].split("（第")[0].rstrip("。") + "。"
                    frozen = dt.datetime.combine(
                        plan.programme.starts_on, dt.time(10), tzinfo=now.tzinfo
                    ) + dt.timedelta(days=20 * number)
                    version = PlanVersion(
                        plan=plan,
                        number=number,
                        round_name=DEFAULT_ROUND_NAMES[min(number, len(DEFAULT_ROUND_NAMES)) - 1],
                        fields=fields,
                        note="" if number == 1 else "根据导师意见修改完善。",
                        frozen_at=frozen,
                        frozen_by=ctx.secretary[plan.community_id],
                    )
                    included = [
                        i for i, (_k, _p, introduced, _t) in enumerate(tree) if introduced <= number
                    ]
                    kept = set(included)
                    # a node whose parent is not in this version waits for it
                    included = [i for i in included if tree[i][1] is None or tree[i][1] in kept]
                    children: dict[int | None, list[int]] = {}
                    for i in included:
                        children.setdefault(tree[i][1], []).append(i)
                    order: list[tuple[int, int, str]] = []  # (index, depth, label)
                    stack = [(i, 0, "") for i in reversed(children.get(None, []))]
                    counters: dict[int | None, int] = {}
                    labels: dict[int, str] = {}
                    while stack:
                        i, depth, _ = stack.pop()
                        parent = tree[i][1]
                        counters[parent] = counters.get(parent, 0) + 1
                        label = (
                            labels.get(parent, "") if parent is not None else ""
                        ) + heading_label(depth + 2, counters[parent])
                        labels[i] = label
                        order.append((i, depth, label))
                        stack.extend((c, depth + 1, "") for c in reversed(children.get(i, [])))
                    version.node_count = len(order)
                    versions.append(version)
                    for sort_index, (i, depth, label) in enumerate(order):
                        node = nodes[i]
                        parent = tree[i][1]
                        version_nodes.append(
                            PlanVersionNode(
                                version=version,
                                key=node.key,
                                parent_key=nodes[parent].key if parent is not None else None,
                                kind=node.kind,
                                position=node.position,
                                depth=depth,
                                sort_index=sort_index,
                                label=label,
                                title=node.title,
                                description=node.description,
                                actors=node.actors,
                                resources="",
                                venues="",
                                concerns="",
                                owner=node.owner,
                                deadline=node.deadline,
                                budget=node.budget,
                                indicator=node.indicator,
                                target=node.target,
                                milestone="",
                            )
                        )
            ctx.bulk(PlanVersion, versions, batch_size=1000)
            for node in version_nodes:
                node.version_id = node.version.pk
            ctx.bulk(PlanVersionNode, version_nodes, batch_size=2000)
        made["plans"] += len(plans)
        made["plan_nodes"] += sum(map(len, nodes_of))
        made["plan_versions"] += len(versions)
        made["plan_version_nodes"] += len(version_nodes)
        ctx.progress("plans", made["plans"], len(slots))
    return made
