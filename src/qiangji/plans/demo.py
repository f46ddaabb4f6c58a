"""Demo plans after the seed report: 石榴园's "幸福石榴园，服务520" (concept 零距离, two main
lines, five stations), closed once (v1 提出) and edited in round 2 so that a diff shows; and
柯尔山's "K23幸福家园" (23 compounds, "2的3次方") as a draft.

Texts are clearly labelled samples (示例), written after the news report; people are roles,
never names. Idempotent: a plan that already has its demo lines is left alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from qiangji.audit.registry import acting_as
from qiangji.plans.actions import (
    do_add_comment,
    do_add_node,
    do_close_round,
    do_save_node,
    do_save_plan_fields,
    do_start_plan,
)
from qiangji.plans.models import NodeKind, Plan, PlanNode

SAMPLE = "（示例）"

SHILIUYUAN_FIELDS = {
    "brand_name": "幸福石榴园",
    "slogan": "幸福石榴园，服务520",
    "concept": "零距离",
    "goals": "以“零距离”服务理念，围绕居民最关切、最紧迫的事项，建设五个服务站点，"
    "形成两条服务主线。一年内让居民办事不出社区，老人吃饭、看病、议事有人管。（示例）",
    "concerns": "老年人吃饭难\n小区停车秩序乱\n邻里矛盾调解难\n孩子放学后无人照看",
    "positioning": "与周边社区相比，石榴园老旧小区多、老年人多：品牌聚焦“家门口”的为老服务和"
    "邻里共治，以“520（我爱您）”为服务承诺。（示例）",
    "cases": "“智慧养老”服务（武汉，参观学习）\n“邻里共治”议事会（武汉，参观学习）",
    "actors": "社区党组织：统筹引领、整合资源\n居委会：组织实施、日常管理\n业委会：协调小区公共事务\n"
    "物业：提供场地、维修保障\n社会组织：提供专业服务\n驻区单位：共建共享、资源支持\n"
    "志愿者：日常服务与走访\n居民代表：参与议事与监督",
    "budget_note": "合计约12万元：街道党建经费6万元，驻区单位共建4万元，社区公益金2万元。（示例）",
    "timeline": "3月完成站点选址；4—5月站点试运行；6月评审；7—11月全面运行；12月总结评估。（示例）",
}

# line → [(station, actors, venues, concerns, [(task, owner, deadline, budget, indicator, target, milestone)])]
SHILIUYUAN_TREE = [
    (
        "为老服务主线",
        [
            (
                "长者助餐站",
                "社区党组织\n物业\n志愿者",
                "社区党群服务中心一楼",
                "老年人吃饭难",
                [
                    (
                        "改造助餐点厨房与就餐区",
                        "居委会副主任（示例）",
                        dt.date(2026, 4, 15),
                        "30000",
                        "助餐点建成",
                        "1处",
                        "4月中旬试运行",
                    ),
                    (
                        "组建送餐志愿者队伍",
                        "志愿服务队队长（示例）",
                        dt.date(2026, 5, 10),
                        "2000",
                        "送餐志愿者人数",
                        "20人",
                        "队伍名单公示",
                    ),
                ],
            ),
            (
                "健康服务站",
                "社会组织\n驻区单位",
                "石榴园示例二区活动室",
                "",
                [
                    (
                        "每周二健康监测",
                        "社区卫生服务站（示例）",
                        dt.date(2026, 5, 31),
                        "5000",
                        "每月服务人次",
                        "200人次",
                        "",
                    ),
                ],
            ),
            (
                "四点半课堂站",
                "志愿者\n驻区单位",
                "社区图书室",
                "孩子放学后无人照看",
                [
                    (
                        "招募大学生志愿者辅导作业",
                        "团支部书记（示例）",
                        dt.date(2026, 4, 30),
                        "3000",
                        "参加学生人数",
                        "30人",
                        "",
                    ),
                ],
            ),
        ],
    ),
    (
        "邻里共治主线",
        [
            (
                "红色议事站",
                "社区党组织\n业委会\n居民代表",
                "社区议事厅",
                "小区停车秩序乱",
                [
                    (
                        "每月召开停车议事会",
                        "社区党委委员（示例）",
                        dt.date(2026, 6, 30),
                        "1000",
                        "议定事项办结率",
                        "90%",
                        "停车公约通过",
                    ),
                ],
            ),
            (
                "邻里调解站",
                "居委会\n居民代表\n社会组织",
                "",
                "邻里矛盾调解难",
                [
                    (
                        "培训楼栋调解员",
                        "人民调解委员会（示例）",
                        dt.date(2026, 5, 20),
                        "",
                        "",
                        "",
                        "",
                    ),
                ],
            ),
        ],
    ),
]

KEERSHAN_FIELDS = {
    "brand_name": "K23幸福家园",
    "slogan": "23个小区，一个幸福家园",
    "concept": "2的3次方",
    "goals": "23个小区各建一个自管小组，以“2的3次方”方法（两委联动、两员包片、两会议事）"
    "把服务延伸到每个小区。（示例）",
    "concerns": "无物业小区管理缺位\n楼道堆物消防隐患",
    "actors": "社区党组织：统筹\n居委会：组织\n物业：服务\n居民代表：自管",
}

KEERSHAN_TREE = [
    ("小区自管主线", ["小区自管小组", "楼道清理行动"]),
    ("平安智慧主线", ["智慧安防点位"]),
]


def _shiliuyuan(world) -> Plan:
    secretary = world.users["shiliuyuan"]
    plan = do_start_plan(programme=world.programme, community=world.shiliuyuan, by=secretary)
    if (
        plan.nodes.filter(kind=NodeKind.LINE, title="为老服务主线").exists()
        or plan.versions.exists()
    ):
        return plan
    with acting_as(secretary):
        do_save_plan_fields(
            plan=plan,
            values=SHILIUYUAN_FIELDS,
            base_revision=plan.revision,
            round_number=None,
            by=secretary,
        )
        for line_title, stations in SHILIUYUAN_TREE:
            line = do_add_node(
                plan=plan, kind=NodeKind.LINE, parent=None, title=line_title, by=secretary
            )
            for title, actors, venues, concerns, tasks in stations:
                station = do_add_node(
                    plan=plan,
                    kind=NodeKind.PROJECT,
                    parent=line,
                    title=title,
                    actors=actors,
                    venues=venues,
                    concerns=concerns,
                    description=f"{title}：由社区党组织牵头，多元主体共同参与。{SAMPLE}",
                    by=secretary,
                )
                for task, owner, deadline, budget, indicator, target, milestone in tasks:
                    do_add_node(
                        plan=plan,
                        kind=NodeKind.TASK,
                        parent=station,
                        title=task,
                        owner=owner,
                        deadline=deadline,
                        budget=Decimal(budget) if budget else None,
                        indicator=indicator,
                        target=target,
                        milestone=milestone,
                        by=secretary,
                    )
        do_close_round(plan=plan, by=secretary, note="第一轮：提出初稿（示例）")
        # Round 2 (讨论): a mentor's comment, and the secretary's first changes.
        mentor = world.users.get("daoshi")
        if mentor is not None:
            do_add_comment(
                plan=plan,
                author=mentor,
                body="@shiliuyuan 健康服务站的指标要写清目标值，邻里调解站还缺负责人之外的完成时限。（示例）",
            )
        station = PlanNode.objects.get(plan=plan, title="健康服务站")
        do_save_node(
            node=station,
            values={
                "description": "健康服务站：联合社区卫生服务站，每周二为老人测血压、建健康档案。（示例）",
                "concerns": "老年人吃饭难",
            },
            base_revision=station.revision,
            round_number=plan.round_number,
            by=secretary,
        )
        plan.refresh_from_db()
        do_save_plan_fields(
            plan=plan,
            values={"goals": SHILIUYUAN_FIELDS["goals"].replace("一年内", "到年底")},
            base_revision=plan.revision,
            round_number=plan.round_number,
            by=secretary,
        )
    return plan


def _keershan(world) -> Plan:
    secretary = world.users["keershan"]
    plan = do_start_plan(programme=world.programme, community=world.keershan, by=secretary)
    if (
        plan.nodes.filter(kind=NodeKind.LINE, title="小区自管主线").exists()
        or plan.versions.exists()
    ):
        return plan
    with acting_as(secretary):
        do_save_plan_fields(
            plan=plan,
            values=KEERSHAN_FIELDS,
            base_revision=plan.revision,
            round_number=None,
            by=secretary,
        )
        for line_title, projects in KEERSHAN_TREE:
            line = do_add_node(
                plan=plan, kind=NodeKind.LINE, parent=None, title=line_title, by=secretary
            )
            for title in projects:
                do_add_node(
                    plan=plan, kind=NodeKind.PROJECT, parent=line, title=title, by=secretary
                )
    return plan


def load(world) -> None:
    """Create the demo plans of 石榴园 and 柯尔山 (idempotent)."""
    _shiliuyuan(world)
    _keershan(world)
