"""Brainstorm boards: cards, cheap polling, dot votes counted once, comments, marks, promotion."""

from __future__ import annotations

import time

import pytest
from django.db import IntegrityError
from django.urls import reverse

from qiangji.workshops import actions
from qiangji.workshops.models import IdeaCard, IdeaKind, TableGroup, Vote

HTMX = {"HX-Request": "true"}


def _version(group) -> int:
    return TableGroup.objects.get(pk=group.pk).board_version


def test_a_secretary_adds_a_card_and_gets_a_fresh_form_with_the_cards(
    client_for, shiliuyuan_secretary, shiliuyuan_table
):
    before = _version(shiliuyuan_table)
    response = client_for(shiliuyuan_secretary).post(
        reverse("workshops:card_add", args=[shiliuyuan_table.pk]),
        {"kind": IdeaKind.RESOURCE, "text": "  辖区医院的义诊队  "},
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="card-form"' in html and 'hx-swap-oob="true"' in html and "<html" not in html
    card = IdeaCard.objects.get(text="辖区医院的义诊队")
    assert card.author == shiliuyuan_secretary and card.kind == IdeaKind.RESOURCE
    assert _version(shiliuyuan_table) == before + 1


def test_without_htmx_adding_a_card_redirects_back_to_the_board(
    client_for, shiliuyuan_secretary, shiliuyuan_table
):
    response = client_for(shiliuyuan_secretary).post(
        reverse("workshops:card_add", args=[shiliuyuan_table.pk]),
        {"kind": IdeaKind.GOAL, "text": "目标"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("workshops:board", args=[shiliuyuan_table.pk])


def test_an_idea_with_script_in_it_is_shown_as_text(
    client_for, shiliuyuan_secretary, shiliuyuan_table
):
    client = client_for(shiliuyuan_secretary)
    client.post(
        reverse("workshops:card_add", args=[shiliuyuan_table.pk]),
        {"kind": IdeaKind.SLOGAN, "text": "<script>alert('x')</script>好"},
        headers=HTMX,
    )
    html = client.get(reverse("workshops:board", args=[shiliuyuan_table.pk])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;好" in html


def test_an_empty_or_too_long_idea_is_refused_with_a_message(
    client_for, shiliuyuan_secretary, shiliuyuan_table
):
    client = client_for(shiliuyuan_secretary)
    count = IdeaCard.objects.count()
    url = reverse("workshops:card_add", args=[shiliuyuan_table.pk])
    empty = client.post(url, {"kind": IdeaKind.GOAL, "text": "   "}, headers=HTMX)
    long = client.post(url, {"kind": IdeaKind.GOAL, "text": "长" * 201}, headers=HTMX)
    bad_kind = client.post(url, {"kind": "nonsense", "text": "x"}, headers=HTMX)
    assert empty.status_code == long.status_code == bad_kind.status_code == 200
    assert "form-errors" in empty.content.decode()
    assert "form-errors" in long.content.decode()
    assert IdeaCard.objects.count() == count


def test_polling_an_unchanged_board_costs_a_204_and_a_change_returns_the_cards(
    client_for, keershan_secretary, shiliuyuan_secretary, shiliuyuan_table
):
    poll_url = reverse("workshops:board_cards", args=[shiliuyuan_table.pk])
    watcher = client_for(keershan_secretary)  # another table's secretary may watch
    version = _version(shiliuyuan_table)
    unchanged = watcher.get(poll_url, {"v": version}, headers=HTMX)
    assert unchanged.status_code == 204 and unchanged.content == b""
    actions.do_add_card(
        group=shiliuyuan_table, author=shiliuyuan_secretary, kind=IdeaKind.GOAL, text="新目标"
    )
    changed = watcher.get(poll_url, {"v": version}, headers=HTMX)
    html = changed.content.decode()
    assert changed.status_code == 200
    assert "新目标" in html
    assert f"?v={version + 1}" in html


def test_a_dot_vote_counts_once_and_a_second_click_takes_it_back(
    client_for, keershan_secretary, shiliuyuan_secretary, keershan_table
):
    card = keershan_table.cards.first()
    url = reverse("workshops:card_vote", args=[card.pk])
    client_for(keershan_secretary).post(url, headers=HTMX)
    assert Vote.objects.filter(card=card).count() == 1
    client_for(keershan_secretary).post(url, headers=HTMX)
    assert Vote.objects.filter(card=card).count() == 0
    assert actions.do_toggle_vote(card=card, voter=keershan_secretary) is True
    # Two different people voting both count.
    from qiangji.accounts.models import User

    staff = User.objects.create(username="keershan-helper")
    keershan_table.members.add(staff)
    actions.do_toggle_vote(card=card, voter=staff)
    assert IdeaCard.objects.with_votes().get(pk=card.pk).vote_count == 2


def test_the_database_refuses_a_second_vote_of_the_same_person(
    shiliuyuan_secretary, shiliuyuan_table
):
    card = shiliuyuan_table.cards.first()
    Vote.objects.create(card=card, voter=shiliuyuan_secretary)
    with pytest.raises(IntegrityError):
        Vote.objects.create(card=card, voter=shiliuyuan_secretary)


def test_each_person_has_five_dots_per_board(shiliuyuan_secretary, shiliuyuan_table):
    Vote.objects.filter(voter=shiliuyuan_secretary).delete()  # the demo's own dots
    cards = list(shiliuyuan_table.cards.all())
    assert len(cards) >= 6
    for card in cards[: actions.DOTS_PER_PERSON]:
        actions.do_toggle_vote(card=card, voter=shiliuyuan_secretary)
    with pytest.raises(actions.VoteRefused):
        actions.do_toggle_vote(card=cards[actions.DOTS_PER_PERSON], voter=shiliuyuan_secretary)
    assert Vote.objects.filter(voter=shiliuyuan_secretary).count() == actions.DOTS_PER_PERSON


def test_a_vote_beyond_the_budget_gets_a_message_not_an_error(
    client_for, shiliuyuan_secretary, shiliuyuan_table
):
    Vote.objects.filter(voter=shiliuyuan_secretary).delete()  # the demo's own dots
    client = client_for(shiliuyuan_secretary)
    cards = list(shiliuyuan_table.cards.all())
    for card in cards[:6]:
        response = client.post(reverse("workshops:card_vote", args=[card.pk]), headers=HTMX)
        assert response.status_code == 200
    assert response["HX-Trigger"] == "dots-used-up"
    assert Vote.objects.filter(voter=shiliuyuan_secretary).count() == 5


def test_a_secretary_of_another_table_cannot_post_on_this_board(
    client_for, keershan_secretary, shiliuyuan_table
):
    card = shiliuyuan_table.cards.first()
    client = client_for(keershan_secretary)
    assert (
        client.post(
            reverse("workshops:card_add", args=[shiliuyuan_table.pk]), {"kind": "goal", "text": "x"}
        ).status_code
        == 403
    )
    assert client.post(reverse("workshops:card_vote", args=[card.pk])).status_code == 403


def test_only_the_mentor_marks_and_promotes(
    client_for, mentor, shiliuyuan_secretary, shiliuyuan_table
):
    card = shiliuyuan_table.cards.get(kind=IdeaKind.MAIN_LINE)
    assert (
        client_for(shiliuyuan_secretary)
        .post(reverse("workshops:card_mark", args=[card.pk]))
        .status_code
        == 403
    )
    assert (
        client_for(shiliuyuan_secretary)
        .post(reverse("workshops:card_promote", args=[card.pk]))
        .status_code
        == 403
    )
    client = client_for(mentor)
    assert (
        client.post(reverse("workshops:card_mark", args=[card.pk]), headers=HTMX).status_code == 200
    )
    card.refresh_from_db()
    assert card.marked
    assert (
        client.post(reverse("workshops:card_promote", args=[card.pk]), headers=HTMX).status_code
        == 200
    )
    card.refresh_from_db()
    assert card.to_plan and card.promoted_at is not None


def test_promotion_goes_into_the_plan_draft_when_the_plans_app_offers_it(mentor, shiliuyuan_table):
    card = shiliuyuan_table.cards.get(kind=IdeaKind.MAIN_LINE)
    outcome = actions.do_promote_card(card=card, by=mentor)
    card.refresh_from_db()
    assert card.to_plan
    if actions.plans_promotion() is None:
        assert outcome == "list"
    else:
        assert outcome == "plan"
        assert card.promoted_ref


def test_promotion_without_the_plans_app_keeps_a_to_plan_list(
    monkeypatch, client_for, mentor, shiliuyuan_table, salon
):
    monkeypatch.setattr(actions, "plans_promotion", lambda: None)
    card = shiliuyuan_table.cards.get(kind=IdeaKind.GOAL)
    assert actions.do_promote_card(card=card, by=mentor) == "list"
    html = client_for(mentor).get(reverse("workshops:to_plan", args=[salon.pk])).content.decode()
    assert card.text in html
    detail = (
        client_for(mentor)
        .get(reverse("workshops:activity_detail", args=[salon.pk]))
        .content.decode()
    )
    assert f"{shiliuyuan_table.name} · {card.text}" in detail


def test_mentor_comments_are_marked_as_the_mentors(
    client_for, mentor, shiliuyuan_secretary, shiliuyuan_table
):
    card = shiliuyuan_table.cards.first()
    client_for(mentor).post(
        reverse("workshops:card_comment", args=[card.pk]), {"text": "再具体一些"}, headers=HTMX
    )
    client_for(shiliuyuan_secretary).post(
        reverse("workshops:card_comment", args=[card.pk]), {"text": "好"}, headers=HTMX
    )
    by_mentor = {c.text: c.by_mentor for c in card.comments.all()}
    assert by_mentor == {"再具体一些": True, "好": False}
    empty = client_for(mentor).post(
        reverse("workshops:card_comment", args=[card.pk]), {"text": ""}, headers=HTMX
    )
    assert empty.status_code == 200 and card.comments.count() == 2


def test_a_board_with_500_cards_renders_quickly(
    client_for, shiliuyuan_secretary, shiliuyuan_table, django_assert_max_num_queries
):
    IdeaCard.objects.bulk_create(
        IdeaCard(
            group=shiliuyuan_table,
            kind=IdeaKind.PROBLEM,
            text=f"问题{n}",
            author=shiliuyuan_secretary,
        )
        for n in range(500)
    )
    client = client_for(shiliuyuan_secretary)
    started = time.perf_counter()
    with django_assert_max_num_queries(20):
        response = client.get(reverse("workshops:board", args=[shiliuyuan_table.pk]))
    assert response.status_code == 200
    assert time.perf_counter() - started < 5
    assert "问题499" in response.content.decode() or "问题0" in response.content.decode()


def test_boards_refuse_the_wrong_method_and_hide_from_outsiders(
    client_for, outsider, shiliuyuan_secretary, shiliuyuan_table
):
    assert (
        client_for(shiliuyuan_secretary)
        .get(reverse("workshops:card_add", args=[shiliuyuan_table.pk]))
        .status_code
        == 405
    )
    assert (
        client_for(outsider).get(reverse("workshops:board", args=[shiliuyuan_table.pk])).status_code
        == 404
    )
    assert (
        client_for(outsider)
        .get(reverse("workshops:board_cards", args=[shiliuyuan_table.pk]), {"v": 1})
        .status_code
        == 404
    )


def test_a_card_can_cite_one_of_the_communitys_top_concerns_with_phones_masked(
    client_for, shiliuyuan_secretary, shiliuyuan_table, world
):
    concerns = pytest.importorskip("qiangji.concerns.models")
    concerns.Concern.objects.create(
        community=world.shiliuyuan, text="小区停车难，请联系13912345678", priority_score=9.0
    )
    client = client_for(shiliuyuan_secretary)
    board = client.get(reverse("workshops:board", args=[shiliuyuan_table.pk])).content.decode()
    assert "139****5678" in board and "13912345678" not in board
    cited = "小区停车难，请联系139****5678"
    client.post(
        reverse("workshops:card_add", args=[shiliuyuan_table.pk]),
        {"kind": IdeaKind.STATION, "text": "错峰共享停车站", "cites_concern": cited},
        headers=HTMX,
    )
    assert IdeaCard.objects.get(text="错峰共享停车站").cites_concern == cited


def test_an_unchanged_poll_is_cheap_in_queries(
    client_for, shiliuyuan_secretary, shiliuyuan_table, django_assert_max_num_queries
):
    client = client_for(shiliuyuan_secretary)
    url = reverse("workshops:board_cards", args=[shiliuyuan_table.pk])
    version = _version(shiliuyuan_table)
    # session, user, the version/programme row, the person's grants, their programmes
    with django_assert_max_num_queries(5):
        response = client.get(url, {"v": version}, headers=HTMX)
    assert response.status_code == 204


def test_the_mentor_closes_the_board_to_new_cards_and_reopens_it(
    client_for, mentor, shiliuyuan_secretary, shiliuyuan_table
):
    toggle = reverse("workshops:board_toggle", args=[shiliuyuan_table.pk])
    assert client_for(shiliuyuan_secretary).post(toggle).status_code == 403
    assert client_for(mentor).post(toggle).status_code == 302
    shiliuyuan_table.refresh_from_db()
    assert not shiliuyuan_table.board_open
    secretary = client_for(shiliuyuan_secretary)
    count = IdeaCard.objects.count()
    response = secretary.post(
        reverse("workshops:card_add", args=[shiliuyuan_table.pk]),
        {"kind": "goal", "text": "迟到的点子"},
        headers=HTMX,
    )
    assert response.status_code == 200 and IdeaCard.objects.count() == count
    page = secretary.get(reverse("workshops:board", args=[shiliuyuan_table.pk])).content.decode()
    assert 'id="board-closed"' in page and 'id="card-form"' not in page
    client_for(mentor).post(toggle)
    shiliuyuan_table.refresh_from_db()
    assert shiliuyuan_table.board_open


def test_the_cards_of_a_version_are_fetched_once_and_a_change_is_never_served_stale(
    client_for, shiliuyuan_secretary, shiliuyuan_staff, shiliuyuan_table
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("workshops:board_cards", args=[shiliuyuan_table.pk])
    first, second = client_for(shiliuyuan_secretary), client_for(shiliuyuan_staff)
    with CaptureQueriesContext(connection) as cold:
        first.get(url, {"v": 0}, headers=HTMX)
    with CaptureQueriesContext(connection) as warm:
        html = second.get(url, {"v": 0}, headers=HTMX).content.decode()
    assert len(warm) < len(cold)
    card = shiliuyuan_table.cards.get(text="幸福石榴园，服务520")
    assert f'id="card-{card.pk}"' in html
    actions.do_toggle_vote(card=card, voter=shiliuyuan_secretary)
    after = second.get(url, {"v": 0}, headers=HTMX).content.decode()
    fragment = after.split(f'id="card-{card.pk}"', 1)[1]
    assert 'data-votes="1"' in fragment.split("</article>", 1)[0]
