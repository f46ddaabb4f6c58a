"""Statistics for rubric review: totals, summaries, agreement, calibration, ranks with uncertainty.

Raw scores are the record; everything here is derived from them and is a pure function of its
input (the bootstrap takes an explicit seed), so a page can cache the result and explain it.

Missing ratings and "不适用" (N/A) are ``None`` or ``NaN`` and are never counted as zero.
Reasons why a statistic cannot be computed are short machine codes (``Reason``) with details,
so the web layer can translate them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

Metric = Literal["nominal", "ordinal", "interval", "ratio"]


class Reason(StrEnum):
    """Why a statistic is not available."""

    NO_VALUES = "no_values"
    TOO_FEW_PAIRABLE = "too_few_pairable"
    NO_VARIATION = "no_variation"
    TOO_FEW_RATERS = "too_few_raters"
    DISCONNECTED = "disconnected"
    THIN_OVERLAP = "thin_overlap"
    NO_RESIDUAL = "no_residual"


def _as_float_array(values: Iterable[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


# --- totals and summaries ------------------------------------------------------------------


def weighted_total(scores: Sequence[float | None], weights: Sequence[float]) -> float | None:
    """Return the weighted mean of the answered scores, or None when none is answered.

    A criterion marked N/A (None/NaN) drops out and the remaining weights are renormalised,
    so N/A never pulls a total towards zero. The total stays on the criterion scale.
    """
    if len(scores) != len(weights):
        raise ValueError("scores and weights must have the same length")
    s = _as_float_array(scores)
    w = np.asarray(weights, dtype=float)
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite and non-negative")
    answered = ~np.isnan(s) & (w > 0)
    if not answered.any():
        return None
    return float(np.dot(s[answered], w[answered]) / w[answered].sum())


def _trim_mean(x: np.ndarray, proportion: float) -> float:
    # Same rule as scipy.stats.trim_mean (cut int(proportion * n) from each end), without its
    # per-call overhead, which dominated a 400-plan ranking.
    if not 0 <= proportion < 0.5:
        raise ValueError("proportion must be in [0, 0.5)")
    cut = int(proportion * x.size)
    return float(np.sort(x)[cut : x.size - cut].mean())


def trimmed_mean(values: Iterable[float | None], proportion: float = 0.2) -> float | None:
    """Return the mean after cutting ``proportion`` of the values from each end (None if empty).

    With five reviewers and the default 0.2 the highest and the lowest score are dropped.
    """
    x = _as_float_array(values)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return None
    return _trim_mean(x, proportion)


@dataclass(frozen=True)
class Summary:
    """Summary of one plan's scores across reviewers."""

    n: int
    mean: float | None
    median: float | None
    trimmed_mean: float | None
    sd: float | None
    minimum: float | None
    maximum: float | None


def summarise(values: Iterable[float | None], *, trim: float = 0.2) -> Summary:
    """Return count, mean, median, trimmed mean, sample SD, min and max of the given scores."""
    x = _as_float_array(values)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return Summary(0, None, None, None, None, None, None)
    return Summary(
        n=int(x.size),
        mean=float(x.mean()),
        median=float(np.median(x)),
        trimmed_mean=_trim_mean(x, trim),
        sd=float(x.std(ddof=1)) if x.size > 1 else None,
        minimum=float(x.min()),
        maximum=float(x.max()),
    )


