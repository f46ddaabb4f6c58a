"""立项 turns a reviewed version into items; progress rolls up by normalised weights."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qiangji.audit.models import AuditEntry
from qiangji.implementation.actions import (
    DeliveryError,
    do_approve,
    do_update_item,
    weighted_progress,
)
from qiangji.implementation.models import Item, Meaning, Milestone
from qiangji.implementation.tests.factories import make_delivery, mark_reviewed
from qiangji.plans.actions import do_close_round, do_save_node
from qiangji.plans.models import Plan, PlanNode
from qiangji.plans.tests.factories import make_plan, make_small_tree

pytestmark = pytest.mark.django_db


def test_weighted_progress_divides_by_the_sum_of_weights():
    # Decidim would report 2·100 + 1·0 = 200; the normalised rule gives 66.67.
    assert weighted_progress([(Decimal(100), Decimal(2)), (Decimal(0), Decimal(1))]) == Decimal(
        "66.67"
    )
    assert weighted_progress([(Decimal(40), Decimal(0)), (Decimal(80), Decimal(0))]) == Decimal(
        "60.00"
    )
    assert weighted_progress([]) is None


def test_approval_turns_the_version_tree_into_items_linked_to_their_nodes(demo_world):
    delivery = make_delivery(demo_world)
    items = {i.title: i for i in delivery.items.select_related("version_node", "parent", "line")}
    assert set(items) >= {"为老服务主线", "助餐站", "建立助餐点", "议事站"}
    task = items["建立助餐点"]
    assert (
        task.kind == "task" and task.parent.title == "助餐站" and task.line.title == "为老服务主线"
    )
    assert task.owner == "张**" and task.budget == Decimal("20000") and task.target == "60人"
    assert task.version_node.version_id == delivery.version_id
    assert task.node_key == task.version_node.key
    assert delivery.approvals.get().approved_by == demo_world.users["jiedao"]
    assert AuditEntry.objects.filter(note__contains="立项").exists()


def test_only_the_latest_reviewed_version_can_be_approved(demo_world):
    by = demo_world.users["shiliuyuan"]
    plan = make_plan(demo_world)
    make_small_tree(plan, by)
    v1 = do_close_round(plan=plan, by=by)
    with pytest.raises(DeliveryError, match="评审"):
        do_approve(plan=plan, version=v1, by=demo_world.users["jiedao"])
    mark_reviewed(v1, demo_world.users["daoshi"])
    v2 = do_close_round(plan=plan, by=by)
    with pytest.raises(DeliveryError, match="最新的已评审版本"):
        do_approve(plan=plan, version=v2, by=demo_world.users["jiedao"])
    mark_reviewed(v2, demo_world.users["daoshi"])
    with pytest.raises(DeliveryError, match="最新的已评审版本"):
        do_approve(plan=plan, version=v1, by=demo_world.users["jiedao"])
    assert do_approve(plan=plan, version=v2, by=demo_world.users["jiedao"]).added == 7


def test_a_later_version_keeps_items_by_key_adds_new_and_cancels_removed_with_a_reason(
    demo_world,
):
    delivery = make_delivery(demo_world)
    by = demo_world.users["shiliuyuan"]
    task = delivery.items.get(title="建立助餐点")
    do_update_item(item=task, by=by, progress=50)
    plan = Plan.objects.get(pk=delivery.plan_id)
    PlanNode.objects.get(plan=plan, title="招募志愿者").delete()
    node = PlanNode.objects.get(plan=plan, title="建立助餐点")
    do_save_node(
        node=node,
        values={"owner": "李**"},
        base_revision=node.revision,
        round_number=plan.round_number,
        by=by,
    )
    from qiangji.plans.actions import do_add_node

    do_add_node(
        plan=plan,
        kind="task",
        parent=PlanNode.objects.get(plan=plan, title="议事站"),
        title="每月议事",
        by=by,
    )
    v2 = do_close_round(plan=plan, by=by)
    mark_reviewed(v2, demo_world.users["daoshi"])
    result = do_approve(plan=plan, version=v2, by=demo_world.users["jiedao"])
    assert (result.added, result.cancelled) == (1, 1)
    task.refresh_from_db()
    assert task.owner == "李**" and task.progress == Decimal(50)  # kept, with its progress
    gone = Item.objects.get(delivery=delivery, title="招募志愿者")
    assert gone.status.meaning == Meaning.CANCELLED and "2" in gone.cancel_reason
    assert gone.milestones.filter(source=Milestone.Source.STATUS).exists()
    assert Item.objects.filter(delivery=delivery, title="每月议事").exists()


def test_progress_rolls_up_to_project_line_and_community(demo_world):
    delivery = make_delivery(demo_world)
    by = demo_world.users["shiliuyuan"]
    items = {i.title: i for i in delivery.items.all()}
    do_update_item(item=items["建立助餐点"], by=by, progress=100)
    project = Item.objects.get(pk=items["助餐站"].pk)
    assert project.progress == Decimal(50)  # two tasks: 100 and 0
    Item.objects.filter(pk=items["建立助餐点"].pk).update(weight=3)
    do_update_item(item=items["招募志愿者"], by=by, progress=20)
    project.refresh_from_db()
    assert project.progress == Decimal(80)  # (3·100 + 1·20) / 4
    line = Item.objects.get(pk=items["为老服务主线"].pk)
    assert line.progress == Decimal(40)  # 助餐站 80, 健康站 0
    delivery.refresh_from_db()
    assert delivery.progress == Decimal(20)  # lines 40 and 0


def test_cancelled_children_leave_the_roll_up(demo_world):
    delivery = make_delivery(demo_world)
    by = demo_world.users["shiliuyuan"]
    items = {i.title: i for i in delivery.items.select_related("status")}
    do_update_item(item=items["建立助餐点"], by=by, progress=100)
    cancelled = items["建立助餐点"].status.programme.delivery_statuses.get(key="cancelled")
    do_update_item(item=items["招募志愿者"], by=by, status=cancelled, reason="并入助餐点")
    assert Item.objects.get(pk=items["助餐站"].pk).progress == Decimal(100)


def test_every_status_change_writes_a_timeline_entry_and_sets_the_default_progress(demo_world):
    delivery = make_delivery(demo_world)
    item = delivery.items.get(title="建立助餐点")
    preparing = item.status.programme.delivery_statuses.get(key="preparing")
    do_update_item(item=item, by=demo_world.users["shiliuyuan"], status=preparing)
    item.refresh_from_db()
    assert item.progress == Decimal(20)
    entry = item.milestones.get(source=Milestone.Source.STATUS)
    assert (entry.status_from, entry.status_to) == ("未启动", "筹备中")


@pytest.mark.parametrize("value", [-1, 101, "abc", "NaN"])
def test_progress_outside_0_to_100_is_refused(demo_world, value):
    item = make_delivery(demo_world).items.get(title="建立助餐点")
    with pytest.raises(DeliveryError, match="0 到 100"):
        do_update_item(item=item, by=demo_world.users["shiliuyuan"], progress=value)


def test_progress_of_a_cancelled_item_is_refused(demo_world):
    item = make_delivery(demo_world).items.select_related("status").get(title="建立助餐点")
    cancelled = item.status.programme.delivery_statuses.get(key="cancelled")
    by = demo_world.users["shiliuyuan"]
    with pytest.raises(DeliveryError, match="原因"):
        do_update_item(item=item, by=by, status=cancelled)
    do_update_item(item=item, by=by, status=cancelled, reason="经费调整")
    with pytest.raises(DeliveryError, match="已取消"):
        do_update_item(item=item, by=by, progress=30)


def test_a_stale_update_is_not_applied_but_its_note_is_kept(demo_world):
    item = make_delivery(demo_world).items.get(title="建立助餐点")
    by = demo_world.users["shiliuyuan"]
    first_tab = item.revision
    do_update_item(item=item, by=by, progress=50, expected_revision=first_tab)
    result = do_update_item(
        item=item, by=by, progress=80, note="第二个标签页", expected_revision=first_tab
    )
    assert result.conflict and result.theirs["progress"] == Decimal(50)
    item.refresh_from_db()
    assert item.progress == Decimal(50)
    assert item.milestones.filter(text="第二个标签页").exists()
