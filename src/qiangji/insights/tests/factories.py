"""Test data for insights: a programme with some activity in a few communities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from qiangji.concerns.models import Concern, MeToo, Ticket
from qiangji.plans.actions import do_add_node, do_start_plan
from qiangji.plans.models import NodeKind
from qiangji.territories.models import Territory
from qiangji.workshops.models import Activity, ActivityKind


def add_activity(world, communities: int = 11) -> None:
    """Give the first `communities` communities concerns, a plan and activities (fast, no topics)."""
    admin = world.users["jiedao"]
    now = timezone.now()
    for index, community in enumerate(list(world.communities.values())[:communities]):
        Territory.objects.filter(pk=community.pk).update(population=5000 + 100 * index)
        # Rows written directly (the concerns app's own tests cover filing): fast and exact.
        for n in range(index % 3 + 1):
            concern = Concern.objects.create(
                community=community,
                text=f"{community.name}第{n}栋楼道灯坏了很久没人修（示例{n}）",
                reporter_key=f"p-{community.pk}-{n}",
                reported_at=now - dt.timedelta(days=n),
            )
            Ticket.objects.create(
                concern=concern, deadline_at=now + dt.timedelta(days=7 - 8 * (n == 2))
            )
            MeToo.objects.create(concern=concern, person_key=f"m-{community.pk}-{n}")
        plan = do_start_plan(programme=world.programme, community=community, by=admin)
        line = do_add_node(
            plan=plan, kind=NodeKind.LINE, parent=None, title=f"{community.name}主线", by=admin
        )
        project = do_add_node(
            plan=plan, kind=NodeKind.PROJECT, parent=line, title="邻里议事站点", by=admin
        )
        do_add_node(
            plan=plan, kind=NodeKind.TASK, parent=project, title="每月议事", by=admin,
            owner="示例", deadline=dt.date(2026, 9, 1), budget=Decimal(1000), indicator="场次", target="12",
        )  # fmt: skip
        activity = Activity.objects.create(
            programme=world.programme,
            kind=ActivityKind.ROUND_TABLE,
            title=f"圆桌{index}",
            starts_at=now - dt.timedelta(days=index + 1),
            ends_at=now - dt.timedelta(days=index + 1) + dt.timedelta(hours=2),
            organiser="示例",
        )
        activity.communities.set([community])
