"""Stall sharing with timed rotations and structured feedback; stage mode."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from qiangji.workshops import actions
from qiangji.workshops.models import FeedbackKind, StallFeedback


def test_rotations_send_every_group_to_another_stall_each_round(salon):
    groups = list(salon.groups.all())
    for rotation in range(1, len(groups)):
        visits = actions.stall_visits(groups, rotation)
        assert len(visits) == len(groups)
        assert all(visits[g.pk].pk != g.pk for g in groups)  # never one's own stall
        assert len({v.pk for v in visits.values()}) == len(groups)  # one group per stall
    seen = {actions.stall_visits(groups, r)[groups[0].pk].pk for r in range(1, len(groups))}
    assert len(seen) == len(groups) - 1  # over n-1 rotations a group sees every other stall


def test_the_current_rotation_follows_the_clock(salon):
    now = timezone.now()
    salon.stall_minutes = 10
    salon.stall_started_at = now - dt.timedelta(minutes=25)
    assert salon.current_stall_rotation(now) == 3
    salon.stall_started_at = now + dt.timedelta(minutes=5)
    assert salon.current_stall_rotation(now) is None


def test_the_organiser_starts_rotations(client_for, jiedao_admin, shiliuyuan_secretary, salon):
    url = reverse("workshops:stalls", args=[salon.pk])
    assert client_for(shiliuyuan_secretary).post(url, {"minutes": 8}).status_code == 403
    assert client_for(jiedao_admin).post(url, {"minutes": 8}).status_code == 302
    salon.refresh_from_db()
    assert salon.stall_minutes == 8 and salon.current_stall_rotation() == 1
    html = client_for(shiliuyuan_secretary).get(url).content.decode()
    assert "→" in html


def test_a_visitor_leaves_structured_feedback_and_the_host_reads_it(
    client_for, keershan_secretary, shiliuyuan_secretary, shiliuyuan_table, keershan_table
):
    url = reverse("workshops:stall", args=[shiliuyuan_table.pk])
    visitor = client_for(keershan_secretary)
    response = visitor.post(
        url, {"kind": FeedbackKind.QUESTION, "text": "五个站点的运营经费从哪里来？"}
    )
    assert response.status_code == 302
    feedback = StallFeedback.objects.get(stall=shiliuyuan_table)
    assert feedback.from_group == keershan_table and feedback.author == keershan_secretary
    host_view = client_for(shiliuyuan_secretary).get(url).content.decode()
    assert "五个站点的运营经费从哪里来？" in host_view
    assert 'id="feedback-form"' not in host_view  # no feedback at one's own stall


def test_a_community_cannot_leave_feedback_at_its_own_stall(
    client_for, shiliuyuan_secretary, shiliuyuan_table
):
    url = reverse("workshops:stall", args=[shiliuyuan_table.pk])
    response = client_for(shiliuyuan_secretary).post(url, {"kind": "highlight", "text": "自夸"})
    assert response.status_code == 403
    assert not StallFeedback.objects.exists()


def test_bad_feedback_comes_back_with_errors(client_for, keershan_secretary, shiliuyuan_table):
    url = reverse("workshops:stall", args=[shiliuyuan_table.pk])
    response = client_for(keershan_secretary).post(url, {"kind": "praise", "text": ""})
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    assert not StallFeedback.objects.exists()


def test_stage_mode_shows_the_top_cards_big_with_a_feedback_qr_code(
    client_for, mentor, shiliuyuan_table
):
    html = (
        client_for(mentor)
        .get(reverse("workshops:stage", args=[shiliuyuan_table.pk]))
        .content.decode()
    )
    assert 'class="stage-mode"' in html
    assert "幸福石榴园，服务520" in html
    assert "<svg" in html and "qr-code" in html
    assert "site-header" not in html
    assert "data-fullscreen" in html and "workshops/stage.js" in html
