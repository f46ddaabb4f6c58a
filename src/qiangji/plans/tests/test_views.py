"""The plan pages: happy paths, htmx fragments, outsiders, wrong methods and bad input."""

from __future__ import annotations

import pytest

from qiangji.plans.actions import do_close_round
from qiangji.plans.models import EditConflict, Plan, PlanNode
from qiangji.plans.tests.factories import make_plan, make_small_tree

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(demo_world, shiliuyuan_secretary):
    plan = make_plan(demo_world)
    make_small_tree(plan, shiliuyuan_secretary)
    return plan


def _node(title: str) -> PlanNode:
    return PlanNode.objects.get(title=title)


def test_the_plan_list_offers_to_start_a_plan_for_the_secretarys_own_community_only(
    client_for, shiliuyuan_secretary, demo_world
):
    html = client_for(shiliuyuan_secretary).get("/plans/").content.decode()
    assert f"/plans/start/{demo_world.programme.pk}/{demo_world.shiliuyuan.pk}/" in html
    assert f"/plans/start/{demo_world.programme.pk}/{demo_world.keershan.pk}/" not in html


def test_starting_a_plan_twice_keeps_one_plan(client_for, shiliuyuan_secretary, demo_world):
    client = client_for(shiliuyuan_secretary)
    url = f"/plans/start/{demo_world.programme.pk}/{demo_world.shiliuyuan.pk}/"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert Plan.objects.filter(community=demo_world.shiliuyuan).count() == 1
    assert client.get(url).status_code == 405


def test_the_editor_shows_the_numbered_tree_and_the_completeness_panel(
    client_for, shiliuyuan_secretary, plan
):
    html = client_for(shiliuyuan_secretary).get(f"/plans/{plan.pk}/").content.decode()
    assert "为老服务主线" in html and 'id="add-line"' in html
    assert 'id="completeness"' in html and "招募志愿者" in html


def test_a_mentor_reads_the_plan_without_edit_controls(client_for, mentor, plan):
    html = client_for(mentor).get(f"/plans/{plan.pk}/").content.decode()
    assert "为老服务主线" in html
    assert 'id="add-line"' not in html and "/close-round/" not in html
    assert 'id="comment-body"' in html


