"""Round statistics derived from submitted reviews: summaries, agreement, calibration, ranks.

`round_statistics()` is a pure function of `ReviewFacts`; `load_round_facts()` reads them from
the database. Scores of rubrics with different scales are compared on a 0–100 scale
(`percent`), so a rubric changed mid-round does not break the ranking.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from qiangji.lib.stats import (
    AlphaResult,
    Calibration,
    RankedPlan,
    Summary,
    bootstrap_ranks,
    calibrate_additive,
    krippendorff_alpha,
    summarise,
)

RESAMPLES = 1000
SEED = 20260219  # fixed so a cached ranking and a recomputed one agree


def percent(value: float | None, low: int, high: int) -> float | None:
    """Return a score on the 0–100 scale (the rubric's lowest score maps to 0)."""
    if value is None:
        return None
    return (float(value) - low) * 100.0 / (high - low)


@dataclass(frozen=True)
class ReviewFacts:
    """What statistics need from one submitted review (values already on 0–100)."""

    plan: Hashable
    reviewer: Hashable
    total: float | None
    criteria: dict[str, float | None] = field(default_factory=dict)


@dataclass
class PlanRow:
    """One line of the ranking."""

    plan: Hashable
    summary: Summary
    calibrated: float | None
    ranked: RankedPlan | None


@dataclass
class RoundStatistics:
    rows: list[PlanRow]
    alpha_total: AlphaResult
    alpha_by_criterion: dict[str, AlphaResult]
    calibration: Calibration
    reviews: int

    @property
    def bands(self) -> int:
        return max((r.ranked.band for r in self.rows if r.ranked), default=0)


def round_statistics(
    facts: Sequence[ReviewFacts],
    *,
    criteria: Sequence[str],
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> RoundStatistics:
    """Return per-plan summaries, rank intervals, agreement per criterion and calibration."""
    plans: dict[Hashable, list[float]] = {}
    for f in facts:
        plans.setdefault(f.plan, [])
        if f.total is not None:
            plans[f.plan].append(f.total)
    ranked = {r.key: r for r in bootstrap_ranks(plans, resamples=resamples, seed=seed)}
    calibration = calibrate_additive(
        (f.plan, f.reviewer, f.total) for f in facts if f.total is not None
    )
    rows = [
        PlanRow(
            plan=plan,
            summary=summarise(totals),
            calibrated=calibration.plan_effects.get(plan) if calibration.ok else None,
            ranked=ranked.get(plan),
        )
        for plan, totals in plans.items()
    ]
    rows.sort(key=lambda r: (r.ranked is None, r.ranked.rank if r.ranked else 0, str(r.plan)))
    return RoundStatistics(
        rows=rows,
        alpha_total=_alpha(facts, lambda f: f.total),
        alpha_by_criterion={
            name: _alpha(facts, lambda f, name=name: f.criteria.get(name)) for name in criteria
        },
        calibration=calibration,
        reviews=len(facts),
    )


def _alpha(facts: Iterable[ReviewFacts], value) -> AlphaResult:
    facts = list(facts)
    plan_index: dict[Hashable, int] = {}
    reviewer_index: dict[Hashable, int] = {}
    for f in facts:
        plan_index.setdefault(f.plan, len(plan_index))
        reviewer_index.setdefault(f.reviewer, len(reviewer_index))
    table = np.full((len(plan_index), max(1, len(reviewer_index))), np.nan)
    for f in facts:
        v = value(f)
        if v is not None:
            table[plan_index[f.plan], reviewer_index[f.reviewer]] = v
    return krippendorff_alpha(table, metric="interval")


def improvement_series(
    rounds: Sequence[int], by_round: dict[int, Sequence[ReviewFacts]], criteria: Sequence[str]
) -> dict[str, list[float | None]]:
    """Return, per criterion, the mean 0–100 score in each round (None where unscored)."""
    series: dict[str, list[float | None]] = {name: [] for name in criteria}
    for rnd in rounds:
        facts = by_round.get(rnd, [])
        for name in criteria:
            values = [f.criteria.get(name) for f in facts]
            values = [v for v in values if v is not None]
            series[name].append(round(float(np.mean(values)), 1) if values else None)
    return series


# --- reading the database -----------------------------------------------------------------------


def _submitted(programme_id: int, round_number: int | None = None):
    from qiangji.reviews.models import Review

    qs = Review.objects.filter(
        status=Review.Status.SUBMITTED, plan_version__plan__programme_id=programme_id
    )
    if round_number is not None:
        qs = qs.filter(plan_version__number=round_number)
    return qs


def load_facts(
    programme_id: int, round_number: int | None = None, *, plan_id: int | None = None
) -> list[tuple[int, ReviewFacts]]:
    """Return (round, facts) of every submitted review of the programme (or of one round or plan)."""
    from qiangji.reviews.models import Score

    submitted = _submitted(programme_id, round_number)
    if plan_id is not None:
        submitted = submitted.filter(plan_version__plan_id=plan_id)
    reviews = list(
        submitted.values_list(
            "pk",
            "plan_version__plan_id",
            "plan_version__number",
            "reviewer_id",
            "total",
            "rubric__scale_min",
            "rubric__scale_max",
        )
    )
    by_review: dict[int, dict[str, float | None]] = {pk: {} for pk, *_ in reviews}
    scales = {pk: (low, high) for pk, _p, _n, _r, _t, low, high in reviews}
    scores = Score.objects.filter(review_id__in=list(by_review)).values_list(
        "review_id", "criterion__name", "value"
    )
    for review_id, name, value in scores:
        low, high = scales[review_id]
        by_review[review_id][name] = percent(value, low, high)
    return [
        (number, ReviewFacts(plan=plan, reviewer=reviewer, total=total, criteria=by_review[pk]))
        for pk, plan, number, reviewer, total, _low, _high in reviews
    ]


def round_stamp(programme_id: int, round_number: int) -> str:
    """Return a fingerprint that changes whenever a review of the round is (re)submitted."""
    from django.db.models import Count, Max, Sum

    agg = _submitted(programme_id, round_number).aggregate(
        n=Count("pk"), last=Max("submitted_at"), reopened=Sum("reopened_count")
    )
    last = agg["last"].isoformat() if agg["last"] else "-"
    return f"{agg['n']}:{last}:{agg['reopened'] or 0}"


def cached_round_statistics(programme_id: int, round_number: int, criteria: Sequence[str]):
    """Return the round's statistics, recomputed only when a review was (re)submitted.

    The cache key carries `round_stamp`, so a new submission anywhere (any worker) makes the
    next request compute afresh; there is nothing to invalidate by hand.
    """
    from django.core.cache import cache

    names = hashlib.sha1("|".join(criteria).encode(), usedforsecurity=False).hexdigest()[:12]
    key = f"reviews:round:{programme_id}:{round_number}:{round_stamp(programme_id, round_number)}:{names}"
    stats = cache.get(key)
    if stats is None:
        facts = [f for _n, f in load_facts(programme_id, round_number)]
        stats = round_statistics(facts, criteria=criteria)
        cache.set(key, stats, timeout=24 * 3600)
    return stats


def cached_improvement(programme_id: int, criteria: Sequence[str]) -> dict:
    """Return the programme's mean score per criterion in each round, cached like the ranking."""
    from django.core.cache import cache
    from django.db.models import Count, Max, Sum

    agg = _submitted(programme_id).aggregate(
        n=Count("pk"), last=Max("submitted_at"), reopened=Sum("reopened_count")
    )
    names = hashlib.sha1("|".join(criteria).encode(), usedforsecurity=False).hexdigest()[:12]
    last = agg["last"].isoformat() if agg["last"] else "-"
    key = f"reviews:improvement:{programme_id}:{agg['n']}:{last}:{agg['reopened'] or 0}:{names}"
    chart = cache.get(key)
    if chart is None:
        chart = improvement_from_database(programme_id, criteria)
        cache.set(key, chart, timeout=24 * 3600)
    return chart


def improvement_from_database(programme_id: int, criteria: Sequence[str]) -> dict:
    """Return the mean 0–100 score per criterion and round, averaged in the database.

    Scores are averaged per (round, criterion, scale) and only then put on 0–100, which is
    the same as averaging the 0–100 values because the conversion is linear.
    """
    from django.db.models import Avg, Count

    from qiangji.reviews.models import Review, Score

    rows = (
        Score.objects.filter(
            review__status=Review.Status.SUBMITTED,
            review__plan_version__plan__programme_id=programme_id,
            value__isnull=False,
        )
        .values("review__plan_version__number", "criterion__name", "scale_min", "scale_max")
        .annotate(mean=Avg("value"), n=Count("value"))
    )
    sums: dict[tuple[int, str], list[float]] = {}
    for row in rows:
        key = (row["review__plan_version__number"], row["criterion__name"])
        value = percent(row["mean"], row["scale_min"], row["scale_max"])
        acc = sums.setdefault(key, [0.0, 0])
        acc[0] += value * row["n"]
        acc[1] += row["n"]
    rounds = sorted({number for number, _name in sums})
    return {
        "rounds": [str(n) for n in rounds],
        "series": {
            name: [
                round(sums[(n, name)][0] / sums[(n, name)][1], 1) if (n, name) in sums else None
                for n in rounds
            ]
            for name in criteria
        },
    }
