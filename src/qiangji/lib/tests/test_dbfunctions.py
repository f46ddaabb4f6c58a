"""SecondsBetween in the database's own arithmetic, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import DateTimeField, Value

from qiangji.lib.dbfunctions import SecondsBetween
from qiangji.territories.models import Territory

pytestmark = pytest.mark.django_db


def _seconds(end, start):
    Territory.objects.get_or_create(name="某市", kind="city", parent=None)
    return (
        Territory.objects.annotate(
            s=SecondsBetween(
                Value(end, output_field=DateTimeField()), Value(start, output_field=DateTimeField())
            )
        )
        .values_list("s", flat=True)
        .first()
    )


def test_seconds_between_two_datetimes_across_midnight_and_microseconds():
    start = dt.datetime(2026, 3, 1, 23, 30, 0, tzinfo=dt.UTC)
    end = dt.datetime(2026, 3, 3, 1, 0, 0, 500000, tzinfo=dt.UTC)
    assert _seconds(end, start) == pytest.approx(25.5 * 3600 + 0.5, abs=0.01)
    assert _seconds(start, end) == pytest.approx(-(25.5 * 3600 + 0.5), abs=0.01)


def test_no_end_gives_none():
    assert _seconds(None, dt.datetime(2026, 3, 1, tzinfo=dt.UTC)) is None
