"""Ticket statistics: figures per territory, community and grid, in a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qiangji.concerns.actions import do_file_concern, do_ticket_action
from qiangji.concerns.models import Ticket
from qiangji.concerns.stats import ticket_statistics
from qiangji.territories.models import Kind


def _walk(ticket, user, steps):
    for step in steps:
        ticket = Ticket.objects.get(pk=ticket.pk)
        do_ticket_action(ticket=ticket, by=user, **step)


FULL_CYCLE = [
    {"action": "dispatch", "unit": "物业"},
    {"action": "sign"},
    {"action": "start"},
    {"action": "answer", "answer": "已处理"},
]


@pytest.fixture
def world(demo_world, shiliuyuan_secretary, keershan_secretary):
    shiliuyuan, keershan = demo_world.shiliuyuan, demo_world.keershan
    first_grid = shiliuyuan.children.get(kind=Kind.GRID, name="第一网格")
    long_ago = timezone.now() - dt.timedelta(days=40)
    made = {
        "a": do_file_concern(community=shiliuyuan, text="楼道灯坏了", grid=first_grid),
        "b": do_file_concern(community=shiliuyuan, text="垃圾没人清运", grid=first_grid),
        "c": do_file_concern(community=shiliuyuan, text="健身器材坏了"),
        "d": do_file_concern(community=keershan, text="路面坑洼", reported_at=long_ago),
    }
    _walk(
        made["a"].ticket,
        shiliuyuan_secretary,
        [*FULL_CYCLE, {"action": "follow_up", "satisfaction": "satisfied"}],
    )
    _walk(
        made["b"].ticket,
        shiliuyuan_secretary,
        [*FULL_CYCLE, {"action": "follow_up", "satisfaction": "unsatisfied"}],
    )
    _walk(made["c"].ticket, shiliuyuan_secretary, FULL_CYCLE[:2])
    # 路面坑洼 was filed 40 days ago and is still waiting: overdue now.
    Ticket.objects.filter(pk=made["d"].ticket.pk).update(
        created_at=long_ago, deadline_at=long_ago + dt.timedelta(days=7)
    )
    # Handling of 楼道灯 took three hours.
    ticket_a = Ticket.objects.get(pk=made["a"].ticket.pk)
    Ticket.objects.filter(pk=ticket_a.pk).update(
        answered_at=ticket_a.created_at + dt.timedelta(hours=3)
    )
    return demo_world


def test_subdistrict_total_then_each_community_and_its_grids(world):
    rows = ticket_statistics(world.subdistrict)
    total, *rest = rows
    assert total.is_total and total.total == 4 and total.open == 2 and total.overdue == 1
    by_name = {(r.community, r.grid): r for r in rest}
    shiliuyuan = by_name[("石榴园社区", "")]
    assert shiliuyuan.total == 3
    assert shiliuyuan.response_rate == 100.0  # all three signed for or further
    assert shiliuyuan.solve_rate == 66.7
    assert shiliuyuan.satisfaction_rate == 50.0 and shiliuyuan.followed_up == 2
    grid = by_name[("石榴园社区", "第一网格")]
    assert grid.total == 2 and grid.solve_rate == 100.0
    keershan = by_name[("柯尔山社区", "")]
    assert keershan.response_rate == 0.0 and keershan.overdue == 1
    assert keershan.satisfaction_rate is None and keershan.average_hours is None
    # The grid row comes right after its community.
    names = [(r.community, r.grid) for r in rest]
    assert names.index(("石榴园社区", "第一网格")) == names.index(("石榴园社区", "")) + 1


def test_average_hours_are_computed_in_the_database(world):
    shiliuyuan = next(r for r in ticket_statistics(world.shiliuyuan) if r.grid == "第一网格")
    # Ticket a: 3 hours; ticket b: answered right away (a few milliseconds).
    assert shiliuyuan.average_hours == pytest.approx(1.5, abs=0.1)


def test_a_community_has_no_separate_total_row(world):
    rows = ticket_statistics(world.shiliuyuan)
    assert not any(r.is_total for r in rows)
    assert rows[0].community == "石榴园社区" and rows[0].grid == ""


def test_the_period_counts_tickets_filed_in_it(world):
    assert ticket_statistics(world.subdistrict, days=30)[0].total == 3
    assert ticket_statistics(world.subdistrict, days=365)[0].total == 4


def test_one_query_whatever_the_number_of_tickets(world):
    with CaptureQueriesContext(connection) as few:
        ticket_statistics(world.subdistrict)
    for i in range(20):
        do_file_concern(community=world.keershan, text=f"第{i}号楼门禁坏了")
    with CaptureQueriesContext(connection) as many:
        rows = ticket_statistics(world.subdistrict)
    assert rows[0].total == 24
    assert len(few.captured_queries) == len(many.captured_queries) == 1


def test_the_page_shows_the_figures_and_the_period_choice(world, client, jiedao_admin):
    client.force_login(jiedao_admin)
    url = reverse("concerns:stats")
    page = client.get(url, {"territory": world.subdistrict.pk})
    assert page.status_code == 200
    text = page.content.decode()
    assert "第一网格" in text and "柯尔山社区" in text and "50.0%" in text
    assert 'class="overdue"' in text
    page = client.get(url, {"territory": world.subdistrict.pk, "period": "30"})
    assert 'value="30" selected' in page.content.decode()
    assert client.get(url, {"territory": world.subdistrict.pk, "period": "x"}).status_code == 200
