"""The plan list (`/plans/`): its counts and the secretary's own plan."""

from __future__ import annotations

import pytest

from qiangji.plans.actions import do_close_round
from qiangji.plans.tests.factories import make_plan, make_small_tree


@pytest.fixture
def plan(demo_world, shiliuyuan_secretary):
    plan = make_plan(demo_world)
    make_small_tree(plan, shiliuyuan_secretary)
    return plan


def _row(response, community_name):
    for group in response.context["groups"]:
        for row in group["rows"]:
            if row["community"].name == community_name:
                return row
    raise AssertionError(community_name)


def test_a_plan_with_one_version_and_many_nodes_counts_one_version(
    client_for, shiliuyuan_secretary, plan
):
    do_close_round(plan=plan, by=shiliuyuan_secretary, note="")
    assert plan.nodes.count() > 1
    response = client_for(shiliuyuan_secretary).get("/plans/")
    assert _row(response, "石榴园社区")["plan"].version_count == 1


def test_the_secretarys_own_plan_is_marked_and_others_are_not(
    client_for, shiliuyuan_secretary, jiedao_admin, plan
):
    response = client_for(shiliuyuan_secretary).get("/plans/")
    assert _row(response, "石榴园社区")["is_own"]
    assert not _row(response, "柯尔山社区")["is_own"]
    assert response.content.decode().count('class="own-row"') == 1
    admin_page = client_for(jiedao_admin).get("/plans/").content.decode()
    assert 'class="own-row"' not in admin_page


def test_the_open_link_reads_open_not_the_tickets_state(client_for, shiliuyuan_secretary, plan):
    html = client_for(shiliuyuan_secretary).get("/plans/").content.decode()
    assert "未办结" not in html


def test_an_export_keeps_its_extension_in_the_ascii_file_name(client_for, leader, plan):
    response = client_for(leader).get(f"/plans/{plan.pk}/export.docx")
    disposition = response["Content-Disposition"]
    ascii_name = disposition.split('filename="')[1].split('"')[0]
    assert ascii_name.endswith(".docx") and ascii_name.startswith("plan-")
    assert 'docx"' not in disposition.replace('.docx"', "")


def test_no_page_template_sets_an_inline_style_the_csp_would_block():
    from pathlib import Path

    package = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(package))
        for path in package.glob("**/templates/**/*.html")
        if ' style="' in path.read_text(encoding="utf-8")
    ]
    assert not offenders, offenders
