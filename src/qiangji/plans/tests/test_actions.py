"""Editing the draft: version column against lost updates, moves, ideas, comments, mentions."""

from __future__ import annotations

import datetime as dt

import pytest

from qiangji.audit.models import AuditEntry
from qiangji.notifications.models import Notice
from qiangji.plans.actions import (
    IDEA_LINE_TITLE,
    PlanError,
    do_add_comment,
    do_add_idea_to_draft,
    do_add_node,
    do_close_round,
    do_delete_node,
    do_move_node,
    do_resolve_conflict,
    do_save_node,
    do_save_plan_fields,
    do_shift_node,
    live_tree,
)
from qiangji.plans.models import EditConflict, NodeKind, Plan, PlanNode
from qiangji.plans.tests.factories import make_plan, make_small_tree


@pytest.fixture
def tree(demo_world, shiliuyuan_secretary):
    plan = make_plan(demo_world)
    return plan, make_small_tree(plan, shiliuyuan_secretary)


def test_a_save_against_an_old_revision_is_kept_as_a_conflict_not_applied(
    tree, shiliuyuan_secretary, shiliuyuan_staff
):
    plan, nodes = tree
    node = nodes["健康站"]
    loaded = node.revision
    first = do_save_node(
        node=node,
        values={"description": "每周测血压"},
        base_revision=loaded,
        round_number=1,
        by=shiliuyuan_secretary,
    )
    second = do_save_node(
        node=node,
        values={"description": "每月义诊"},
        base_revision=loaded,
        round_number=1,
        by=shiliuyuan_staff,
    )
    assert first.saved and not second.saved
    node.refresh_from_db()
    assert node.description == "每周测血压"
    conflict = second.conflict
    assert conflict.mine == {"description": "每月义诊"}
    assert conflict.theirs == {"description": "每周测血压"}
    assert conflict.author == shiliuyuan_staff


def test_resolving_a_conflict_with_merged_text_saves_it_over_the_newest_revision(
    tree, shiliuyuan_secretary, shiliuyuan_staff
):
    plan, nodes = tree
    node = nodes["健康站"]
    loaded = node.revision
    do_save_node(
        node=node,
        values={"description": "甲"},
        base_revision=loaded,
        round_number=1,
        by=shiliuyuan_secretary,
    )
    conflict = do_save_node(
        node=node,
        values={"description": "乙"},
        base_revision=loaded,
        round_number=1,
        by=shiliuyuan_staff,
    ).conflict
    result = do_resolve_conflict(
        conflict=conflict, choice="merged", values={"description": "甲；乙"}, by=shiliuyuan_staff
    )
    assert result.saved
    node.refresh_from_db()
    conflict.refresh_from_db()
    assert node.description == "甲；乙"
    assert conflict.resolution == "merged" and conflict.resolved_at is not None


def test_keeping_theirs_resolves_without_changing_the_node(
    tree, shiliuyuan_secretary, shiliuyuan_staff
):
    plan, nodes = tree
    node = nodes["健康站"]
    do_save_node(
        node=node,
        values={"title": "健康小屋"},
        base_revision=1,
        round_number=1,
        by=shiliuyuan_secretary,
    )
    conflict = do_save_node(
        node=node,
        values={"title": "健康驿站"},
        base_revision=1,
        round_number=1,
        by=shiliuyuan_staff,
    ).conflict
    do_resolve_conflict(conflict=conflict, choice="theirs", values=None, by=shiliuyuan_staff)
    node.refresh_from_db()
    assert node.title == "健康小屋"
    assert EditConflict.objects.get(pk=conflict.pk).resolution == "theirs"


def test_a_stale_form_posted_after_the_round_closed_is_kept_as_a_round_closed_conflict(
    tree, shiliuyuan_secretary
):
    plan, nodes = tree
    node = nodes["议事站"]
    do_close_round(plan=plan, by=shiliuyuan_secretary)
    result = do_save_node(
        node=node,
        values={"title": "议事厅"},
        base_revision=node.revision,
        round_number=1,
        by=shiliuyuan_secretary,
    )
    assert not result.saved
    assert result.conflict.reason == EditConflict.Reason.ROUND_CLOSED
    assert result.conflict.mine == {"title": "议事厅"}


def test_plan_fields_use_their_own_version_column(tree, shiliuyuan_secretary, shiliuyuan_staff):
    plan, _ = tree
    base = plan.revision
    assert do_save_plan_fields(
        plan=plan,
        values={"slogan": "服务520"},
        base_revision=base,
        round_number=1,
        by=shiliuyuan_secretary,
    ).saved
    late = do_save_plan_fields(
        plan=plan,
        values={"slogan": "服务521"},
        base_revision=base,
        round_number=1,
        by=shiliuyuan_staff,
    )
    assert not late.saved
    assert Plan.objects.get(pk=plan.pk).slogan == "服务520"
    assert late.conflict.mine == {"slogan": "服务521"}


def test_saving_unchanged_values_is_not_a_conflict(tree, shiliuyuan_secretary):
    plan, nodes = tree
    node = nodes["助餐站"]
    result = do_save_node(
        node=node,
        values={"title": "助餐站"},
        base_revision=0,
        round_number=1,
        by=shiliuyuan_secretary,
    )
    assert result.saved and result.conflict is None


