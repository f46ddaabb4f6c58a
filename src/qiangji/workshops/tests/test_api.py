"""The read-only workshops API answers as the pages do."""

from __future__ import annotations

from ninja.testing import TestClient

from qiangji.workshops.api import router

client = TestClient(router)


def test_activities_are_listed_for_a_programme_member_with_duration_and_guests(
    salon, shiliuyuan_secretary
):
    response = client.get(f"/activities?programme={salon.programme_id}", user=shiliuyuan_secretary)
    assert response.status_code == 200
    body = {a["title"]: a for a in response.json()}
    salon_out = body[salon.title]
    assert salon_out["duration_minutes"] == 7 * 60
    assert salon_out["kind"] == "salon"
    assert {"name": "示例领导甲", "title": "区委组织部部长（示例）", "role": "leader"} in salon_out[
        "guests"
    ]


def test_an_outsider_sees_no_activity_and_no_board(salon, outsider, shiliuyuan_table):
    assert client.get("/activities", user=outsider).json() == []
    assert client.get(f"/activities/{salon.pk}", user=outsider).status_code == 404
    assert client.get(f"/groups/{shiliuyuan_table.pk}/board", user=outsider).status_code == 404


def test_the_board_lists_cards_with_votes(shiliuyuan_table, mentor):
    from qiangji.workshops.actions import do_toggle_vote

    card = shiliuyuan_table.cards.get(text="幸福石榴园，服务520")
    before = card.votes.count()
    do_toggle_vote(card=card, voter=mentor)
    body = client.get(f"/groups/{shiliuyuan_table.pk}/board", user=mentor).json()
    listed = {row["id"]: row for row in body["cards"]}
    assert len(listed) == shiliuyuan_table.cards.count()
    assert listed[card.pk] == {
        "id": card.pk,
        "kind": "goal",
        "text": "幸福石榴园，服务520",
        "author": card.author.display_name,
        "votes": before + 1,
        "marked": False,
        "to_plan": False,
        "cites_concern": "",
        "cites_case_id": None,
    }
    # Marked cards first, then most votes.
    keys = [(row["marked"], row["votes"]) for row in body["cards"]]
    assert keys == sorted(keys, reverse=True)
    assert body["version"] > 1
