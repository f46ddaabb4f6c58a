"""Every page renders for the organiser and a secretary, with the right content."""

from __future__ import annotations

from django.urls import reverse

from qiangji.workshops import demo
from qiangji.workshops.models import Case, IdeaCard


def test_the_demo_has_the_seed_salon_of_seven_hours_with_eleven_tables(salon, world):
    assert salon.duration_label() in ("7 小时", "7 hours")
    assert salon.groups.count() == 11
    assert all(g.mentor_id == world.users["daoshi"].pk for g in salon.groups.all())
    assert Case.objects.filter(is_sample=True).count() == 4


def test_loading_the_demo_twice_creates_nothing_new(world, salon):
    before = (IdeaCard.objects.count(), Case.objects.count(), salon.groups.count())
    demo.load(world)
    assert (IdeaCard.objects.count(), Case.objects.count(), salon.groups.count()) == before


def test_every_page_renders_for_the_subdistrict_admin(
    client_for, jiedao_admin, salon, shiliuyuan_table
):
    client = client_for(jiedao_admin)
    card = shiliuyuan_table.cards.first()
    case = Case.objects.first()
    urls = [
        reverse("workshops:index"),
        reverse("workshops:index") + f"?programme={salon.programme_id}&month=2026-02",
        reverse("workshops:activity_new"),
        reverse("workshops:activity_detail", args=[salon.pk]),
        reverse("workshops:activity_edit", args=[salon.pk]),
        reverse("workshops:attendance", args=[salon.pk]),
        reverse("workshops:groups", args=[salon.pk]),
        reverse("workshops:to_plan", args=[salon.pk]),
        reverse("workshops:stalls", args=[salon.pk]),
        reverse("workshops:briefing", args=[salon.pk]),
        reverse("workshops:board", args=[shiliuyuan_table.pk]),
        reverse("workshops:stall", args=[shiliuyuan_table.pk]),
        reverse("workshops:stage", args=[shiliuyuan_table.pk]),
        reverse("workshops:case_list"),
        reverse("workshops:case_list") + "?q=养老",
        reverse("workshops:case_detail", args=[case.pk]),
        reverse("workshops:case_new"),
        reverse("workshops:case_edit", args=[case.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    board = client.get(reverse("workshops:board", args=[shiliuyuan_table.pk])).content.decode()
    assert card.text in board
    assert "幸福石榴园，服务520" in board


def test_the_activity_page_shows_duration_guests_and_agenda(
    client_for, shiliuyuan_secretary, salon
):
    html = (
        client_for(shiliuyuan_secretary)
        .get(reverse("workshops:activity_detail", args=[salon.pk]))
        .content.decode()
    )
    assert "7 小时" in html or "7 hours" in html
    assert "区委组织部部长（示例）" in html
    assert "专题授课：社区品牌创建" in html
    assert "石榴园社区" in html