def competition_ranks(values: np.ndarray) -> np.ndarray:
    """Return, row by row, the rank of each value from the highest (1) with ties sharing the
    best rank ("1224" competition ranking, like ``scipy.stats.rankdata(-x, method="min")``)."""
    x = np.atleast_2d(values)
    order = np.argsort(-x, axis=1, kind="stable")
    ordered = np.take_along_axis(x, order, axis=1)
    columns = np.arange(x.shape[1])
    new_group = np.ones_like(ordered, dtype=bool)
    new_group[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    starts = np.maximum.accumulate(np.where(new_group, columns, 0), axis=1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, starts + 1, axis=1)
    return ranks


# --- Krippendorff's alpha ---------------------------------------------------------------------


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha with the figures it was computed from."""

    alpha: float | None
    metric: str
    pairable_units: int
    pairable_values: int
    observed_disagreement: float | None
    expected_disagreement: float | None
    reason: Reason | None = None


def _delta_squared(values: np.ndarray, n_v: np.ndarray, metric: Metric) -> np.ndarray:
    c = values[:, None]
    k = values[None, :]
    if metric == "nominal":
        return (c != k).astype(float)
    if metric == "interval":
        return (c - k) ** 2
    if metric == "ratio":
        total = c + k
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(total == 0, 0.0, (c - k) / total)
        return d**2
    if metric == "ordinal":
        # Krippendorff (2011): (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2 over ranked values.
        cum = np.concatenate([[0.0], np.cumsum(n_v)])
        idx = np.arange(values.size)
        lo = np.minimum(idx[:, None], idx[None, :])
        hi = np.maximum(idx[:, None], idx[None, :])
        between = cum[hi + 1] - cum[lo]
        return (between - (n_v[:, None] + n_v[None, :]) / 2.0) ** 2
    raise ValueError(f"unknown metric {metric!r}")


def krippendorff_alpha(
    reliability_data: Sequence[Sequence[float | None]] | np.ndarray,
    *,
    metric: Metric = "interval",
) -> AlphaResult:
    """Return Krippendorff's alpha for a units × raters table (None/NaN = missing rating).

    Follows Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011): a coincidence
    matrix built from every pairable unit (a unit with at least two ratings), then
    ``alpha = 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck)``.
    """
    if len(reliability_data) == 0:
        return AlphaResult(None, metric, 0, 0, None, None, Reason.NO_VALUES)
    table = np.array(
        [[np.nan if v is None else float(v) for v in row] for row in reliability_data],
        dtype=float,
    ).reshape(len(reliability_data), -1)
    present = ~np.isnan(table)
    m_u = present.sum(axis=1)
    pairable = m_u >= 2
    if not present.any():
        return AlphaResult(None, metric, 0, 0, None, None, Reason.NO_VALUES)
    table = table[pairable]
    present = present[pairable]
    m_u = m_u[pairable]
    n_total = int(m_u.sum())
    if n_total < 2:
        return AlphaResult(
            None, metric, int(pairable.sum()), n_total, None, None, Reason.TOO_FEW_PAIRABLE
        )

    values, inverse = np.unique(table[present], return_inverse=True)
    unit_index = np.nonzero(present)[0]
    counts = np.zeros((table.shape[0], values.size))
    np.add.at(counts, (unit_index, inverse), 1.0)
    weight = 1.0 / (m_u - 1.0)
    # o_ck = sum_u (n_uc * n_uk - [c == k] * n_uc) / (m_u - 1)
    coincidence = (counts * weight[:, None]).T @ counts - np.diag(weight @ counts)
    n_v = coincidence.sum(axis=1)
    n = n_v.sum()
    delta = _delta_squared(values, n_v, metric)
    observed = float((coincidence * delta).sum() / n)
    expected = float((np.outer(n_v, n_v) * delta).sum() / (n * (n - 1.0)))
    if expected <= 0.0:
        return AlphaResult(
            None, metric, int(table.shape[0]), n_total, observed, expected, Reason.NO_VARIATION
        )
    return AlphaResult(
        alpha=1.0 - observed / expected,
        metric=metric,
        pairable_units=int(table.shape[0]),
        pairable_values=n_total,
        observed_disagreement=observed,
        expected_disagreement=expected,
    )


# --- additive rater calibration ----------------------------------------------------------------


@dataclass(frozen=True)
class Calibration:
    """Fit of ``score = plan effect + rater leniency`` (leniencies average to zero)."""

    reason: Reason | None = None
    detail: dict = field(default_factory=dict)
    plan_effects: dict[Hashable, float] = field(default_factory=dict)
    leniency: dict[Hashable, float] = field(default_factory=dict)
    residual_sd: float | None = None
    n_observations: int = 0

    @property
    def ok(self) -> bool:
        """Return whether the model could be fitted."""
        return self.reason is None


def calibrate_additive(
    observations: Iterable[tuple[Hashable, Hashable, float]],
    *,
    min_shared: int = 2,
) -> Calibration:
    """Return plan effects and rater leniencies fitted by least squares, or why it is off.

    ``observations`` are ``(plan, rater, score)``. The model is identifiable only when the
    plan–rater graph is connected; beyond that we ask every rater to share at least
    ``min_shared`` plans with other raters and at least one residual degree of freedom, so
    that a leniency is not just one rater's noise. The plan effect is the plan's score with
    every rater's leniency removed, on the original scale.
    """
    obs = [(p, r, float(s)) for p, r, s in observations if s is not None and not math.isnan(s)]
    plans = sorted({p for p, _, _ in obs}, key=str)
    raters = sorted({r for _, r, _ in obs}, key=str)
    if len(raters) < 2:
        return Calibration(Reason.TOO_FEW_RATERS, {"raters": len(raters)}, n_observations=len(obs))
    p_index = {p: i for i, p in enumerate(plans)}
    r_index = {r: i for i, r in enumerate(raters)}
    pi = np.array([p_index[p] for p, _, _ in obs])
    ri = np.array([r_index[r] for _, r, _ in obs])
    y = np.array([s for _, _, s in obs])
    n_p, n_r = len(plans), len(raters)

    incidence = coo_matrix((np.ones(len(obs)), (pi, ri)), shape=(n_p, n_r)).toarray()
    graph = coo_matrix((np.ones(len(obs)), (pi, n_p + ri)), shape=(n_p + n_r, n_p + n_r))
    n_groups, labels = connected_components(graph, directed=False)
    if n_groups > 1:
        groups: dict[int, list] = {}
        for r, i in r_index.items():
            groups.setdefault(int(labels[n_p + i]), []).append(r)
        return Calibration(
            Reason.DISCONNECTED,
            {"groups": [sorted(g, key=str) for g in groups.values()]},
            n_observations=len(obs),
        )
    multi_rated = (incidence > 0).sum(axis=1) >= 2
    shared = ((incidence > 0) & multi_rated[:, None]).sum(axis=0)
    thin = [(raters[i], int(shared[i])) for i in range(n_r) if shared[i] < min_shared]
    if thin:
        return Calibration(
            Reason.THIN_OVERLAP,
            {"raters": thin, "min_shared": min_shared},
            n_observations=len(obs),
        )
    dof = len(obs) - (n_p + n_r - 1)
    if dof < 1:
        return Calibration(Reason.NO_RESIDUAL, {"dof": dof}, n_observations=len(obs))

    per_plan = incidence.sum(axis=1)
    per_rater = incidence.sum(axis=0)
    plan_sums = np.bincount(pi, weights=y, minlength=n_p)
    rater_sums = np.bincount(ri, weights=y, minlength=n_r)
    # Eliminate the plan effects (a_p = mean over plan p of y - b_r); the reduced normal
    # equations for b have the all-ones null space, and adding 11ᵀ pins sum(b) = 0.
    scaled = incidence / per_plan[:, None]
    reduced = np.diag(per_rater) - incidence.T @ scaled
    rhs = rater_sums - incidence.T @ (plan_sums / per_plan)
    leniency = np.linalg.solve(reduced + np.ones((n_r, n_r)), rhs)
    plan_effects = (plan_sums - incidence @ leniency) / per_plan
    residual = y - plan_effects[pi] - leniency[ri]
    return Calibration(
        plan_effects={p: float(plan_effects[i]) for p, i in p_index.items()},
        leniency={r: float(leniency[i]) for r, i in r_index.items()},
        residual_sd=float(math.sqrt(float(residual @ residual) / dof)),
        n_observations=len(obs),
    )


# --- ranks with uncertainty ---------------------------------------------------------------------


@dataclass(frozen=True)
class RankedPlan:
    """A plan's rank with its bootstrap interval and tied band (rank 1 is the best)."""

    key: Hashable
    n: int
    mean: float
    rank: int
    rank_low: int
    rank_high: int
    band: int


