"""The concerns API on its own router: scope, filters, full-text search, masking, staff entry."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.testing import TestClient

from qiangji.concerns.actions import do_file_concern
from qiangji.concerns.api import router
from qiangji.concerns.models import Concern

client = TestClient(router)


@pytest.fixture
def community(demo_world):
    return demo_world.shiliuyuan


@pytest.fixture
def filed(demo_world, community):
    lift = do_file_concern(
        community=community,
        title="電梯 13812345678",
        text="3栋電梯壞了，请联系13812345678",
        reporter_name="张三",
        reporter_phone="13812345678",
        consent=True,
    )
    parking = do_file_concern(community=community, text="晚上停车位太少", person="b")
    other = do_file_concern(community=demo_world.keershan, text="柯尔山电梯也坏了", person="c")
    return lift, parking, other


def test_the_list_shows_only_readable_communities_with_phones_masked(
    filed, shiliuyuan_secretary, keershan_secretary, grid_worker, outsider
):
    lift, parking, other = filed
    rows = client.get("/", user=shiliuyuan_secretary).json()
    assert {r["id"] for r in rows} == {lift.pk, parking.pk}
    row = next(r for r in rows if r["id"] == lift.pk)
    assert "13812345678" not in row["text"] and "138****5678" in row["text"]
    assert "13812345678" not in row["title"] and "张三" not in str(rows)
    assert row["community"] == "石榴园社区" and row["state"] == "accepted"
    assert {r["id"] for r in client.get("/", user=keershan_secretary).json()} == {other.pk}
    assert client.get("/", user=outsider).json() == []
    assert {r["id"] for r in client.get("/", user=grid_worker).json()} >= set()


def test_filters_search_and_paging(filed, community, jiedao_admin):
    lift, parking, other = filed
    everything = client.get("/", user=jiedao_admin).json()
    assert {r["id"] for r in everything} == {lift.pk, parking.pk, other.pk}
    in_one = client.get(f"/?territory={community.pk}", user=jiedao_admin).json()
    assert {r["id"] for r in in_one} == {lift.pk, parking.pk}
    found = client.get("/?q=電梯", user=jiedao_admin).json()
    assert {r["id"] for r in found} == {lift.pk, other.pk}
    assert [r["id"] for r in client.get("/?q=车位", user=jiedao_admin).json()] == [parking.pk]
    assert client.get("/?state=closed", user=jiedao_admin).json() == []
    assert len(client.get("/?limit=1", user=jiedao_admin).json()) == 1
    recent = client.get("/?order=recent", user=jiedao_admin).json()
    assert [r["id"] for r in recent] == [other.pk, parking.pk, lift.pk]
    category = Concern.objects.get(pk=parking.pk).category_id
    by_category = client.get(f"/?category={category}", user=jiedao_admin).json()
    assert parking.pk in {r["id"] for r in by_category}
    for bad in ("/?limit=0", "/?limit=101", "/?state=x", "/?territory=0", "/?q=a%00b"):
        assert client.get(bad, user=jiedao_admin).status_code == 422, bad


def test_a_territory_not_readable_is_a_404(filed, demo_world, keershan_secretary):
    shiliuyuan = demo_world.shiliuyuan
    assert client.get(f"/?territory={shiliuyuan.pk}", user=keershan_secretary).status_code == 404
    assert client.get("/?territory=999999", user=keershan_secretary).status_code == 404


def test_the_list_takes_a_constant_number_of_queries(community, jiedao_admin):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/?q=灯", user=jiedao_admin).status_code == 200
        return len(ctx.captured_queries)

    for i in range(2):
        do_file_concern(community=community, text=f"第{i}栋楼道灯坏了", person=f"p{i}")
    queries()  # the caller's roles are loaded once per user
    few = queries()
    for i in range(2, 12):
        do_file_concern(community=community, text=f"第{i}栋路灯不亮了{i}天", person=f"p{i}")
    assert queries() == few


def test_one_concern_reveals_the_reporter_only_to_those_who_work_on_it(
    filed, shiliuyuan_secretary, mentor, keershan_secretary
):
    lift = filed[0]
    mine = client.get(f"/{lift.pk}", user=shiliuyuan_secretary).json()
    assert mine["reporter"] == {"name": "张三", "phone": "13812345678", "erased": False}
    assert "13812345678" in mine["text"] and mine["may_work"] is True
    masked = client.get(f"/{lift.pk}", user=mentor)
    if masked.status_code == 200:
        body = masked.json()
        assert body["reporter"]["phone"] == "138****5678" and body["reporter"]["name"] == "张*"
        assert "13812345678" not in str(body) and body["may_work"] is False
    else:
        assert masked.status_code == 404
    assert client.get(f"/{lift.pk}", user=keershan_secretary).status_code == 404
    assert client.get("/999999999", user=shiliuyuan_secretary).status_code == 404
    assert client.get("/0", user=shiliuyuan_secretary).status_code == 422


def test_staff_record_a_concern_and_others_are_refused(
    demo_world, community, shiliuyuan_secretary, keershan_secretary, mentor
):
    body = {"community_id": community.pk, "text": "楼道里堆满杂物，有消防隐患", "channel": "patrol"}
    response = client.post("/", json=body, user=shiliuyuan_secretary)
    assert response.status_code == 201, response.content
    created = response.json()
    concern = Concern.objects.get(pk=created["id"])
    assert concern.channel == "patrol" and concern.created_by == shiliuyuan_secretary
    assert created["state"] == "accepted" and concern.search_tokens
    assert client.post("/", json=body, user=keershan_secretary).status_code in (403, 404)
    assert client.post("/", json=body, user=mentor).status_code in (403, 404)
    with_phone = {**body, "reporter_phone": "13900001111"}
    assert client.post("/", json=with_phone, user=shiliuyuan_secretary).status_code == 422
    for bad in (
        {**body, "text": ""},
        {**body, "text": "🙂🙂"},
        {**body, "text": "a\x00b"},
        {**body, "text": "x" * 5001},
        {**body, "channel": "form"},
        {**body, "community_id": 0},
        {**body, "compound_id": demo_world.keershan.pk},
        {**body, "category": "不存在"},
    ):
        assert client.post("/", json=bad, user=shiliuyuan_secretary).status_code == 422, bad
    assert (
        client.post(
            "/", json={**body, "community_id": 2**62}, user=shiliuyuan_secretary
        ).status_code
        == 404
    )
    assert Concern.objects.count() == 1
