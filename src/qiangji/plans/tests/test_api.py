"""The plans API: frozen versions refuse changes, node edits carry their version column."""

from __future__ import annotations

import pytest
from ninja.testing import TestClient

from qiangji.plans.actions import do_close_round
from qiangji.plans.api import router
from qiangji.plans.models import PlanVersionNode
from qiangji.plans.tests.factories import make_plan, make_small_tree

client = TestClient(router)


@pytest.fixture
def closed(demo_world, shiliuyuan_secretary):
    plan = make_plan(demo_world)
    nodes = make_small_tree(plan, shiliuyuan_secretary)
    version = do_close_round(plan=plan, by=shiliuyuan_secretary)
    return plan, nodes, version


def test_a_frozen_version_is_read_with_its_nodes_and_cannot_be_changed(
    closed, shiliuyuan_secretary
):
    plan, nodes, version = closed
    response = client.get(f"/{plan.pk}/versions/1", user=shiliuyuan_secretary)
    assert response.status_code == 200
    body = response.json()
    assert [n["title"] for n in body["nodes"]][:2] == ["为老服务主线", "助餐站"]
    for method in ("put", "patch", "delete"):
        refused = getattr(client, method)(
            f"/{plan.pk}/versions/1", json={"note": "x"}, user=shiliuyuan_secretary
        )
        assert refused.status_code == 405
        assert "frozen" in refused.json()["detail"] or "冻结" in refused.json()["detail"]
    assert PlanVersionNode.objects.filter(version=version).count() == version.node_count


def test_patching_a_node_with_a_stale_revision_returns_both_texts(
    closed, shiliuyuan_secretary, shiliuyuan_staff
):
    plan, nodes, _ = closed
    node = nodes["议事站"]
    url = f"/{plan.pk}/nodes/{node.pk}"
    ok = client.patch(
        url,
        json={"revision": node.revision, "round": 2, "venues": "党群服务中心"},
        user=shiliuyuan_secretary,
    )
    assert ok.status_code == 200 and ok.json()["venues"] == "党群服务中心"
    stale = client.patch(
        url,
        json={"revision": node.revision, "round": 2, "venues": "小区广场"},
        user=shiliuyuan_staff,
    )
    assert stale.status_code == 409
    assert stale.json()["mine"] == {"venues": "小区广场"}
    assert stale.json()["theirs"] == {"venues": "党群服务中心"}


def test_bad_values_are_422_and_other_communities_are_403(
    closed, shiliuyuan_secretary, keershan_secretary
):
    plan, nodes, _ = closed
    task = nodes["建立助餐点"]
    url = f"/{plan.pk}/nodes/{task.pk}"
    for bad in (
        {"budget": "-1"},
        {"budget": "1e15"},
        {"deadline": "2020-01-01"},
        {"deadline": "soon"},
    ):
        response = client.patch(
            url, json={"revision": task.revision, **bad}, user=shiliuyuan_secretary
        )
        assert response.status_code == 422, bad
    assert (
        client.patch(url, json={"revision": 1, "title": "x"}, user=keershan_secretary).status_code
        == 403
    )


def test_outsiders_cannot_read_a_plan(closed, outsider):
    plan, _, _ = closed
    assert client.get(f"/{plan.pk}", user=outsider).status_code == 404
    assert client.get("/", user=outsider).json() == []