def bootstrap_ranks(
    scores_by_plan: Mapping[Hashable, Sequence[float | None]],
    *,
    resamples: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> list[RankedPlan]:
    """Return plans ordered by mean score with bootstrap rank intervals and tied bands.

    Each resample redraws every plan's reviewers with replacement (the reviewers a plan
    actually had, as many as it had) and ranks the plans by their resampled means; the rank
    interval holds the central ``level`` of those ranks. Plans are then grouped into bands:
    walking down the point ranking, a plan opens a new band when its best plausible rank is
    worse than the worst plausible rank of the band's first plan, so plans that could swap
    places share a band instead of a false strict order. Plans without scores are left out.
    """
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    if resamples < 1:
        raise ValueError("resamples must be positive")
    keys: list[Hashable] = []
    rows: list[np.ndarray] = []
    for key, values in scores_by_plan.items():
        x = _as_float_array(values)
        x = x[~np.isnan(x)]
        if x.size:
            keys.append(key)
            rows.append(x)
    if not keys:
        return []
    n_plans = len(keys)
    counts = np.array([r.size for r in rows])
    width = int(counts.max())
    padded = np.zeros((n_plans, width))
    for i, r in enumerate(rows):
        padded[i, : r.size] = r
    means = np.array([r.mean() for r in rows])
    point_rank = competition_ranks(means)[0]

    rng = np.random.default_rng(seed)
    mask = np.arange(width)[None, :] < counts[:, None]
    ranks = np.empty((resamples, n_plans), dtype=np.int32)
    chunk = max(1, 2_000_000 // max(1, n_plans * width))
    plan_rows = np.arange(n_plans)[:, None]
    for start in range(0, resamples, chunk):
        b = min(chunk, resamples - start)
        draws = (rng.random((b, n_plans, width)) * counts[None, :, None]).astype(np.intp)
        picked = padded[plan_rows[None, :, :], draws]
        boot_means = np.where(mask[None], picked, 0.0).sum(axis=2) / counts[None, :]
        ranks[start : start + b] = competition_ranks(boot_means)
    tail = (1.0 - level) / 2.0
    low = np.quantile(ranks, tail, axis=0, method="inverted_cdf").astype(int)
    high = np.quantile(ranks, 1.0 - tail, axis=0, method="inverted_cdf").astype(int)

    order = sorted(range(n_plans), key=lambda i: (point_rank[i], str(keys[i])))
    result: list[RankedPlan] = []
    band = 0
    band_leader_high = 0
    for i in order:
        if band == 0 or low[i] > band_leader_high:
            band += 1
            band_leader_high = int(high[i])
        result.append(
            RankedPlan(
                key=keys[i],
                n=int(counts[i]),
                mean=float(means[i]),
                rank=int(point_rank[i]),
                rank_low=int(low[i]),
                rank_high=int(high[i]),
                band=band,
            )
        )
    return result


# --- proportions ---------------------------------------------------------------------------


def wilson_interval(successes: int, n: int, *, z: float = 1.959964) -> tuple[float, float] | None:
    """Return the Wilson score interval (95 % by default) of successes/n, or None when n is 0.

    Unlike the normal approximation it stays inside [0, 1] and is honest for small n and for
    shares near 0 or 1 (Wilson 1927; Brown, Cai & DasGupta 2001 recommend it for n < 40 too).
    """
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high
