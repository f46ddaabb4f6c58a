"""Demo data of the reviews app: mentors, two rounds of scored reviews, suggestions and answers.

Idempotent: nothing is added when the programme already has reviews. Plans made by the plans
demo are used as they are; communities without a plan get a small sample plan (示例) so the
whole 提出—讨论—优化 loop can be shown. Scores are drawn from a fixed seed.
"""

from __future__ import annotations

import random

from qiangji.accounts.models import Role, RoleGrant, User
from qiangji.audit.registry import acting_as
from qiangji.plans.actions import (
    do_add_node,
    do_close_round,
    do_save_node,
    do_save_plan_fields,
    do_start_plan,
)
from qiangji.plans.models import Plan
from qiangji.reviews.actions import (
    DraftInput,
    do_add_remark,
    do_add_suggestion,
    do_answer_suggestion,
    do_auto_assign,
    do_ensure_rubric,
    do_save_draft,
    do_set_stage,
    do_start_review,
    do_submit_review,
)
from qiangji.reviews.models import Assignment, Review

SAMPLE_MENTORS = [
    ("mentor_jia", "示例·导师甲", "社会工作专业副教授（示例）"),
    ("mentor_yi", "示例·导师乙", "区委党校讲师（示例）"),
    ("mentor_bing", "示例·导师丙", "社会组织负责人（示例）"),
    ("mentor_ding", "示例·导师丁", "街道规划顾问（示例）"),
]

SUGGESTIONS = [
    "站点要写明开放时间和值守人员。",
    "主线与居民最关切的事项对应关系不够清楚，建议逐条对应。",
    "项目经费来源需要细化到每一项任务。",
    "建议引入物业和驻区单位共同参与，明确各自分工。",
    "品牌口号可以更简洁，便于居民记忆。",
    "任务缺少可衡量的指标和完成时限。",
]
REASONS = {
    "adopted": "已按建议补充完善。",
    "partly": "部分采纳：先在两个小区试行，再推广。",
    "declined": "经居民议事会讨论，暂不调整，理由已在方案中说明。",
}
SAMPLE_LINES = [
    ("零距离服务主线", ["五个站点", "邻里议事会"]),
    ("共建共治主线", ["物业联席会议", "志愿服务队"]),
]


def _mentors(world) -> list[User]:
    mentors = [world.users["daoshi"]]
    for username, name, title in SAMPLE_MENTORS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, display_name=name, title=title)
            user.set_unusable_password()
            user.save()
        RoleGrant.objects.get_or_create(user=user, role=Role.MENTOR, programme=world.programme)
        mentors.append(user)
    return mentors


def _sample_plan(world, community, by) -> Plan:
    plan = do_start_plan(programme=world.programme, community=community, by=by)
    if not plan.nodes.exists() and not plan.versions.exists():
        plan.brand_name = f"{community.name.removesuffix('社区')}·幸福家园（示例）"
        plan.goals = "聚焦居民最关切、最紧迫的事项，打造居民身边的服务品牌。"
        plan.save()
        for line_title, projects in SAMPLE_LINES:
            line = do_add_node(plan=plan, kind="line", parent=None, title=line_title, by=by)
            for title in projects:
                do_add_node(
                    plan=plan,
                    kind="project",
                    parent=line,
                    title=title,
                    by=by,
                    description=f"{title}（示例）",
                )
    return plan


def _review_round(
    plans, mentors, round_number: int, rng: random.Random, *, leave_open: int
) -> None:
    quality = {p.pk: 2.6 + (i % 5) * 0.35 for i, p in enumerate(plans)}
    leniency = {m.pk: d for m, d in zip(mentors, [0.0, 0.4, -0.4, 0.2, -0.2], strict=False)}
    demo_mentor = mentors[0]
    left_open = 0
    for assignment in Assignment.objects.filter(
        plan__in=plans, round_number=round_number
    ).select_related("plan", "reviewer"):
        if assignment.reviewer_id == demo_mentor.pk and left_open < leave_open:
            left_open += 1  # the demo mentor still has reviews due on their home page
            continue
        review = do_start_review(assignment=assignment, by=assignment.reviewer)
        base = (
            quality[assignment.plan_id]
            + leniency.get(assignment.reviewer_id, 0)
            + 0.5 * (round_number - 1)
        )
        scores = {
            s.criterion_id: str(min(5, max(1, round(base + rng.gauss(0, 0.6)))))
            for s in review.scores.all()
        }
        do_save_draft(
            review=review,
            by=assignment.reviewer,
            data=DraftInput(
                opinion="方案聚焦居民关切，思路清晰；建议进一步细化任务和保障措施。（示例）",
                confidence=rng.choice([2, 3]),
                scores=scores,
            ),
        )
        node = review.plan_version.nodes.filter(kind="project").first()
        do_add_suggestion(
            review=review,
            by=assignment.reviewer,
            text=rng.choice(SUGGESTIONS),
            node_key=str(node.key) if node else None,
        )
        do_submit_review(review=review, by=assignment.reviewer)


