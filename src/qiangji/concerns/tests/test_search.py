"""Full-text search: FTS5 on SQLite, a GIN tsvector index on PostgreSQL, over segmented text."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qiangji.concerns import search
from qiangji.concerns.actions import do_bulk_file_concerns, do_file_concern
from qiangji.concerns.models import Concern


@pytest.fixture
def community(demo_world):
    return demo_world.shiliuyuan


def _found(qs, query: str) -> set[int]:
    return set(qs.search(query).values_list("pk", flat=True))


def test_documents_and_queries_are_cut_into_words_the_same_way():
    tokens = search.document_tokens("小区停車位不夠，ＡＢＣ物业")
    assert "停车" in tokens.split() and "停车位" in tokens.split() and "abc" in tokens.split()
    assert "，" not in tokens and "," not in tokens
    assert search.query_words("停車 位") == ["停车", "位"]
    assert search.query_words("，。!!") == []
    # Quotes and operators of the query languages are never passed through.
    assert search.query_words('电梯" OR "x') == ["电梯", "or", "x"]
    assert search.fts5_query(["电梯", "坏"]) == '"电梯"* AND "坏"*'
    assert search.tsquery(["电梯", "坏"]) == "'电梯':* & '坏':*"


def test_search_is_full_text_and_insensitive_to_script_and_width(community):
    lift = do_file_concern(
        community=community, text="Ｋ23小区3栋電梯壞了，老人下不了樓", person="a"
    )
    parking = do_file_concern(community=community, text="晚上停车位太少，乱停车严重", person="b")
    noise = do_file_concern(community=community, text="广场舞噪音扰民到深夜", person="c")
    qs = Concern.objects.all()
    assert _found(qs, "电梯") == {lift.pk}
    assert _found(qs, "電梯 k23") == {lift.pk}
    assert _found(qs, "ｋ２３") == {lift.pk}
    assert _found(qs, "车位") == {parking.pk}  # a part of 停车位
    assert _found(qs, "电梯坏") == {lift.pk}  # 坏 is a prefix of 坏了
    assert _found(qs, "噪音") == {noise.pk}
    assert _found(qs, "电梯 噪音") == set()  # every word must match
    assert _found(qs, "，，") == {lift.pk, parking.pk, noise.pk}  # no words: no filter
    assert _found(qs, '"*) OR (') == set()  # query syntax is quoted, never an error


def test_the_index_follows_edits_deletes_and_bulk_imports(community):
    concern = do_file_concern(community=community, text="楼道灯坏了", person="a")
    assert _found(Concern.objects.all(), "楼道") == {concern.pk}
    concern.text = "垃圾桶满了没人清运"
    concern.save()
    assert _found(Concern.objects.all(), "楼道") == set()
    assert _found(Concern.objects.all(), "垃圾桶") == {concern.pk}
    added, refused = do_bulk_file_concerns(
        community=community,
        items=[
            {
                "line": 2,
                "raw": [],
                "title": "水管爆裂",
                "text": "地下室水管爆裂漏水",
                "compound": None,
                "reported_at": None,
                "likes": 0,
                "category": None,
                "external_id": "x1",
            }
        ],
        source="12345",
    )
    assert added == 1 and refused == []
    imported = Concern.objects.get(external_id="x1")
    assert _found(Concern.objects.all(), "水管") == {imported.pk}
    imported.delete()
    concern.delete()
    assert _found(Concern.objects.all(), "水管") == set()
    assert _found(Concern.objects.all(), "垃圾桶") == set()


def test_search_stays_within_the_scope_and_takes_one_query(demo_world, community):
    mine = do_file_concern(community=community, text="电梯坏了三天", person="a")
    do_file_concern(community=demo_world.keershan, text="电梯坏了三天没人修", person="b")
    scoped = Concern.objects.in_territory(community)
    assert _found(scoped, "电梯") == {mine.pk}
    with CaptureQueriesContext(connection) as ctx:
        list(scoped.search("电梯 坏了"))
    assert len(ctx.captured_queries) == 1


def test_the_database_really_uses_its_full_text_index(community):
    do_file_concern(community=community, text="电梯坏了", person="a")
    sql, params = Concern.objects.search("电梯").query.sql_with_params()
    if connection.vendor == "sqlite":
        assert search.FTS_TABLE in sql and "MATCH" in sql
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE name LIKE 'concerns_concern_fts%'"
            )
            assert cursor.fetchone()[0] >= 4  # the table and its three triggers
    else:
        assert "to_tsvector('simple'::regconfig" in sql
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
        assert "concern_fts_idx" in plan


def test_install_restores_lost_triggers_and_is_idempotent(community):
    # A migration that makes SQLite copy the table drops its triggers; post_migrate reinstalls.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER concerns_concern_fts_ai")
        else:
            cursor.execute("DROP INDEX concern_fts_idx")
    concern = do_file_concern(community=community, text="消防通道被堵", person="a")
    if connection.vendor == "sqlite":
        assert _found(Concern.objects.all(), "消防") == set()
    search.install(connection)
    search.install(connection)
    assert _found(Concern.objects.all(), "消防") == {concern.pk}


def test_a_search_can_be_a_subquery(community):
    # Inside a subquery the table gets an alias: the condition must follow it.
    lift = do_file_concern(community=community, text="电梯坏了", person="a")
    do_file_concern(community=community, text="停车难", person="b")
    inner = Concern.objects.search("电梯").values("pk")
    assert list(Concern.objects.filter(pk__in=inner).values_list("pk", flat=True)) == [lift.pk]


def test_a_frequent_word_walks_the_priority_order_and_finds_the_same_page(community, monkeypatch):
    for i in range(6):
        do_file_concern(community=community, text=f"{i}号楼电梯坏了", person=f"p{i}")
    do_file_concern(community=community, text="停车难", person="q")
    ordered = ("-priority_score", "-pk")
    expected = list(Concern.objects.search("电梯").order_by(*ordered).values_list("pk", flat=True))
    monkeypatch.setattr(search, "FREQUENT_MATCHES", 3)  # 6 matches count as frequent here
    walked = Concern.objects.in_territory(community).search("电梯", one_community_page=True)
    sql, _params = walked.query.sql_with_params()
    if connection.vendor == "sqlite":
        assert '+"concerns_concern"."id" IN' in sql
    assert list(walked.order_by(*ordered).values_list("pk", flat=True)) == expected
    assert len(expected) == 6
    # A rare word keeps the plain plan.
    scoped = Concern.objects.in_territory(community)
    rare = scoped.search("停车", one_community_page=True).query.sql_with_params()[0]
    assert '+"concerns_concern"."id"' not in rare


def test_a_search_list_counts_at_most_a_thousand_and_says_so(
    community, shiliuyuan_secretary, client, monkeypatch
):
    from django.urls import reverse

    from qiangji.concerns import views

    for i in range(5):
        do_file_concern(community=community, text=f"{i}号楼电梯坏了", person=f"p{i}")
    client.force_login(shiliuyuan_secretary)
    url = reverse("concerns:index")
    page = client.get(url, {"territory": community.pk, "q": "电梯"})
    assert "5" in page.content.decode() and "1,000" not in page.content.decode()
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 3)
    page = client.get(url, {"territory": community.pk, "q": "电梯"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 4
    assert page.context["page"].paginator.capped
    assert len(page.context["page"].object_list) == 4
