"""Votes and sign-ins arriving at the same instant (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from qiangji.accounts.models import User
from qiangji.workshops import actions, demo
from qiangji.workshops.models import Activity, Attendance, TableGroup, Vote

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"
)


def _at_once(*calls) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def table(transactional_db):
    from qiangji.core.demo import load_foundation

    world = load_foundation(password=None)
    demo.load(world)
    return TableGroup.objects.get(
        activity__title=demo.SALON_TITLE, community=world.shiliuyuan
    ), world


def test_two_people_voting_at_the_same_instant_both_count(table):
    group, world = table
    card = group.cards.first()
    a, b = world.users["shiliuyuan"], world.users["shiliuyuan_staff"]
    results = _at_once(
        lambda: actions.do_toggle_vote(card=card, voter=a),
        lambda: actions.do_toggle_vote(card=card, voter=b),
    )
    assert results == [True, True]
    assert Vote.objects.filter(card=card).count() == 2


def test_one_person_double_tapping_counts_one_dot_at_most(table):
    group, world = table
    card = group.cards.first()
    voter = world.users["shiliuyuan"]
    results = _at_once(*[lambda: actions.do_toggle_vote(card=card, voter=voter)] * 4)
    assert not any(isinstance(r, Exception) for r in results), results
    assert Vote.objects.filter(card=card, voter=voter).count() <= 1


def test_signing_in_from_two_tabs_at_once_makes_one_record(table):
    group, world = table
    activity = Activity.objects.get(pk=group.activity_id)
    person = User.objects.get(username="keershan")
    # The demo story signs the secretary in already; this is a fresh arrival.
    Attendance.objects.filter(activity=activity, person=person).delete()
    results = _at_once(*[lambda: actions.do_sign_in(activity=activity, person=person)] * 3)
    assert not any(isinstance(r, Exception) for r in results), results
    assert Attendance.objects.filter(activity=activity, person=person).count() == 1
    assert sum(r.created for r in results) == 1
