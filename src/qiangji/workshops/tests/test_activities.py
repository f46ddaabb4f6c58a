"""Activities: creating and editing with agenda and guests, the calendar, the .ics file."""

from __future__ import annotations

from django.urls import reverse

from qiangji.workshops.forms import parse_agenda, parse_guests
from qiangji.workshops.models import Activity, ActivityKind, Guest


def _data(world, **extra):
    data = {
        "programme": world.programme.pk,
        "kind": ActivityKind.LECTURE,
        "title": "品牌六特性要点讲解",
        "venue": "街道会议室",
        "organiser": "团城山街道党工委",
        "date": "2026-03-12",
        "start_time": "09:00",
        "end_time": "10:30",
        "communities": [world.shiliuyuan.pk, world.keershan.pk],
        "agenda_text": "09:00 差异化与系列化 | 示例专家\n09:45 精细化与参与度",
        "experts_text": "示例专家 | 高校教授",
        "leaders_text": "示例领导｜街道党工委书记",
        "qr_window_seconds": 60,
    }
    data.update(extra)
    return data


def test_agenda_and_guest_lines_are_parsed():
    assert parse_agenda("09:00 开场 | 主持人\n\n午餐\n25:99 不是时间") == [
        (__import__("datetime").time(9, 0), "开场", "主持人"),
        (None, "午餐", ""),
        (None, "25:99 不是时间", ""),
    ]
    assert parse_guests("张三｜教授\n李四") == [("张三", "教授"), ("李四", "")]


def test_the_subdistrict_admin_creates_an_activity_with_agenda_and_guests(
    client_for, jiedao_admin, world
):
    response = client_for(jiedao_admin).post(reverse("workshops:activity_new"), _data(world))
    assert response.status_code == 302
    activity = Activity.objects.get(title="品牌六特性要点讲解")
    assert activity.duration_label() in ("1 小时 30 分钟", "1 h 30 min")
    assert [a.title for a in activity.agenda.all()] == ["差异化与系列化", "精细化与参与度"]
    assert list(activity.guests.values_list("role", "name", "title")) == [
        (Guest.Role.EXPERT, "示例专家", "高校教授"),
        (Guest.Role.LEADER, "示例领导", "街道党工委书记"),
    ]
    assert set(activity.communities.all()) == {world.shiliuyuan, world.keershan}


def test_an_activity_ending_before_it_starts_is_refused(client_for, jiedao_admin, world):
    response = client_for(jiedao_admin).post(
        reverse("workshops:activity_new"), _data(world, end_time="08:00")
    )
    assert response.status_code == 200
    assert not Activity.objects.filter(title="品牌六特性要点讲解").exists()
    assert "errorlist" in response.content.decode()


def test_a_secretary_cannot_create_activities(client_for, shiliuyuan_secretary, world):
    assert (
        client_for(shiliuyuan_secretary).get(reverse("workshops:activity_new")).status_code == 403
    )
    assert (
        client_for(shiliuyuan_secretary)
        .post(reverse("workshops:activity_new"), _data(world))
        .status_code
        == 403
    )


def test_the_calendar_lists_a_communitys_activities_in_their_month(
    client_for, keershan_secretary, world
):
    client = client_for(keershan_secretary)
    html = client.get(
        reverse("workshops:index"), {"community": world.keershan.pk, "month": "2026-02"}
    ).content.decode()
    assert "社区品牌创建“社区书记沙龙”" in html
    assert "赴武汉社区参观学习" not in html  # 柯尔山 did not go on the study visit
    assert "2026年2月" in html
    broken = client.get(reverse("workshops:index"), {"month": "garbage", "programme": "abc"})
    assert broken.status_code == 200


def test_the_ics_file_has_one_event_in_utc(client_for, shiliuyuan_secretary, salon):
    response = client_for(shiliuyuan_secretary).get(
        reverse("workshops:activity_ics", args=[salon.pk])
    )
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.count("BEGIN:VEVENT") == 1
    assert "DTSTART:20260219T003000Z" in body  # 08:30 in Beijing
    assert "DTEND:20260219T073000Z" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_an_outsider_gets_404_for_an_activity(client_for, outsider, salon):
    assert (
        client_for(outsider).get(reverse("workshops:activity_detail", args=[salon.pk])).status_code
        == 404
    )


def test_people_can_be_invited_and_then_sign_in(client_for, jiedao_admin, world):
    from qiangji.accounts.permissions import access_for
    from qiangji.workshops import actions, rules

    keershan = world.users["keershan"]
    data = _data(world, communities=[world.shiliuyuan.pk], invitees=[keershan.pk])
    assert client_for(jiedao_admin).post(reverse("workshops:activity_new"), data).status_code == 302
    activity = Activity.objects.get(title="品牌六特性要点讲解")
    assert list(activity.invitees.all()) == [keershan]
    assert rules.is_participant(access_for(keershan), activity)
    assert actions.do_sign_in(activity=activity, person=keershan).created


def test_a_new_activity_tells_the_communities_and_invitees(
    client_for, jiedao_admin, world, django_capture_on_commit_callbacks
):
    from qiangji.notifications.models import Notice

    invitee = world.users["daoshi"]
    data = _data(world, communities=[world.shiliuyuan.pk], invitees=[invitee.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(jiedao_admin).post(reverse("workshops:activity_new"), data)
    recipients = set(
        Notice.objects.filter(kind="activity_scheduled").values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"shiliuyuan", "shiliuyuan_staff", "daoshi"}
    notice = Notice.objects.filter(kind="activity_scheduled").first()
    assert "品牌六特性要点讲解" in notice.title and notice.url.startswith("/workshops/a/")
