"""The generator's implementation part: approved plans, items rolled up, milestones."""

from __future__ import annotations

import pytest

from qiangji.core.generate import SCALES, run
from qiangji.implementation.actions import weighted_progress
from qiangji.implementation.models import Delivery, Item, Milestone

pytestmark = pytest.mark.django_db


def test_generated_deliveries_roll_up_by_the_documented_rule():
    scale = SCALES["subdistrict"].shrunk(20)
    summary = run(scale, seed=5, apps=["plans", "implementation"])
    rows = summary["implementation"]["rows"]
    assert rows["items"] == Item.objects.count() > 0
    assert rows["milestones"] == Milestone.objects.count() >= rows["items"]
    delivery = Delivery.objects.exclude(progress=None).first()
    lines = [(i.progress, i.weight) for i in Item.objects.filter(delivery=delivery, parent=None)]
    assert delivery.progress == weighted_progress(lines)
    project = Item.objects.filter(delivery=delivery, kind="project").first()
    children = [
        (c.progress, c.weight) for c in project.children.exclude(status__meaning="cancelled")
    ]
    if children:
        assert project.progress == weighted_progress(children)