def test_moving_a_node_under_its_own_descendant_is_refused(tree, shiliuyuan_secretary):
    plan, nodes = tree
    with pytest.raises(PlanError, match="descendant|后代|下级"):
        do_move_node(
            node=nodes["助餐站"], parent=nodes["建立助餐点"], position=0, by=shiliuyuan_secretary
        )
    with pytest.raises(PlanError):
        do_move_node(
            node=nodes["为老服务主线"], parent=nodes["助餐站"], position=0, by=shiliuyuan_secretary
        )
    nodes["助餐站"].refresh_from_db()
    assert nodes["助餐站"].parent_id == nodes["为老服务主线"].pk


def test_a_project_moves_to_another_line_and_siblings_are_renumbered(tree, shiliuyuan_secretary):
    plan, nodes = tree
    do_move_node(
        node=nodes["健康站"], parent=nodes["邻里共治主线"], position=0, by=shiliuyuan_secretary
    )
    titles = [[c.node.title for c in line.children] for line in live_tree(plan)]
    assert titles == [["助餐站"], ["健康站", "议事站"]]
    do_shift_node(
        node=PlanNode.objects.get(pk=nodes["议事站"].pk), offset=-1, by=shiliuyuan_secretary
    )
    titles = [[c.node.title for c in line.children] for line in live_tree(plan)]
    assert titles == [["助餐站"], ["议事站", "健康站"]]


def test_a_task_cannot_be_added_directly_under_a_line(tree, shiliuyuan_secretary):
    plan, nodes = tree
    with pytest.raises(PlanError):
        do_add_node(
            plan=plan, kind="task", parent=nodes["为老服务主线"], title="x", by=shiliuyuan_secretary
        )


def test_deleting_a_project_deletes_its_tasks_and_is_audited(tree, shiliuyuan_secretary):
    plan, nodes = tree
    do_delete_node(node=nodes["助餐站"], by=shiliuyuan_secretary)
    assert not PlanNode.objects.filter(title__in=["助餐站", "建立助餐点", "招募志愿者"]).exists()
    assert AuditEntry.objects.filter(action="delete", object_repr="建立助餐点").exists()


def test_node_edits_are_audited_with_the_editor(tree, shiliuyuan_staff):
    plan, nodes = tree
    node = nodes["议事站"]
    do_save_node(
        node=node,
        values={"venues": "党群服务中心"},
        base_revision=node.revision,
        round_number=1,
        by=shiliuyuan_staff,
    )
    entry = AuditEntry.objects.filter(action="update", object_id=str(node.pk)).latest("at")
    assert entry.actor == shiliuyuan_staff
    assert "venues" in entry.changes


def test_a_promoted_idea_lands_in_a_holding_line_of_the_draft(demo_world, keershan_secretary):
    node = do_add_idea_to_draft(
        community=demo_world.keershan,
        programme=demo_world.programme,
        text="楼栋长轮值\n每栋楼选一名楼栋长",
        kind="project",
        by=keershan_secretary,
    )
    assert node.kind == NodeKind.PROJECT and node.title == "楼栋长轮值"
    assert node.parent.title == IDEA_LINE_TITLE
    assert "每栋楼" in node.description
    task = do_add_idea_to_draft(
        community=demo_world.keershan,
        programme=demo_world.programme,
        text="建群",
        kind="task",
        by=keershan_secretary,
    )
    assert task.parent.parent == node.parent
    line = do_add_idea_to_draft(
        community=demo_world.keershan,
        programme=demo_world.programme,
        text="安全主线",
        kind="line",
        by=keershan_secretary,
    )
    assert line.parent is None
    assert Plan.objects.filter(community=demo_world.keershan).count() == 1
    with pytest.raises(PlanError):
        do_add_idea_to_draft(
            community=demo_world.keershan,
            programme=demo_world.programme,
            text="  ",
            kind="task",
            by=keershan_secretary,
        )


def test_a_mention_notifies_people_who_can_read_the_plan_only(
    tree, mentor, shiliuyuan_secretary, outsider
):
    plan, _ = tree
    comment = do_add_comment(
        plan=plan, author=mentor, body="@shiliuyuan 请补充指标 @outsider", url="/plans/1/"
    )
    assert list(comment.mentioned.all()) == [shiliuyuan_secretary]
    notice = Notice.objects.get(recipient=shiliuyuan_secretary)
    assert notice.kind == "mention"
    assert not Notice.objects.filter(recipient=outsider).exists()


def test_replies_thread_under_the_top_comment(tree, mentor, shiliuyuan_secretary):
    plan, _ = tree
    top = do_add_comment(plan=plan, author=mentor, body="预算偏高")
    reply = do_add_comment(plan=plan, author=shiliuyuan_secretary, body="已调整", parent=top)
    deeper = do_add_comment(plan=plan, author=mentor, body="好", parent=reply)
    assert reply.parent == top and deeper.parent == top


def test_task_deadline_is_stored_as_a_date(tree, shiliuyuan_secretary):
    plan, nodes = tree
    node = nodes["招募志愿者"]
    do_save_node(
        node=node,
        values={"deadline": "2026-06-01", "budget": "300"},
        base_revision=node.revision,
        round_number=1,
        by=shiliuyuan_secretary,
    )
    node.refresh_from_db()
    assert node.deadline == dt.date(2026, 6, 1) and str(node.budget) == "300.00"
