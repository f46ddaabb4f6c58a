"""delivery_by_community and concern_progress: the figures other apps rely on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qiangji.implementation.actions import do_link_concern, do_update_item
from qiangji.implementation.interface import concern_progress, delivery_by_community
from qiangji.implementation.models import Item
from qiangji.implementation.tests.factories import make_delivery

pytestmark = pytest.mark.django_db


def test_delivery_by_community_gives_every_figure_and_none_without_an_approved_plan(demo_world):
    delivery = make_delivery(demo_world)
    by = demo_world.users["shiliuyuan"]
    task = delivery.items.get(title="建立助餐点")
    do_update_item(item=task, by=by, progress=100)
    Item.objects.filter(title="招募志愿者").update(deadline=dt.date(2020, 1, 1))
    figures = delivery_by_community([demo_world.shiliuyuan.pk, demo_world.keershan.pk])
    mine = figures[demo_world.shiliuyuan.pk]
    # 助餐站 (100, 0) → 50; 为老 (50, 健康站 0) → 25; community (25, 邻里 0) → 12.5
    assert mine["progress"] == pytest.approx(12.5)
    assert (
        mine["items"] == 7 and mine["tasks"] == 2 and mine["lines"] == 2 and mine["projects"] == 3
    )
    assert mine["done"] == 1 and mine["overdue"] == 1 and mine["cancelled"] == 0
    assert mine["tasks_fully_specified"] == 1
    assert mine["completed_per_line"] == {"为老服务主线": 1}
    assert mine["budget_planned"] == 20000.0 and mine["budget_spent"] == 0.0
    assert mine["last_update"] is not None
    assert figures[demo_world.keershan.pk]["progress"] is None
    assert figures[demo_world.keershan.pk]["items"] == 0


def test_delivery_by_community_runs_a_constant_number_of_queries(demo_world):
    make_delivery(demo_world)
    ids = [c.pk for c in demo_world.communities.values()]
    with CaptureQueriesContext(connection) as one:
        delivery_by_community([demo_world.shiliuyuan.pk])
    make_delivery(demo_world, demo_world.keershan)
    with CaptureQueriesContext(connection) as many:
        delivery_by_community(ids)
    assert len(one) == len(many) <= 3


def test_a_linked_concern_shows_the_progress_then_delivered(demo_world):
    from django.apps import apps

    concern = apps.get_model("concerns", "Concern").objects.create(
        community=demo_world.shiliuyuan, text="老人吃饭难（示例）"
    )
    delivery = make_delivery(demo_world)
    task = delivery.items.get(title="建立助餐点")
    do_link_concern(item=task, delivery=delivery, concern_id=concern.pk)
    do_update_item(item=task, by=demo_world.users["shiliuyuan"], progress=80)
    [entry] = concern_progress([concern.pk])[concern.pk]
    assert entry["text"] == "已纳入石榴园品牌项目《建立助餐点》，进度 80%"
    do_update_item(item=task, by=demo_world.users["shiliuyuan"], progress=100)
    [entry] = concern_progress([concern.pk])[concern.pk]
    assert entry["done"] and entry["text"].endswith("已落实")
