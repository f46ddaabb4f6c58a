"""A grid worker handles the tickets sent to them and records patrol concerns by default."""

from __future__ import annotations

import pytest

from qiangji.concerns.actions import do_file_concern, do_ticket_action
from qiangji.concerns.models import Channel, TicketState
from qiangji.territories.models import Territory


@pytest.fixture
def dispatched(demo_world, shiliuyuan_secretary, grid_worker):
    concern = do_file_concern(
        community=demo_world.shiliuyuan, text="楼道灯坏了（示例）", person="t-1", assign_topic=False
    )
    do_ticket_action(
        ticket=concern.ticket, action="dispatch", by=shiliuyuan_secretary, assignee=grid_worker
    )
    concern.refresh_from_db()
    return concern


def _post(client, concern, action, **extra):
    concern.ticket.refresh_from_db()
    data = {"action": action, "version": concern.ticket.version, **extra}
    return client.post(f"/concerns/{concern.pk}/ticket/", data)


def test_a_grid_worker_sent_a_ticket_signs_handles_and_answers_it(
    client_for, grid_worker, dispatched
):
    client = client_for(grid_worker)
    html = client.get(f"/concerns/{dispatched.pk}/").content.decode()
    assert 'data-action="sign"' in html
    assert 'data-action="dispatch"' not in html
    assert _post(client, dispatched, "sign").status_code == 302
    assert _post(client, dispatched, "start").status_code == 302
    assert _post(client, dispatched, "answer", answer="已修好（示例）").status_code == 302
    dispatched.ticket.refresh_from_db()
    assert dispatched.ticket.state == TicketState.ANSWERED


def test_a_grid_worker_cannot_take_the_offices_steps_on_a_ticket_sent_to_them(
    client_for, grid_worker, dispatched
):
    client = client_for(grid_worker)
    assert _post(client, dispatched, "supervise", note="x").status_code == 403
    dispatched.ticket.refresh_from_db()
    assert not dispatched.ticket.supervised


def test_a_grid_worker_cannot_act_on_a_ticket_sent_to_someone_else(
    client_for, grid_worker, shiliuyuan_staff, demo_world, shiliuyuan_secretary
):
    concern = do_file_concern(
        community=demo_world.shiliuyuan, text="垃圾未清运（示例）", person="t-2", assign_topic=False
    )
    do_ticket_action(
        ticket=concern.ticket, action="dispatch", by=shiliuyuan_secretary, assignee=shiliuyuan_staff
    )
    client = client_for(grid_worker)
    assert 'data-action="sign"' not in client.get(f"/concerns/{concern.pk}/").content.decode()
    assert _post(client, concern, "sign").status_code == 403


def test_a_grid_workers_new_concern_defaults_to_patrol_in_their_grid(
    client_for, grid_worker, demo_world
):
    response = client_for(grid_worker).get(f"/concerns/new/?community={demo_world.shiliuyuan.pk}")
    form = response.context["form"]
    grid = Territory.objects.get(parent=demo_world.shiliuyuan, name="第一网格")
    assert form["channel"].value() == Channel.PATROL
    assert str(form["grid"].value()) == str(grid.pk)


def test_a_secretarys_new_concern_keeps_no_patrol_default(client_for, shiliuyuan_secretary):
    form = client_for(shiliuyuan_secretary).get("/concerns/new/").context["form"]
    assert form["channel"].value() != Channel.PATROL


def test_the_subdistricts_topics_page_shows_its_communities_topics(
    client_for, jiedao_admin, demo_world
):
    from qiangji.concerns.models import Topic

    Topic.objects.create(territory=demo_world.shiliuyuan, number=1, label="电梯 维修", size=4)
    Topic.objects.create(territory=demo_world.keershan, number=1, label="停车 秩序", size=3)
    response = client_for(jiedao_admin).get(
        f"/concerns/topics/?territory={demo_world.subdistrict.pk}"
    )
    assert [t.label for t in response.context["topics"]] != []
    assert "电梯 维修" in response.text and "停车 秩序" in response.text
    assert "石榴园社区" in response.text  # each topic names its community


def test_a_grid_worker_calls_back_an_answered_ticket_in_their_grid_not_elsewhere(
    client_for, grid_worker, demo_world, shiliuyuan_secretary, shiliuyuan_staff
):
    grid = Territory.objects.get(parent=demo_world.shiliuyuan, name="第一网格")
    other = Territory.objects.filter(parent=demo_world.shiliuyuan, kind="grid").exclude(pk=grid.pk)
    answered = []
    for where in (grid, other.first()):
        concern = do_file_concern(
            community=demo_world.shiliuyuan,
            text="路灯不亮（示例）",
            person="t-3",
            grid=where,
            assign_topic=False,
        )
        for step, extra in (
            ("dispatch", {"assignee": shiliuyuan_staff}),
            ("sign", {}),
            ("start", {}),
            ("answer", {"answer": "已修好（示例）"}),
        ):
            concern.ticket.refresh_from_db()
            do_ticket_action(ticket=concern.ticket, action=step, by=shiliuyuan_secretary, **extra)
        answered.append(concern)
    mine, theirs = answered
    client = client_for(grid_worker)
    assert 'data-action="follow_up"' in client.get(f"/concerns/{mine.pk}/").content.decode()
    assert _post(client, mine, "follow_up", satisfaction="satisfied").status_code == 302
    mine.ticket.refresh_from_db()
    assert mine.ticket.state != TicketState.ANSWERED and mine.ticket.satisfaction == "satisfied"
    # Another grid's ticket, and the office's steps on their own grid's, stay closed to them.
    assert _post(client, theirs, "follow_up", satisfaction="satisfied").status_code in (403, 404)
    theirs.ticket.refresh_from_db()
    assert theirs.ticket.state == TicketState.ANSWERED
