"""Search everywhere: one box across concerns, hot topics, plans, cases, activities, people."""

from qiangji.core.finder import MAX_QUERY, clean_query


def test_a_query_is_cut_to_one_short_line():
    assert clean_query("  电梯\n坏了 \x00 ") == "电梯 坏了"
    assert len(clean_query("电" * 1000)) == MAX_QUERY
    assert clean_query(None) == ""


def test_search_groups_what_matches_by_kind(client_for, demo_world, jiedao_admin):
    from qiangji.concerns.models import Concern

    Concern.objects.create(community=demo_world.shiliuyuan, title="电梯又坏了", text="三号楼电梯")
    response = client_for(jiedao_admin).get("/search/", {"q": "电梯"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-kind="concerns.concern"' in html
    assert "电梯又坏了" in html


def test_search_finds_people_for_an_administrator_only(
    client_for, jiedao_admin, shiliuyuan_secretary
):
    admin_html = client_for(jiedao_admin).get("/search/", {"q": "shiliuyuan"}).content.decode()
    assert 'data-kind="accounts.person"' in admin_html
    secretary_html = (
        client_for(shiliuyuan_secretary).get("/search/", {"q": "shiliuyuan"}).content.decode()
    )
    assert 'data-kind="accounts.person"' not in secretary_html


def test_a_secretary_does_not_find_another_communitys_concerns(
    client_for, demo_world, shiliuyuan_secretary
):
    from qiangji.concerns.models import Concern

    Concern.objects.create(community=demo_world.keershan, title="柯尔山独有的井盖问题", text="井盖")
    html = client_for(shiliuyuan_secretary).get("/search/", {"q": "井盖"}).content.decode()
    assert "柯尔山独有的井盖问题" not in html


def test_a_person_without_a_role_finds_nothing(client_for, outsider):
    response = client_for(outsider).get("/search/", {"q": "石榴园"})
    assert response.status_code == 200
    assert "data-kind=" not in response.content.decode()


def test_one_character_and_a_thousand_characters_answer_clearly(client_for, jiedao_admin):
    client = client_for(jiedao_admin)
    one = client.get("/search/", {"q": "电"})
    assert one.status_code == 200
    long = client.get("/search/", {"q": "电梯坏了'\"%_*()" * 100})
    assert long.status_code == 200
    assert "只搜索了前" in long.content.decode()


def test_an_empty_search_explains_what_to_type(client_for, jiedao_admin):
    html = client_for(jiedao_admin).get("/search/").content.decode()
    assert "Ctrl K" in html


def test_the_htmx_fragment_is_only_the_results(client_for, jiedao_admin):
    response = client_for(jiedao_admin).get(
        "/search/", {"q": "石榴园"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="search-results"')
    assert "<header" not in html


def test_search_refuses_post_and_anonymous(client_for):
    assert client_for(None).get("/search/", {"q": "x"}).status_code == 302
    assert client_for(None).post("/search/").status_code in (302, 405)


def test_search_finds_hot_issues_of_the_subdistrict(client_for, demo_world, jiedao_admin, outsider):
    from qiangji.concerns.models import HotIssue

    HotIssue.objects.create(
        territory=demo_world.subdistrict, label="石榴园一区 · 电梯停运", place="石榴园一区"
    )
    html = client_for(jiedao_admin).get("/search/", {"q": "电梯停运"}).content.decode()
    assert 'data-kind="concerns.hot_issue"' in html
    assert "石榴园一区 · 电梯停运" in html
    outsider_html = client_for(outsider).get("/search/", {"q": "电梯停运"}).content.decode()
    assert "石榴园一区 · 电梯停运" not in outsider_html
