"""Rubrics: the default five criteria, versions that keep old reviews readable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from qiangji.reviews.actions import CriterionSpec, ReviewError, do_ensure_rubric, do_revise_rubric
from qiangji.reviews.models import Criterion, Rubric


def test_default_rubric_has_the_five_criteria_with_a_descriptor_for_every_level(demo_world):
    rubric = do_ensure_rubric(programme=demo_world.programme)
    names = [c.name for c in rubric.criteria.all()]
    assert names == ["可行性", "实用性", "创新性", "合理性", "持续性"]
    assert (rubric.scale_min, rubric.scale_max) == (1, 5)
    assert rubric.has_full_descriptors()
    feasibility = rubric.criteria.get(name="可行性")
    assert [d.score for d in feasibility.levels.all()] == [1, 2, 3, 4, 5]


def test_ensuring_a_rubric_twice_keeps_one_version(demo_world):
    first = do_ensure_rubric(programme=demo_world.programme)
    assert do_ensure_rubric(programme=demo_world.programme) == first
    assert Rubric.objects.filter(programme=demo_world.programme).count() == 1


def test_revising_an_unused_rubric_edits_it_in_place(demo_world):
    do_ensure_rubric(programme=demo_world.programme)
    revised = do_revise_rubric(
        programme=demo_world.programme,
        by=demo_world.users["jiedao"],
        scale_min=0,
        scale_max=100,
        criteria=[
            CriterionSpec(
                name="可行性", weight=Decimal(2), levels={0: "无", 60: "基本可行", 100: "完全可行"}
            ),
            CriterionSpec(name="创新性", allows_na=True),
        ],
    )
    assert revised.version == 1
    assert Rubric.objects.filter(programme=demo_world.programme).count() == 1
    assert [c.name for c in revised.criteria.all()] == ["可行性", "创新性"]
    assert revised.criteria.get(name="创新性").allows_na


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"criteria": []}, "至少需要一个指标"),
        ({"criteria": [CriterionSpec(name="甲"), CriterionSpec(name="甲")]}, "不能重复"),
        ({"criteria": [CriterionSpec(name="甲", weight=Decimal(0))]}, "大于零"),
        ({"criteria": [CriterionSpec(name="甲")], "scale_min": 5, "scale_max": 1}, "由低到高"),
    ],
)
def test_revising_a_rubric_refuses_bad_input(demo_world, kwargs, message):
    arguments = {"programme": demo_world.programme, "by": None, "scale_min": 1, "scale_max": 5}
    arguments.update(kwargs)
    with pytest.raises(ReviewError, match=message):
        do_revise_rubric(**arguments)


def test_the_database_refuses_a_zero_weight_and_an_upside_down_scale(demo_world):
    rubric = do_ensure_rubric(programme=demo_world.programme)
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(rubric=rubric, name="新", weight=Decimal(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        Rubric.objects.create(programme=demo_world.programme, version=9, scale_min=5, scale_max=1)