def test_saving_a_node_over_htmx_returns_only_that_node(client_for, shiliuyuan_secretary, plan):
    node = _node("健康站")
    response = client_for(shiliuyuan_secretary).post(
        f"/plans/{plan.pk}/nodes/{node.pk}/save/",
        {
            "title": "健康小屋",
            "actors": "卫生服务站\n志愿者",
            "revision": node.revision,
            "round": 1,
        },
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div class="node-body" id="node-{node.pk}-body">')
    assert "健康小屋" in html and "<html" not in html
    assert response["HX-Trigger"] == "plansChanged"


def test_a_stale_node_form_gets_the_conflict_panel_with_both_texts(
    client_for, shiliuyuan_secretary, shiliuyuan_staff, plan
):
    node = _node("健康站")
    base = node.revision
    client_for(shiliuyuan_secretary).post(
        f"/plans/{plan.pk}/nodes/{node.pk}/save/",
        {"title": "健康小屋", "revision": base, "round": 1},
        **HX,
    )
    response = client_for(shiliuyuan_staff).post(
        f"/plans/{plan.pk}/nodes/{node.pk}/save/",
        {"title": "健康驿站", "revision": base, "round": 1},
        **HX,
    )
    html = response.content.decode()
    assert "conflict-panel" in html and "健康小屋" in html and "健康驿站" in html
    conflict = EditConflict.objects.get()
    assert conflict.mine == {"title": "健康驿站"}
    # Without htmx the editor lands on the conflict page.
    again = client_for(shiliuyuan_staff).post(
        f"/plans/{plan.pk}/nodes/{node.pk}/save/",
        {"title": "健康驿站2", "revision": base, "round": 1},
    )
    assert again.status_code == 302 and "/conflicts/" in again["Location"]


def test_a_form_posted_after_the_round_closed_is_kept_not_applied(
    client_for, shiliuyuan_secretary, plan
):
    node = _node("议事站")
    do_close_round(plan=plan, by=shiliuyuan_secretary)
    response = client_for(shiliuyuan_secretary).post(
        f"/plans/{plan.pk}/nodes/{node.pk}/save/",
        {"title": "议事厅", "revision": node.revision, "round": 1},
        **HX,
    )
    assert "conflict-panel" in response.content.decode()
    assert _node("议事站").title == "议事站"
    assert EditConflict.objects.get().reason == "round_closed"


def test_pasted_word_html_and_script_become_plain_text(client_for, shiliuyuan_secretary, plan):
    node = _node("助餐站")
    pasted = '<p class=MsoNormal><span style="mso-bidi-font-family:宋体">每日午餐<o:p></o:p></span></p><script>alert(1)</script><p>第二段</p>'
    client_for(shiliuyuan_secretary).post(
        f"/plans/{plan.pk}/nodes/{node.pk}/save/",
        {"title": "助餐站", "description": pasted, "revision": node.revision, "round": 1},
        **HX,
    )
    node.refresh_from_db()
    assert node.description == "每日午餐\n第二段"
    page = client_for(shiliuyuan_secretary).get(f"/plans/{plan.pk}/").content.decode()
    assert "<script>alert(1)" not in page


def test_a_script_title_is_shown_escaped(client_for, shiliuyuan_secretary, plan):
    client_for(shiliuyuan_secretary).post(
        f"/plans/{plan.pk}/nodes/add/",
        {"kind": "line", "title": "<img src=x onerror=alert(1)>主线"},
        **HX,
    )
    page = client_for(shiliuyuan_secretary).get(f"/plans/{plan.pk}/").content.decode()
    assert "<img src=x" not in page


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"deadline": "2025-12-31"}, "2026-02-01"),
        ({"budget": "-100"}, "0"),
        ({"budget": "999999999999"}, ""),
        ({"deadline": "not a date"}, ""),
    ],
)
def test_bad_task_values_are_refused_with_a_message_and_the_text_kept(
    client_for, shiliuyuan_secretary, plan, values, message
):
    task = _node("招募志愿者")
    data = {
        "title": "招募志愿者",
        "description": "保留我",
        "revision": task.revision,
        "round": 1,
        **values,
    }
    response = client_for(shiliuyuan_secretary).post(
        f"/plans/{plan.pk}/nodes/{task.pk}/save/", data, **HX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "errorlist" in html and message in html
    assert "保留我" in html
    task.refresh_from_db()
    assert task.description == ""


def test_moving_a_project_under_a_task_gets_a_message_not_a_500(
    client_for, shiliuyuan_secretary, plan
):
    project, task = _node("助餐站"), _node("建立助餐点")
    response = client_for(shiliuyuan_secretary).post(
        f"/plans/{plan.pk}/nodes/{project.pk}/move/", {"parent": task.pk}, **HX
    )
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    project.refresh_from_db()
    assert project.parent.title == "为老服务主线"


def test_moving_a_node_into_another_plan_is_refused(client_for, superuser, plan, demo_world):
    other = make_plan(demo_world, community=demo_world.keershan, by=demo_world.users["keershan"])
    foreign = make_small_tree(other, demo_world.users["keershan"])["为老服务主线"]
    project = PlanNode.objects.get(plan=plan, title="助餐站")
    response = client_for(superuser).post(
        f"/plans/{plan.pk}/nodes/{project.pk}/move/", {"parent": foreign.pk}, **HX
    )
    assert "form-errors" in response.content.decode()
    project.refresh_from_db()
    assert project.plan_id == plan.pk and project.parent.plan_id == plan.pk


def test_saving_a_deleted_node_shows_the_lost_text(client_for, shiliuyuan_secretary, plan):
    node = _node("议事站")
    node_pk = node.pk
    client_for(shiliuyuan_secretary).post(f"/plans/{plan.pk}/nodes/{node_pk}/delete/", **HX)
    response = client_for(shiliuyuan_secretary).post(
        f"/plans/{plan.pk}/nodes/{node_pk}/save/",
        {"title": "议事站", "description": "我的长文本", "revision": 1},
    )
    assert "我的长文本" in response.content.decode()


def test_closing_a_round_twice_from_stale_forms_freezes_one_version(
    client_for, shiliuyuan_secretary, plan
):
    client = client_for(shiliuyuan_secretary)
    assert client.post(f"/plans/{plan.pk}/close-round/", {"round": 1}).status_code == 302
    assert client.post(f"/plans/{plan.pk}/close-round/", {"round": 1}).status_code == 302
    assert plan.versions.count() == 1
    assert client.post(f"/plans/{plan.pk}/close-round/", {"round": "x"}).status_code == 302
    assert plan.versions.count() == 1


def test_the_diff_page_and_its_htmx_fragment(client_for, shiliuyuan_secretary, plan):
    do_close_round(plan=plan, by=shiliuyuan_secretary)
    client = client_for(shiliuyuan_secretary)
    page = client.get(f"/plans/{plan.pk}/diff/?a=1&b=draft&mode=char")
    assert page.status_code == 200 and 'id="diff-body"' in page.content.decode()
    fragment = client.get(f"/plans/{plan.pk}/diff/?a=1&b=draft", **HX).content.decode()
    assert fragment.lstrip().startswith('<div id="diff-body"')
    assert client.get(f"/plans/{plan.pk}/diff/?a=99").status_code == 404
    assert client.get(f"/plans/{plan.pk}/diff/?a=abc").status_code == 404


def test_a_comment_over_htmx_returns_the_discussion(client_for, mentor, plan):
    response = client_for(mentor).post(
        f"/plans/{plan.pk}/comments/", {"body": "@shiliuyuan 请细化任务"}, **HX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="discussion"') and "请细化任务" in html
    empty = client_for(mentor).post(f"/plans/{plan.pk}/comments/", {"body": "   "}, **HX)
    assert empty.status_code == 200 and plan.comments.count() == 1


def test_exports_are_downloads_with_chinese_file_names(client_for, leader, plan):
    client = client_for(leader)
    docx = client.get(f"/plans/{plan.pk}/export.docx")
    assert docx["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "filename*=UTF-8''" in docx["Content-Disposition"]
    assert client.get(f"/plans/{plan.pk}/tasks.xlsx").content[:2] == b"PK"
    assert client.get(f"/plans/{plan.pk}/export.docx?version=9").status_code == 404
    assert client.get(f"/plans/{plan.pk}/export.docx?version=x").status_code == 404
    printable = client.get(f"/plans/{plan.pk}/print/").content.decode()
    assert "（一）为老服务主线" in printable and "任务清单" in printable


def test_the_import_page_runs_a_dry_run_by_default(client_for, shiliuyuan_secretary, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(shiliuyuan_secretary)
    data = client.get(f"/plans/{plan.pk}/tasks.xlsx").content
    upload = SimpleUploadedFile("t.xlsx", data)
    response = client.post(f"/plans/{plan.pk}/import/", {"file": upload, "dry_run": "on"})
    assert response.status_code == 200 and "import-report" in response.content.decode()
    bad = client.post(f"/plans/{plan.pk}/import/", {"file": SimpleUploadedFile("t.csv", b"")})
    assert bad.status_code == 200


def test_the_timeline_lists_versions_and_changes(client_for, shiliuyuan_secretary, plan):
    do_close_round(plan=plan, by=shiliuyuan_secretary, note="初稿完成")
    html = client_for(shiliuyuan_secretary).get(f"/plans/{plan.pk}/timeline/").content.decode()
    assert "初稿完成" in html and "event-version" in html and "event-change" in html


def test_wrong_methods_are_405(client_for, shiliuyuan_secretary, plan):
    client = client_for(shiliuyuan_secretary)
    assert client.get(f"/plans/{plan.pk}/close-round/").status_code == 405
    assert client.get(f"/plans/{plan.pk}/fields/").status_code == 405
    assert client.post(f"/plans/{plan.pk}/diff/").status_code == 405
    node = _node("助餐站")
    assert client.get(f"/plans/{plan.pk}/nodes/{node.pk}/delete/").status_code == 405


def test_fields_save_over_htmx_and_conflict(
    client_for, shiliuyuan_secretary, shiliuyuan_staff, plan
):
    base = plan.revision
    ok = client_for(shiliuyuan_secretary).post(
        f"/plans/{plan.pk}/fields/",
        {"brand_name": "幸福石榴园", "revision": base, "round": 1},
        **HX,
    )
    assert ok.content.decode().lstrip().startswith('<section id="fields"')
    late = client_for(shiliuyuan_staff).post(
        f"/plans/{plan.pk}/fields/", {"brand_name": "石榴红", "revision": base, "round": 1}, **HX
    )
    assert "conflict-panel" in late.content.decode()
    assert Plan.objects.get(pk=plan.pk).brand_name == "幸福石榴园"


def test_an_admin_renames_the_rounds_and_the_next_version_uses_the_new_name(
    client_for, jiedao_admin, shiliuyuan_secretary, plan, demo_world
):
    client = client_for(jiedao_admin)
    url = f"/plans/rounds/{demo_world.programme.pk}/"
    assert "提出" in client.get(url).content.decode()
    bad = client.post(url, {"names": "甲\n甲"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    assert client.post(url, {"names": "初稿\n<b>定稿</b>"}).status_code == 302
    version = do_close_round(plan=plan, by=shiliuyuan_secretary)
    assert version.round_name == "初稿"
    plan.refresh_from_db()
    assert plan.round_name == "定稿"
    assert client_for(shiliuyuan_secretary).get(url).status_code == 403


def test_a_merged_text_that_is_not_valid_is_refused_with_a_message(
    client_for, shiliuyuan_secretary, shiliuyuan_staff, plan
):
    task = _node("建立助餐点")
    base = task.revision
    client_for(shiliuyuan_secretary).post(
        f"/plans/{plan.pk}/nodes/{task.pk}/save/",
        {"title": "建立助餐点", "budget": "100", "revision": base, "round": 1},
        **HX,
    )
    client_for(shiliuyuan_staff).post(
        f"/plans/{plan.pk}/nodes/{task.pk}/save/",
        {"title": "建立助餐点", "budget": "200", "revision": base, "round": 1},
        **HX,
    )
    conflict = EditConflict.objects.get()
    client = client_for(shiliuyuan_staff)
    url = f"/plans/{plan.pk}/conflicts/{conflict.pk}/"
    for bad in ("-5", "abc", "1e20"):
        response = client.post(url, {"choice": "merged", "merged-budget": bad})
        assert response.status_code == 302 and response["Location"].endswith(url)
    task.refresh_from_db()
    assert str(task.budget) == "100.00"
    assert client.post(url, {"choice": "merged", "merged-budget": "150"}).status_code == 302
    task.refresh_from_db()
    assert str(task.budget) == "150.00"
    assert EditConflict.objects.get().resolution == "merged"


def test_a_comment_on_a_node_names_it_and_the_form_keeps_its_node_choices(client_for, mentor, plan):
    node = _node("助餐站")
    response = client_for(mentor).post(
        f"/plans/{plan.pk}/comments/", {"body": "选址要近", "node_key": str(node.key)}, **HX
    )
    html = response.content.decode()
    assert "（一）1. 助餐站" in html
    assert f'<option value="{node.key}">' in html
    other = client_for(mentor).post(
        f"/plans/{plan.pk}/comments/",
        {"body": "x", "node_key": "00000000-0000-0000-0000-000000000000"},
        **HX,
    )
    assert other.status_code == 200
    assert plan.comments.filter(node_key__isnull=True, body="x").exists()


def test_the_completeness_fragment_refreshes_alone(client_for, shiliuyuan_secretary, plan):
    html = (
        client_for(shiliuyuan_secretary)
        .get(f"/plans/{plan.pk}/?part=completeness", **HX)
        .content.decode()
    )
    assert html.lstrip().startswith('<section id="completeness"')
    assert "招募志愿者" in html and "<html" not in html


def test_a_task_can_be_commented_on_in_a_small_plan(client_for, mentor, plan):
    task = _node("招募志愿者")
    html = client_for(mentor).get(f"/plans/{plan.pk}/").content.decode()
    assert f'<option value="{task.key}">' in html
    response = client_for(mentor).post(
        f"/plans/{plan.pk}/comments/", {"body": "谁来招募？", "node_key": str(task.key)}, **HX
    )
    assert "（一）1.（2） 招募志愿者" in response.content.decode()


def test_the_timeline_names_changed_fields_in_the_users_language(
    client_for, shiliuyuan_secretary, plan
):
    from qiangji.plans.actions import do_save_plan_fields

    do_save_plan_fields(
        plan=plan,
        values={"slogan": "服务520"},
        base_revision=plan.revision,
        round_number=1,
        by=shiliuyuan_secretary,
    )
    do_close_round(plan=plan, by=shiliuyuan_secretary)
    html = client_for(shiliuyuan_secretary).get(f"/plans/{plan.pk}/timeline/").content.decode()
    assert "口号" in html and "revision" not in html and "closed round" not in html
