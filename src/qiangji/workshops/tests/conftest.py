"""Fixtures of the workshops tests: the foundation's demo world plus the workshops demo."""

from __future__ import annotations

import pytest

from qiangji.workshops import demo
from qiangji.workshops.models import Activity, TableGroup


@pytest.fixture
def world(demo_world):
    demo.load(demo_world)
    return demo_world


@pytest.fixture
def salon(world) -> Activity:
    return Activity.objects.get(title=demo.SALON_TITLE)


@pytest.fixture
def shiliuyuan_table(salon, world) -> TableGroup:
    return salon.groups.get(community=world.shiliuyuan)


@pytest.fixture
def keershan_table(salon, world) -> TableGroup:
    return salon.groups.get(community=world.keershan)
