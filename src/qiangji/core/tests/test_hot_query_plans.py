"""The hot queries use an index, on SQLite and on PostgreSQL (EXPLAIN, not hope).

On PostgreSQL the planner prefers a sequential scan of a tiny test table, so sequential scans
are switched off for the EXPLAIN: the question is whether an index can serve the query.
"""

import pytest
from django.db import connection
from django.utils import timezone

from qiangji.concerns.models import Concern, Ticket
from qiangji.notifications.models import Notice
from qiangji.territories.models import Territory

pytestmark = pytest.mark.django_db


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def uses_index(plan: str, name: str | None = None) -> bool:
    if connection.vendor == "postgresql":
        return (
            "Index Scan" in plan or "Index Only Scan" in plan or "Bitmap Index Scan" in plan
        ) and (name is None or name in plan)
    return (
        "USING INDEX" in plan
        or "USING COVERING INDEX" in plan
        or "USING INTEGER PRIMARY KEY" in plan
    ) and (name is None or name in plan)


def test_a_communitys_top_concerns_read_the_priority_index(demo_world):
    query = Concern.objects.filter(
        community=demo_world.shiliuyuan, closed_at__isnull=True, duplicate_of__isnull=True
    ).order_by("-priority_score")[:10]
    plan = plan_of(query)
    # SQLite names the index; PostgreSQL's choice between the community indexes depends on
    # statistics a test table does not have (on the generated city it takes concern_top_idx).
    assert uses_index(plan, "concern_top_idx" if connection.vendor == "sqlite" else None), plan


def test_a_communitys_recent_concerns_read_an_index(demo_world):
    plan = plan_of(
        Concern.objects.filter(community=demo_world.shiliuyuan).order_by("-reported_at")[:30]
    )
    assert uses_index(plan), plan


def test_a_subtree_of_territories_is_one_index_range(demo_world):
    plan = plan_of(Territory.objects.filter(path__startswith=demo_world.subdistrict.path))
    assert uses_index(plan), plan


def test_overdue_tickets_and_unread_notices_read_indexes(demo_world):
    assert uses_index(plan_of(Ticket.objects.filter(concern__community=demo_world.shiliuyuan))), (
        "tickets"
    )
    unread = Notice.objects.filter(recipient=demo_world.users["shiliuyuan"], read_at__isnull=True)
    assert uses_index(plan_of(unread)), plan_of(unread)
    recent = Concern.objects.filter(reported_at__gte=timezone.now())
    assert uses_index(plan_of(recent)), plan_of(recent)
