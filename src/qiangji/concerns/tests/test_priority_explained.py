"""The priority badge and its explanation come from one computation."""

from __future__ import annotations

import datetime as dt
import html
import re

from django.utils import timezone

from qiangji.concerns.actions import do_file_concern
from qiangji.concerns.models import Ticket


def _badge_and_formula(page: str) -> tuple[float, float]:
    match = re.search(r'<span class="score" title="([^"]*)"[^>]*>([\d.]+)</span>', page)
    assert match, "no priority badge on the page"
    formula = html.unescape(match.group(1))
    stated = re.match(r"优先级 ([\d.]+) =", formula)
    assert stated, formula
    return float(match.group(2)), float(stated.group(1))


def test_the_badge_and_the_formula_agree_when_a_deadline_came_near(
    client_for, shiliuyuan_secretary, demo_world
):
    concern = do_file_concern(
        community=demo_world.shiliuyuan,
        text="小区门口路灯坏了（示例）",
        person="p",
        assign_topic=False,
    )
    # The stored figure was computed when the deadline was days away; now it is hours away.
    Ticket.objects.filter(pk=concern.ticket.pk).update(
        deadline_at=timezone.now() + dt.timedelta(hours=3)
    )
    page = client_for(shiliuyuan_secretary).get(f"/concerns/{concern.pk}/").content.decode()
    badge, formula = _badge_and_formula(page)
    assert badge == round(formula, 1)
    assert "临近时限" in html.unescape(page)


def test_the_badge_and_the_formula_agree_on_an_overdue_ticket(
    client_for, shiliuyuan_secretary, demo_world
):
    concern = do_file_concern(
        community=demo_world.shiliuyuan, text="楼顶漏水（示例）", person="q", assign_topic=False
    )
    Ticket.objects.filter(pk=concern.ticket.pk).update(
        deadline_at=timezone.now() - dt.timedelta(hours=3)
    )
    page = client_for(shiliuyuan_secretary).get(f"/concerns/{concern.pk}/").content.decode()
    badge, formula = _badge_and_formula(page)
    assert badge == round(formula, 1)
