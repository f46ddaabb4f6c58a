"""The small interfaces insights reads: plain values, a constant number of queries."""

from __future__ import annotations

import pytest

from qiangji.concerns.interface import category_heat, stats_by_community
from qiangji.insights.inputs import gather
from qiangji.plans.interface import plans_by_community
from qiangji.reviews.interface import scores_by_community
from qiangji.workshops.interface import participation_by_community

from .factories import add_activity

pytestmark = pytest.mark.django_db


def _counts(world, django_assert_max_num_queries, communities: int) -> list[int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids = [c.pk for c in world.communities.values()]
    counts = []
    for call in (
        lambda: stats_by_community(ids),
        lambda: category_heat(ids, by="compound"),
        lambda: plans_by_community(world.programme.pk, ids),
        lambda: participation_by_community(ids, programme_id=world.programme.pk),
        lambda: scores_by_community(world.programme.pk),
    ):
        with CaptureQueriesContext(connection) as captured:
            call()
        counts.append(len(captured.captured_queries))
    return counts


def test_every_interface_runs_the_same_number_of_queries_whatever_the_data(
    demo_world, django_assert_max_num_queries
):
    add_activity(demo_world, communities=2)
    small = _counts(demo_world, django_assert_max_num_queries, 2)
    add_activity(demo_world, communities=11)
    large = _counts(demo_world, django_assert_max_num_queries, 11)
    assert small == large


def test_concern_figures_count_reporters_and_me_toos_per_community(demo_world):
    add_activity(demo_world, communities=3)
    ids = [c.pk for c in demo_world.communities.values()]
    stats = stats_by_community(ids)
    first, third, last = ids[0], ids[2], ids[-1]
    assert stats[first]["reporters"] == 1 and stats[first]["me_toos"] == 1
    assert stats[third]["concerns"] == 3 and stats[third]["tickets"] == 3
    assert stats[last]["concerns"] == 0 and stats[last]["satisfaction_rate"] is None


def test_plan_structure_counts_lines_projects_and_fully_specified_tasks(demo_world):
    add_activity(demo_world, communities=1)
    community = next(iter(demo_world.communities.values()))
    plan = plans_by_community(demo_world.programme.pk)[community.pk]
    assert (plan["lines"], plan["projects"], plan["tasks"], plan["tasks_fully_specified"]) == (
        1,
        1,
        1,
        1,
    )
    assert plan["depth"] == 3 and plan["lines_with_projects"] == 1


def test_gather_marks_the_missing_sources_as_missing_not_zero(demo_world):
    add_activity(demo_world, communities=2)
    gathered = gather(demo_world.programme)
    last = list(demo_world.communities.values())[-1]
    observations = gathered.observations[last.pk]
    assert observations["tasks_specified_share"].missing
    assert observations["tasks_specified_share"].reason == "no_plan"
    assert observations["survey_satisfied_share"].missing
    assert observations["on_time_share"].missing
