"""The editor offers the community's pressing concerns and the case library for citation."""

from __future__ import annotations

from django.apps import apps

from qiangji.plans.citations import case_suggestions, concern_suggestions
from qiangji.plans.tests.factories import make_plan


def test_topics_and_open_concerns_are_offered_with_phone_numbers_masked(
    demo_world, client_for, shiliuyuan_secretary
):
    topic_model, concern_model = (
        apps.get_model("concerns", "Topic"),
        apps.get_model("concerns", "Concern"),
    )
    topic = topic_model.objects.create(
        territory=demo_world.shiliuyuan, number=1, label="停车 车位", score=9
    )
    concern = concern_model.objects.create(
        community=demo_world.shiliuyuan, text="老人吃饭难，联系13812345678", priority_score=5
    )
    concern_model.objects.create(community=demo_world.keershan, text="柯尔山的事", priority_score=9)
    offered = concern_suggestions(demo_world.shiliuyuan)
    assert offered[0] == f"停车 车位〔主题#{topic.pk}〕"
    assert f"老人吃饭难，联系138****5678〔诉求#{concern.pk}〕" in offered
    assert not any("柯尔山" in o for o in offered)
    plan = make_plan(demo_world)
    html = client_for(shiliuyuan_secretary).get(f"/plans/{plan.pk}/").content.decode()
    assert f'data-append-to="id_concerns" data-text="停车 车位〔主题#{topic.pk}〕"' in html
    assert "13812345678" not in html


def test_cases_of_the_subdistrict_are_offered(demo_world):
    case_model = apps.get_model("workshops", "Case")
    case = case_model.objects.create(
        title="“智慧养老”服务",
        source_community="示例社区",
        city="武汉市",
        problem="独居老人多",
        practice="智能呼叫",
        subdistrict=demo_world.subdistrict,
    )
    assert case_suggestions(demo_world.programme) == [
        f"“智慧养老”服务（示例社区，武汉市）〔案例#{case.pk}〕"
    ]


def test_mentors_see_no_citation_helpers(demo_world, client_for, mentor):
    plan = make_plan(demo_world)
    html = client_for(mentor).get(f"/plans/{plan.pk}/").content.decode()
    assert "data-append-to" not in html


def test_cited_tokens_become_links_kept_in_the_frozen_version(demo_world):
    from qiangji.plans.actions import do_close_round, do_save_node
    from qiangji.plans.citations import parse_citations, plans_citing
    from qiangji.plans.models import PlanNode
    from qiangji.plans.tests.factories import make_small_tree

    by = demo_world.users["shiliuyuan"]
    plan = make_plan(demo_world)
    nodes = make_small_tree(plan, by)
    plan.concerns = "老人吃饭难〔诉求#12〕\n停车难"
    plan.cases = "“智慧养老”服务（示例社区，武汉市）〔案例#5〕"
    plan.save()
    node = PlanNode.objects.get(pk=nodes["助餐站"].pk)
    do_save_node(
        node=node,
        values={"concerns": "没地方吃饭〔诉求#34〕［主题＃7］"},
        base_revision=node.revision,
        round_number=plan.round_number,
        by=by,
    )
    version = do_close_round(plan=plan, by=by)
    cited = {(c.kind, c.target_id, c.node_key) for c in version.citations.all()}
    assert cited == {
        ("concern", 12, None),
        ("case", 5, None),
        ("concern", 34, node.key),
        ("topic", 7, node.key),
    }
    assert [v.pk for v in plans_citing("case", 5)] == [version.pk]
    assert parse_citations("停车难") == []
