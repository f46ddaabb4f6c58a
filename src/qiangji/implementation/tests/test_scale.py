"""The progress page, the overdue list and the delivery page run a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qiangji.implementation.actions import do_add_milestone, do_update_item
from qiangji.implementation.models import Item
from qiangji.implementation.tests.factories import make_delivery

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(world, delivery, n: int) -> None:
    """Add n overdue tasks with a milestone each (directly: setup, not measured)."""
    project = delivery.items.get(title="助餐站")
    statuses = {s.key: s for s in project.status.programme.delivery_statuses.all()}
    by = world.users["shiliuyuan"]
    for k in range(n):
        item = Item.objects.create(
            delivery=delivery,
            community=delivery.community,
            programme=delivery.programme,
            kind="task",
            parent=project,
            line=project.parent,
            node_key=f"00000000-0000-4000-8000-{k:012d}",
            version_node=project.version_node,
            title=f"任务{k}",
            deadline=dt.date(2020, 1, 1),
            status=statuses["in_progress"],
        )
        do_add_milestone(item=item, by=by, title=f"进展{k}", happened_on=dt.date.today())  # noqa: DTZ011
    do_update_item(item=Item.objects.get(title="任务0"), by=by, progress=30)


def test_pages_run_the_same_queries_at_two_sizes(demo_world, client_for, client):
    delivery = make_delivery(demo_world)
    admin = client_for(demo_world.users["jiedao"])
    urls = {
        "public": (client, f"/implementation/p/{demo_world.shiliuyuan.pk}/"),
        "overdue": (admin, "/implementation/overdue/"),
        "delivery": (admin, f"/implementation/d/{delivery.pk}/"),
        "quick": (client_for(demo_world.users["shiliuyuan"]), "/implementation/update/"),
    }
    _grow(demo_world, delivery, 2)
    small = {name: _queries(c, url) for name, (c, url) in urls.items()}
    _grow_big(delivery, 60)
    big = {name: _queries(c, url) for name, (c, url) in urls.items()}
    assert small == big
    assert delivery.items.count() > 60


def _grow_big(delivery, n: int) -> None:
    """Add n more tasks, half of them overdue and unfinished, in one insert."""
    project = delivery.items.get(title="健康站")
    statuses = {s.key: s for s in project.status.programme.delivery_statuses.all()}
    Item.objects.bulk_create(
        [
            Item(
                delivery=delivery,
                community=delivery.community,
                programme=delivery.programme,
                kind="task",
                parent=project,
                line=project.parent,
                node_key=f"00000000-0000-4000-9000-{k:012d}",
                version_node=project.version_node,
                title=f"大任务{k}",
                reference=f"BIG{k:07d}",
                deadline=dt.date(2020, 1, 1),
                status=statuses["in_progress" if k % 2 else "done"],
            )
            for k in range(n)
        ]
    )
