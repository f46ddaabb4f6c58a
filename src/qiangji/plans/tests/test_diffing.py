"""Structured diffs between versions and the draft, and the completeness check."""

from __future__ import annotations

import datetime as dt

import pytest

from qiangji.plans.actions import (
    do_add_node,
    do_close_round,
    do_delete_node,
    do_move_node,
    do_save_node,
    do_save_plan_fields,
    live_tree,
)
from qiangji.plans.completeness import check_plan
from qiangji.plans.diffing import compare, snapshot_of_draft, snapshot_of_version
from qiangji.plans.tests.factories import make_plan, make_small_tree


@pytest.fixture
def closed(demo_world, shiliuyuan_secretary):
    plan = make_plan(demo_world)
    nodes = make_small_tree(plan, shiliuyuan_secretary)
    do_save_plan_fields(
        plan=plan,
        values={"goals": "建设五个站点。服务老人。"},
        base_revision=plan.revision,
        round_number=1,
        by=shiliuyuan_secretary,
    )
    version = do_close_round(plan=plan, by=shiliuyuan_secretary)
    return plan, nodes, version


def test_a_version_compared_with_itself_has_no_difference(closed):
    plan, _, version = closed
    assert compare(snapshot_of_version(version), snapshot_of_draft(plan)).is_empty


def test_added_removed_moved_and_changed_nodes_are_each_reported(closed, shiliuyuan_secretary):
    plan, nodes, version = closed
    do_add_node(
        plan=plan,
        kind="project",
        parent=nodes["邻里共治主线"],
        title="调解站",
        by=shiliuyuan_secretary,
    )
    do_delete_node(node=nodes["招募志愿者"], by=shiliuyuan_secretary)
    do_move_node(
        node=nodes["健康站"], parent=nodes["邻里共治主线"], position=None, by=shiliuyuan_secretary
    )
    task = nodes["建立助餐点"]
    task.refresh_from_db()
    do_save_node(
        node=task,
        values={"deadline": dt.date(2026, 6, 1), "description": "在党群服务中心设点。"},
        base_revision=task.revision,
        round_number=2,
        by=shiliuyuan_secretary,
    )
    result = compare(snapshot_of_version(version), snapshot_of_draft(plan))
    assert [n.title for n in result.added] == ["调解站"]
    assert [n.title for n in result.removed] == ["招募志愿者"]
    assert [(m.title, m.new_parent.endswith("邻里共治主线")) for m in result.moved] == [
        ("健康站", True)
    ]
    (changed,) = result.changed
    fields = {f.name: f for f in changed.fields}
    assert fields["deadline"].old == "2026-05-01" and fields["deadline"].new == "2026-06-01"
    assert "<ins>" in fields["description"].html


def test_reordering_siblings_is_a_move_but_adding_a_sibling_is_not(closed, shiliuyuan_secretary):
    plan, nodes, version = closed
    do_add_node(
        plan=plan,
        kind="project",
        parent=nodes["为老服务主线"],
        title="新站",
        by=shiliuyuan_secretary,
    )
    assert compare(snapshot_of_version(version), snapshot_of_draft(plan)).moved == []
    do_move_node(
        node=nodes["健康站"], parent=nodes["为老服务主线"], position=0, by=shiliuyuan_secretary
    )
    moved = compare(snapshot_of_version(version), snapshot_of_draft(plan)).moved
    assert [m.title for m in moved] == ["健康站"]


def test_text_fields_diff_by_sentence_then_word(closed, shiliuyuan_secretary):
    plan, _, version = closed
    plan.refresh_from_db()
    do_save_plan_fields(
        plan=plan,
        values={"goals": "建设六个站点。服务老人。"},
        base_revision=plan.revision,
        round_number=2,
        by=shiliuyuan_secretary,
    )
    (goals,) = compare(snapshot_of_version(version), snapshot_of_draft(plan)).fields
    assert goals.html.endswith("服务老人。")
    assert "<del>五个</del>" in goals.html and "<ins>六个</ins>" in goals.html
    char = compare(
        snapshot_of_version(version), snapshot_of_draft(plan), granularity="char"
    ).fields[0]
    assert "<del>五</del><ins>六</ins>" in char.html


def test_two_versions_compare_by_stable_keys(closed, shiliuyuan_secretary):
    plan, nodes, v1 = closed
    node = nodes["议事站"]
    node.refresh_from_db()
    do_save_node(
        node=node,
        values={"title": "红色议事厅"},
        base_revision=node.revision,
        round_number=2,
        by=shiliuyuan_secretary,
    )
    v2 = do_close_round(plan=plan, by=shiliuyuan_secretary)
    result = compare(snapshot_of_version(v1), snapshot_of_version(v2))
    assert [c.title for c in result.changed] == ["红色议事厅"]
    assert not result.added and not result.removed


def test_completeness_lists_tasks_without_owner_deadline_or_indicator_and_uncited_concerns(
    demo_world, shiliuyuan_secretary
):
    plan = make_plan(demo_world)
    nodes = make_small_tree(plan, shiliuyuan_secretary)
    plan.concerns = "老人吃饭难\n停车难"
    plan.save()
    node = nodes["助餐站"]
    do_save_node(
        node=node,
        values={"concerns": "老人吃饭难", "actors": "物业"},
        base_revision=node.revision,
        round_number=1,
        by=shiliuyuan_secretary,
    )
    plan.refresh_from_db()
    gaps = check_plan(plan, live_tree(plan)).gaps
    codes = {(g.code, g.node.title if g.node else "") for g in gaps}
    assert ("task_without_owner", "招募志愿者") in codes
    assert ("task_without_deadline", "招募志愿者") in codes
    assert ("task_without_indicator", "招募志愿者") in codes
    assert ("project_without_tasks", "健康站") in codes
    assert ("concern_not_cited", "") in codes
    messages = " ".join(g.message for g in gaps)
    assert "停车难" in messages and "老人吃饭难" not in messages
    assert not any(title == "建立助餐点" for _, title in codes if _.startswith("task_without"))


def test_an_empty_plan_is_0_percent_and_says_it_has_no_main_line(demo_world):
    plan = make_plan(demo_world)
    result = check_plan(plan, [])
    assert result.percent == 0 and not result.is_complete
    assert "no_lines" in {g.code for g in result.gaps}


def test_version_snapshots_are_cached_because_versions_never_change(
    closed, django_assert_num_queries
):
    _, _, version = closed
    first = snapshot_of_version(version)
    with django_assert_num_queries(0):
        again = snapshot_of_version(version)
    assert again.nodes.keys() == first.nodes.keys()
    assert [n.content for n in again.nodes.values()] == [n.content for n in first.nodes.values()]


def test_the_diff_page_names_an_added_nodes_kind_in_chinese(
    closed, shiliuyuan_secretary, client_for
):
    from django.urls import reverse

    plan, nodes, _version = closed
    do_add_node(
        plan=plan, kind="task", parent=nodes["健康站"], title="每月义诊", by=shiliuyuan_secretary
    )
    url = reverse("plans:diff", kwargs={"pk": plan.pk}) + "?a=1&b=draft"
    page = client_for(shiliuyuan_secretary).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").text
    added = page[page.index('class="added"') :]
    assert '<small class="muted">任务</small>' in added
    assert '<small class="muted">task</small>' not in page
