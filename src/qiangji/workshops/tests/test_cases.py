"""The case library: Chinese full-text search, tags, masked contacts, sample labels."""

from __future__ import annotations

from django.urls import reverse

from qiangji.workshops.models import Case
from qiangji.workshops.search import normalise, query_terms


def test_normalising_makes_traditional_and_full_width_text_searchable():
    assert normalise("鄰里共治ＡＢＣ") == "邻里共治abc"
    assert query_terms("智慧養老 服務") == ["智慧", "养老", "服务"]
    assert query_terms("!!! ？？") == []


def test_the_four_seed_cases_are_labelled_samples_with_masked_contacts(
    client_for, shiliuyuan_secretary, world
):
    titles = set(Case.objects.values_list("title", flat=True))
    assert {
        "“智慧养老”服务",
        "“邻里共治”议事机制",
        "“1+7+N”小区党建工作法",
        "“社小联治”智慧平安小区",
    } <= titles
    case = Case.objects.get(title="“智慧养老”服务")
    html = (
        client_for(shiliuyuan_secretary)
        .get(reverse("workshops:case_detail", args=[case.pk]))
        .content.decode()
    )
    assert "sample-banner" in html
    assert "138****1234" in html and "13800001234" not in html


def test_search_finds_cases_by_chinese_words_in_any_order(client_for, shiliuyuan_secretary, world):
    client = client_for(shiliuyuan_secretary)
    html = client.get(reverse("workshops:case_list"), {"q": "养老 智慧"}).content.decode()
    assert "“智慧养老”服务" in html and "“邻里共治”议事机制" not in html
    traditional = client.get(reverse("workshops:case_list"), {"q": "鄰里"}).content.decode()
    assert "“邻里共治”议事机制" in traditional
    nothing = client.get(reverse("workshops:case_list"), {"q": "火星基地"}).content.decode()
    assert "“智慧养老”服务" not in nothing


def test_filtering_by_tag(client_for, shiliuyuan_secretary, world):
    html = (
        client_for(shiliuyuan_secretary)
        .get(reverse("workshops:case_list"), {"tag": "平安建设"})
        .content.decode()
    )
    assert "“社小联治”智慧平安小区" in html and "“智慧养老”服务" not in html


def test_hostile_search_input_is_harmless(client_for, shiliuyuan_secretary, world):
    client = client_for(shiliuyuan_secretary)
    for query in ["<script>alert(1)</script>", "%' OR 1=1 --", "长" * 5000, "\x00"]:
        response = client.get(reverse("workshops:case_list"), {"q": query, "tag": query})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_subdistrict_admin_adds_a_case_with_tags_and_a_secretary_cannot(
    client_for, jiedao_admin, shiliuyuan_secretary, world
):
    data = {
        "title": "楼道微更新",
        "source_community": "示例社区",
        "city": "黄石市",
        "problem": "楼道杂物多",
        "practice": "居民认领楼道",
        "tags_text": "微更新，楼道 居民参与",
    }
    assert (
        client_for(shiliuyuan_secretary).post(reverse("workshops:case_new"), data).status_code
        == 403
    )
    response = client_for(jiedao_admin).post(reverse("workshops:case_new"), data)
    assert response.status_code == 302
    case = Case.objects.get(title="楼道微更新")
    assert sorted(t.name for t in case.tags.all()) == ["居民参与", "微更新", "楼道"]
    assert case.subdistrict == world.subdistrict
    edit = reverse("workshops:case_edit", args=[case.pk])
    assert client_for(shiliuyuan_secretary).get(edit).status_code == 403
    assert client_for(jiedao_admin).get(edit).status_code == 200


def test_an_idea_card_can_cite_a_case(client_for, mentor, shiliuyuan_table):
    case = Case.objects.first()
    card = shiliuyuan_table.cards.first()
    card.cites_case = case
    card.save()
    html = client_for(mentor).get(reverse("workshops:case_detail", args=[case.pk])).content.decode()
    assert card.text in html


def test_a_card_added_on_the_board_can_cite_a_case(
    client_for, shiliuyuan_secretary, shiliuyuan_table
):
    from qiangji.workshops.models import IdeaCard

    case = Case.objects.get(title="“邻里共治”议事机制")
    client_for(shiliuyuan_secretary).post(
        reverse("workshops:card_add", args=[shiliuyuan_table.pk]),
        {"kind": "main_line", "text": "楼栋议事会", "cites_case": case.pk},
        headers={"HX-Request": "true"},
    )
    assert IdeaCard.objects.get(text="楼栋议事会").cites_case == case