# What a community changes in its plan when it adopts a suggestion: the next version shows it.
ADOPTED_EDITS = {
    SUGGESTIONS[0]: (
        "node",
        "description",
        "开放时间：周一至周六8:30—17:30；值守：社区工作人员与志愿者轮值。",
    ),
    SUGGESTIONS[1]: ("node", "concerns", "老年人吃饭难\n小区停车秩序乱"),
    SUGGESTIONS[2]: (
        "plan",
        "budget_note",
        "经费按任务列支：街道党建经费、驻区单位共建资金、社区公益金分别对应到每项任务。（示例）",
    ),
    SUGGESTIONS[3]: ("node", "actors", "社区党组织\n物业\n驻区单位"),
    SUGGESTIONS[4]: ("plan", "slogan", None),
    SUGGESTIONS[5]: ("node", "description", "指标：每月服务不少于100人次；完成时限：2026年6月底。"),
}


def _apply_adopted(plan: Plan, suggestion, by) -> None:
    """Make the change an adopted suggestion asks for in the plan's live draft."""
    target, name, text = ADOPTED_EDITS.get(
        suggestion.text, ("node", "description", suggestion.text)
    )
    plan = Plan.objects.get(pk=plan.pk)
    node = plan.nodes.filter(key=suggestion.node_key).first() if suggestion.node_key else None
    if target == "node" and node is None:
        node = plan.nodes.filter(kind="project").order_by("pk").first()
    if target == "plan" or node is None:
        if target == "node":
            name, text = "goals", f"{plan.goals}（已按导师意见完善：{suggestion.text}）"
        if name == "slogan":
            text = (
                f"{plan.community.name.removesuffix('社区').removesuffix('（示例）')}，家门口的幸福"
            )
        do_save_plan_fields(
            plan=plan,
            values={name: text},
            base_revision=plan.revision,
            round_number=plan.round_number,
            by=by,
        )
        return
    current = getattr(node, name) or ""
    value = text if name in ("concerns", "actors") else f"{current}{text}".strip()
    if value == current:
        value = f"{current}（{suggestion.text}）"
    do_save_node(
        node=node,
        values={name: value},
        base_revision=node.revision,
        round_number=plan.round_number,
        by=by,
    )


def _answer_all(plans, rng: random.Random) -> None:
    for plan in plans:
        grant = RoleGrant.objects.filter(
            territory=plan.community, role=Role.COMMUNITY_SECRETARY
        ).first()
        by = grant.user if grant else None
        for review in Review.objects.filter(
            plan_version__plan=plan, status=Review.Status.SUBMITTED
        ):
            for suggestion in review.suggestions.filter(answer__isnull=True):
                decision = rng.choice(["adopted", "adopted", "partly", "declined"])
                live = (
                    plan.nodes.filter(key=suggestion.node_key).first()
                    if suggestion.node_key
                    else None
                )
                do_answer_suggestion(
                    suggestion=suggestion,
                    by=by,
                    decision=decision,
                    reason=REASONS[decision],
                    node_key=str(live.key) if live else None,
                )
                if decision in ("adopted", "partly"):
                    _apply_adopted(plan, suggestion, by)


def load(world) -> None:
    """Add mentors, a rubric, assignments, two rounds of reviews, answers and remarks."""
    programme = world.programme
    if Review.objects.filter(plan_version__plan__programme=programme).exists():
        return
    admin = world.users["jiedao"]
    rng = random.Random(20260219)  # noqa: S311 - demo data, not security
    with acting_as(admin):
        do_ensure_rubric(programme=programme, by=admin)
        mentors = _mentors(world)
        plans = []
        for community in world.communities.values():
            secretary = world.users.get("shiliuyuan") if community == world.shiliuyuan else admin
            plans.append(_sample_plan(world, community, secretary))
        fresh = [p for p in plans if not p.versions.exists()]
        for plan in fresh:
            do_close_round(plan=plan, by=admin, note="第一轮：提出（示例）")
        plans = [Plan.objects.select_related("community", "programme").get(pk=p.pk) for p in plans]
        reviewable = [p for p in plans if p.versions.count() == 1]
        do_auto_assign(programme=programme, round_number=1, per_plan=3, by=admin)
        _review_round(reviewable, mentors, 1, rng, leave_open=0)
        # 石榴园 stays in round 2 with its suggestions open, for its secretary to answer.
        moving_on = [p for p in reviewable if p.community_id != world.shiliuyuan.pk]
        _answer_all(moving_on, rng)
        for plan in moving_on:
            do_close_round(plan=plan, by=admin, note="第二轮：讨论，回复导师意见（示例）")
        round_two = [p for p in reviewable if p.versions.count() == 2]
        do_auto_assign(programme=programme, round_number=2, per_plan=3, by=admin)
        _review_round(round_two, mentors, 2, rng, leave_open=1)
        do_set_stage(programme=programme, round_number=1, published=True, by=admin)
    leader = world.users["lingdao"]
    with acting_as(leader):
        for plan in plans[:2]:
            do_add_remark(
                plan=plan,
                by=leader,
                text="品牌定位清晰，要把居民最关切的事办实办细，持续跟踪落实。（示例）",
                visibility="programme",
            )
