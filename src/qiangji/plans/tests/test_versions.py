"""Rounds close into immutable versions; the database refuses to change them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from qiangji.plans.actions import RoundAlreadyClosed, do_close_round, do_save_node
from qiangji.plans.models import FrozenVersionError, PlanVersion, PlanVersionNode
from qiangji.plans.tests.factories import make_plan, make_small_tree


@pytest.fixture
def plan_with_tree(demo_world, shiliuyuan_secretary):
    plan = make_plan(demo_world)
    plan.brand_name = "幸福石榴园"
    plan.save()
    nodes = make_small_tree(plan, shiliuyuan_secretary)
    return plan, nodes


def test_closing_a_round_freezes_fields_and_every_node_in_reading_order(
    plan_with_tree, shiliuyuan_secretary
):
    plan, nodes = plan_with_tree
    version = do_close_round(plan=plan, by=shiliuyuan_secretary, note="初稿")
    assert (version.number, version.round_name) == (1, "提出")
    assert version.field("brand_name") == "幸福石榴园"
    titles = [n.title for n in version.nodes.all()]
    assert titles == [
        "为老服务主线",
        "助餐站",
        "建立助餐点",
        "招募志愿者",
        "健康站",
        "邻里共治主线",
        "议事站",
    ]
    labels = [n.label for n in version.nodes.all()]
    assert labels[:3] == ["（一）", "（一）1.", "（一）1.（1）"]
    assert version.node_count == 7
    plan.refresh_from_db()
    assert (plan.round_number, plan.round_name) == (2, "讨论")


def test_node_keys_are_stable_across_versions(plan_with_tree, shiliuyuan_secretary):
    plan, nodes = plan_with_tree
    v1 = do_close_round(plan=plan, by=shiliuyuan_secretary)
    v2 = do_close_round(plan=plan, by=shiliuyuan_secretary)
    key = nodes["助餐站"].key
    assert v1.nodes.get(key=key).title == v2.nodes.get(key=key).title == "助餐站"
    tree = v2.tree()
    assert [item.node.title for item in tree] == ["为老服务主线", "邻里共治主线"]
    assert tree[0].children[0].children[0].node.owner == "张**"


def test_the_database_rejects_updates_of_a_frozen_version(plan_with_tree, shiliuyuan_secretary):
    plan, _ = plan_with_tree
    version = do_close_round(plan=plan, by=shiliuyuan_secretary)
    node = version.nodes.first()
    statements = [
        ("UPDATE plans_planversion SET note = 'x' WHERE id = %s", version.pk),
        ("UPDATE plans_planversionnode SET title = 'x' WHERE id = %s", node.pk),
    ]
    for sql, pk in statements:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    assert PlanVersionNode.objects.get(pk=node.pk).title == node.title


def test_models_and_querysets_refuse_to_change_or_delete_a_version(
    plan_with_tree, shiliuyuan_secretary
):
    plan, _ = plan_with_tree
    version = do_close_round(plan=plan, by=shiliuyuan_secretary)
    version.note = "changed"
    with pytest.raises(FrozenVersionError):
        version.save()
    with pytest.raises(FrozenVersionError):
        version.delete()
    with pytest.raises(FrozenVersionError):
        PlanVersion.objects.filter(pk=version.pk).update(note="x")
    with pytest.raises(FrozenVersionError):
        PlanVersionNode.objects.filter(version=version).delete()
    assert PlanVersion.objects.get(pk=version.pk).note == ""


def test_editing_the_draft_after_closing_leaves_the_version_untouched(
    plan_with_tree, shiliuyuan_secretary
):
    plan, nodes = plan_with_tree
    version = do_close_round(plan=plan, by=shiliuyuan_secretary)
    node = nodes["助餐站"]
    result = do_save_node(
        node=node,
        values={"title": "长者助餐站"},
        base_revision=node.revision,
        round_number=2,
        by=shiliuyuan_secretary,
    )
    assert result.saved
    assert version.nodes.get(key=node.key).title == "助餐站"


def test_closing_the_same_round_twice_is_refused(plan_with_tree, shiliuyuan_secretary):
    plan, _ = plan_with_tree
    do_close_round(plan=plan, by=shiliuyuan_secretary, expected_round=1)
    with pytest.raises(RoundAlreadyClosed):
        do_close_round(plan=plan, by=shiliuyuan_secretary, expected_round=1)
    assert plan.versions.count() == 1


def test_rounds_past_the_configured_names_repeat_the_last(plan_with_tree, shiliuyuan_secretary):
    plan, _ = plan_with_tree
    names = [do_close_round(plan=plan, by=shiliuyuan_secretary).round_name for _ in range(6)]
    assert names == ["提出", "讨论", "优化", "细化", "修改", "修改（2）"]
