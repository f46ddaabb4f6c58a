"""Writes of the reviews app that span several rows, each in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import translation

from qiangji.programmes.models import Programme
from qiangji.reviews.defaults import DEFAULT_CRITERIA
from qiangji.reviews.models import Criterion, LevelDescriptor, Rubric


class ReviewError(Exception):
    """A write was refused; the message is for the person who tried it."""


# --- rubrics --------------------------------------------------------------------------------


@dataclass
class CriterionSpec:
    """A criterion as entered in the rubric editor."""

    name: str
    weight: Decimal = Decimal(1)
    description: str = ""
    allows_na: bool = False
    levels: dict[int, str] = field(default_factory=dict)


def default_criteria() -> list[CriterionSpec]:
    """Return the five default criteria in the site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return [
            CriterionSpec(
                name=str(c["name"]),
                description=str(c["description"]),
                levels={score: str(text) for score, text in c["levels"].items()},
            )
            for c in DEFAULT_CRITERIA
        ]


def _create_version(
    *, programme: Programme, version: int, scale_min: int, scale_max: int, criteria, by, note: str
) -> Rubric:
    rubric = Rubric.objects.create(
        programme=programme,
        version=version,
        scale_min=scale_min,
        scale_max=scale_max,
        created_by=by,
        change_note=note,
    )
    for order, spec in enumerate(criteria):
        criterion = Criterion.objects.create(
            rubric=rubric,
            order=order,
            name=spec.name,
            description=spec.description,
            weight=spec.weight,
            allows_na=spec.allows_na,
        )
        LevelDescriptor.objects.bulk_create(
            LevelDescriptor(criterion=criterion, score=score, text=text)
            for score, text in sorted(spec.levels.items())
            if scale_min <= score <= scale_max and text.strip()
        )
    return rubric


@transaction.atomic
def do_ensure_rubric(*, programme: Programme, by=None) -> Rubric:
    """Return the programme's current rubric, creating the default one (1–5, five criteria)."""
    Programme.objects.select_for_update().get(pk=programme.pk)
    current = Rubric.objects.current_for(programme)
    if current is not None:
        return current
    return _create_version(
        programme=programme,
        version=1,
        scale_min=1,
        scale_max=5,
        criteria=default_criteria(),
        by=by,
        note="",
    )


@transaction.atomic
def do_revise_rubric(
    *,
    programme: Programme,
    by,
    scale_min: int,
    scale_max: int,
    criteria: list[CriterionSpec],
    note: str = "",
) -> Rubric:
    """Return the rubric after the change: edited in place while unused, else a new version.

    A version that a review already uses is never changed, so that review keeps the rubric
    it was scored with.
    """
    if not criteria:
        raise ReviewError("A rubric needs at least one criterion.")
    names = [c.name.strip() for c in criteria]
    if len(set(names)) != len(names) or not all(names):
        raise ReviewError("Criterion names must be present and different.")
    if any(c.weight <= 0 for c in criteria):
        raise ReviewError("Weights must be positive.")
    if not 0 <= scale_min < scale_max <= 100:
        raise ReviewError("The scale must run upwards within 0–100.")
    Programme.objects.select_for_update().get(pk=programme.pk)
    current = Rubric.objects.current_for(programme)
    if current is not None and not current.is_in_use():
        version = current.version
        current.delete()
    else:
        version = (current.version + 1) if current else 1
    return _create_version(
        programme=programme,
        version=version,
        scale_min=scale_min,
        scale_max=scale_max,
        criteria=criteria,
        by=by,
        note=note,
    )
