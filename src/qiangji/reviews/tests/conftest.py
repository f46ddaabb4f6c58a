"""Fixtures of the reviews tests: plans with frozen versions, mentors, assignments."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from qiangji.accounts.models import Role, RoleGrant, User
from qiangji.plans.actions import do_add_node, do_close_round, do_start_plan
from qiangji.plans.models import Plan, PlanVersion
from qiangji.reviews.actions import do_assign, do_ensure_rubric
from qiangji.reviews.models import Assignment, Rubric


@dataclass
class ReviewWorld:
    world: object
    rubric: Rubric
    shiliuyuan_plan: Plan
    keershan_plan: Plan
    v1: PlanVersion  # 石榴园 version 1
    assignment: Assignment  # the demo mentor on 石榴园's round 1


def make_mentor(world, username: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"display_name": f"示例·{username}"}
    )
    RoleGrant.objects.get_or_create(user=user, role=Role.MENTOR, programme=world.programme)
    return user


def make_plan_with_version(world, community, by) -> tuple[Plan, PlanVersion]:
    plan = do_start_plan(programme=world.programme, community=community, by=by)
    plan.brand_name = "幸福石榴园，服务520" if community.name == "石榴园社区" else "K23幸福家园"
    plan.goals = "打造“零距离”服务品牌，五个站点、两条主线。"
    plan.save()
    line = do_add_node(plan=plan, kind="line", parent=None, title="零距离服务主线", by=by)
    do_add_node(
        plan=plan,
        kind="project",
        parent=line,
        title="五个站点",
        by=by,
        description="在五个小区设站点",
    )
    version = do_close_round(plan=plan, by=by)
    plan.refresh_from_db()
    return plan, version


@pytest.fixture
def review_world(demo_world) -> ReviewWorld:
    users = demo_world.users
    rubric = do_ensure_rubric(programme=demo_world.programme)
    plan, v1 = make_plan_with_version(demo_world, demo_world.shiliuyuan, users["shiliuyuan"])
    keershan_plan, _ = make_plan_with_version(demo_world, demo_world.keershan, users["keershan"])
    assignment = do_assign(plan=plan, round_number=1, reviewer=users["daoshi"], by=users["jiedao"])
    return ReviewWorld(
        world=demo_world,
        rubric=rubric,
        shiliuyuan_plan=plan,
        keershan_plan=keershan_plan,
        v1=v1,
        assignment=assignment,
    )
