"""Compute the brand index: normalise, weight, aggregate, and analyse its uncertainty.

Pure computation on what ``inputs.gather`` returns; the formulas are stated in
docs/brand-index.md. Nothing here reads the database, so the whole index of 400 communities
with 1,000 Monte Carlo draws is a few numpy operations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qiangji.lib.stats import bootstrap_ranks, competition_ranks

from .inputs import Gathered
from .spec import (
    MIN_TRAIT_COVERAGE,
    MIN_TRAITS_FOR_RANK,
    TRAIT_KEYS,
    Indicator,
    indicators_from_table,
    normalise_weights,
)

DRAWS = 1000
SEED = 20260219
#: Probability of each normalisation in the Monte Carlo (the first is the published one).
NORMALISATIONS = (
    ("goalposts", 0.4),
    ("goalposts_jittered", 0.3),
    ("zscore", 0.15),
    ("percentile", 0.15),
)
#: Concentration of the Dirichlet around the published weights (higher: weights vary less).
WEIGHT_CONCENTRATION = 24.0
#: Goalposts move by up to this share of their range in the jittered normalisation.
GOALPOST_JITTER = 0.2


@dataclass(frozen=True)
class VersionSpec:
    """What a published IndexVersion says, as plain values (tests build one directly)."""

    number: int
    weights: dict[str, float]
    aggregation: str = "linear"
    mentor_share: float = 0.0
    indicators: tuple[Indicator, ...] = ()

    @classmethod
    def from_model(cls, version) -> VersionSpec:
        return cls(
            number=version.number,
            weights=dict(version.weights or {}),
            aggregation=version.aggregation,
            mentor_share=float(version.mentor_share or 0.0),
            indicators=indicators_from_table(version.indicators),
        )


def _round(value: float | None, digits: int = 1) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def _goalpost_norm(
    x: np.ndarray, low: np.ndarray, high: np.ndarray, direction: np.ndarray
) -> np.ndarray:
    span = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = (x - low) / span
    scaled = np.where(direction > 0, scaled, 1.0 - scaled)
    return np.clip(scaled, 0.0, 1.0) * 100.0


def _cross_norm(x: np.ndarray, direction: np.ndarray, kind: str) -> np.ndarray:
    """Normalise across communities (z-score or percentile), per draw and indicator; NaN kept."""
    out = np.full_like(x, np.nan)
    signed = x * direction
    for d in range(x.shape[0]):
        for k in range(x.shape[2]):
            column = signed[d, :, k]
            seen = ~np.isnan(column)
            if seen.sum() < 2:
                out[d, seen, k] = 50.0
                continue
            values = column[seen]
            if kind == "zscore":
                sd = values.std()
                z = (values - values.mean()) / sd if sd > 0 else np.zeros_like(values)
                out[d, seen, k] = np.clip(50.0 + 15.0 * z, 0.0, 100.0)
            else:
                order = values.argsort().argsort()
                out[d, seen, k] = 100.0 * order / (len(values) - 1)
    return out


def _traits(norm: np.ndarray, within: np.ndarray, trait_of: np.ndarray) -> np.ndarray:
    """Return trait scores [..., C, T]: weighted mean of observed indicators, NaN below coverage."""
    observed = ~np.isnan(norm)
    values = np.where(observed, norm, 0.0)
    shape = (*norm.shape[:-1], len(TRAIT_KEYS))
    scores = np.full(shape, np.nan)
    for t in range(len(TRAIT_KEYS)):
        columns = trait_of == t
        if not columns.any():
            continue
        w = within[columns]
        total = w.sum()
        covered = (observed[..., columns] * w).sum(axis=-1)
        weighted = (values[..., columns] * w).sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = weighted / covered
        scores[..., t] = np.where(covered / total >= MIN_TRAIT_COVERAGE - 1e-9, score, np.nan)
    return scores


def _aggregate(traits: np.ndarray, weights: np.ndarray, geometric: np.ndarray | bool) -> np.ndarray:  # noqa: FBT001
    """Return the composite [..., C] over the scored traits, weights renormalised per community."""
    seen = ~np.isnan(traits)
    w = np.where(seen, weights[..., None, :] if weights.ndim > 1 else weights, 0.0)
    wsum = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        linear = (np.where(seen, traits, 0.0) * w).sum(axis=-1) / wsum
        logs = (np.log(np.maximum(np.where(seen, traits, 1.0), 1.0)) * w).sum(axis=-1) / wsum
    geo = np.exp(logs)
    if isinstance(geometric, np.ndarray):
        geometric = geometric[:, None]
    return np.where(geometric, geo, linear)


def _competition_ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 is the highest; ties share the best rank; one row per draw."""
    return competition_ranks(np.atleast_2d(values))


def compute(
    gathered: Gathered, version: VersionSpec, *, draws: int = DRAWS, seed: int = SEED
) -> dict:
    """Return the index as JSON-ready data: scores, evidence, median, ranks with bands, notices."""
    notices: list[dict] = []
    weights_map, rescaled = normalise_weights(version.weights)
    if rescaled:
        notices.append({"code": "weights_rescaled", "weights": weights_map})
    trait_weights = np.array([weights_map[t] for t in TRAIT_KEYS])
    indicators = list(version.indicators or indicators_from_table(None))
    valid = []
    for indicator in indicators:
        if indicator.trait not in TRAIT_KEYS:
            notices.append({"code": "unknown_trait", "indicator": indicator.key})
        elif (
            not (math.isfinite(indicator.low) and math.isfinite(indicator.high))
            or indicator.low == indicator.high
        ):
            notices.append(
                {"code": "bad_goalposts", "indicator": indicator.key, "low": indicator.low}
            )
        else:
            valid.append(indicator)
    {n["indicator"] for n in notices if n["code"] in ("bad_goalposts", "unknown_trait")}
    communities = gathered.communities
    ids = [c["id"] for c in communities]
    n_c, n_k = len(ids), len(valid)
    raw = np.full((n_c, n_k), np.nan)
    ci_low = np.full((n_c, n_k), np.nan)
    ci_high = np.full((n_c, n_k), np.nan)
    reasons: dict[tuple[int, str], str] = {}
    for i, cid in enumerate(ids):
        obs = gathered.observations.get(cid, {})
        for k, indicator in enumerate(valid):
            o = obs.get(indicator.key)
            if o is None or o.missing:
                reasons[(cid, indicator.key)] = o.reason if o else "no_source"
                continue
            if indicator.min_n and (o.n or 0) < indicator.min_n:
                reasons[(cid, indicator.key)] = "too_few"
                continue
            value = float(o.value)
            if not math.isfinite(value):
                reasons[(cid, indicator.key)] = "not_a_number"
                continue
            raw[i, k] = value
            if o.ci is not None:
                ci_low[i, k], ci_high[i, k] = float(o.ci[0]), float(o.ci[1])
    low = np.array([ind.low for ind in valid])
    high = np.array([ind.high for ind in valid])
    lo, hi = np.minimum(low, high), np.maximum(low, high)
    direction = np.array(
        [ind.direction if ind.low <= ind.high else -ind.direction for ind in valid], dtype=float
    )
    within = np.array([ind.weight for ind in valid], dtype=float)
    trait_of = np.array([TRAIT_KEYS.index(ind.trait) for ind in valid], dtype=int)

    norm = _goalpost_norm(raw, lo, hi, direction) if n_k else np.zeros((n_c, 0))
    data_traits = _traits(norm, within, trait_of) if n_c else np.zeros((0, len(TRAIT_KEYS)))
    # Mentors' ratings: kept apart; blended into a scored trait only with the version's share.
    blended = data_traits.copy()
    m = version.mentor_share
    for i, cid in enumerate(ids):
        for t, trait in enumerate(TRAIT_KEYS):
            rating = gathered.mentor.get(cid, {}).get(trait)
            if m > 0 and rating and not math.isnan(blended[i, t]):
                blended[i, t] = (1 - m) * blended[i, t] + m * rating[0]
    scored = (~np.isnan(blended)).sum(axis=1) if n_c else np.zeros(0, dtype=int)
    rankable = scored >= MIN_TRAITS_FOR_RANK
    geometric = version.aggregation == "geometric"
    composite = _aggregate(blended, trait_weights, geometric) if n_c else np.zeros(0)
    composite = np.where(rankable, composite, np.nan)

    # Uncertainty: Monte Carlo over weights, normalisation, aggregation and intervals.
    rank_median = np.full(n_c, np.nan)
    rank_p5 = np.full(n_c, np.nan)
    rank_p95 = np.full(n_c, np.nan)
    idx = np.flatnonzero(rankable)
    if len(idx) >= 1 and draws > 0:
        rng = np.random.default_rng(seed)
        ranks = np.empty((draws, len(idx)), dtype=np.int32)
        choice = rng.choice(len(NORMALISATIONS), size=draws, p=[p for _n, p in NORMALISATIONS])
        w_draws = rng.dirichlet(np.maximum(trait_weights, 1e-3) * WEIGHT_CONCENTRATION, size=draws)
        w_draws = np.where(trait_weights > 0, w_draws, 0.0)
        w_draws /= w_draws.sum(axis=1, keepdims=True)
        geo_draws = rng.random(draws) < 0.5
        sub_raw = raw[idx]
        has_ci = ~np.isnan(ci_low[idx])
        sub_m = [
            (t, gathered.mentor.get(ids[i], {}).get(trait))
            for i in idx
            for t, trait in enumerate(TRAIT_KEYS)
        ]
        mentor_matrix = np.full((len(idx), len(TRAIT_KEYS)), np.nan)
        for pos, (t, rating) in enumerate(sub_m):
            if rating:
                mentor_matrix[pos // len(TRAIT_KEYS), t] = rating[0]
        chunk = max(1, 200_000 // max(1, len(idx) * max(1, n_k)))
        for start in range(0, draws, chunk):
            stop = min(draws, start + chunk)
            d = stop - start
            x = np.repeat(sub_raw[None], d, axis=0)
            if has_ci.any():
                centre = sub_raw
                sd = (ci_high[idx] - ci_low[idx]) / 3.92
                noise = rng.standard_normal((d, *sub_raw.shape)) * np.nan_to_num(sd)
                x = np.where(has_ci[None], np.clip(centre[None] + noise, 0.0, 1.0), x)
            normalised = np.empty_like(x)
            for c_index, (name, _p) in enumerate(NORMALISATIONS):
                rows = choice[start:stop] == c_index
                if not rows.any():
                    continue
                part = x[rows]
                if name == "goalposts":
                    normalised[rows] = _goalpost_norm(part, lo, hi, direction)
                elif name == "goalposts_jittered":
                    span = hi - lo
                    shift_lo = (
                        lo
                        + rng.uniform(-GOALPOST_JITTER, GOALPOST_JITTER, (part.shape[0], 1, n_k))
                        * span
                    )
                    shift_hi = (
                        hi
                        + rng.uniform(-GOALPOST_JITTER, GOALPOST_JITTER, (part.shape[0], 1, n_k))
                        * span
                    )
                    shift_hi = np.maximum(shift_hi, shift_lo + 1e-9 + 0.05 * span)
                    normalised[rows] = _goalpost_norm(part, shift_lo, shift_hi, direction)
                else:
                    normalised[rows] = _cross_norm(part, direction, name)
            traits = _traits(normalised, within, trait_of)
            if m > 0:
                traits = np.where(
                    np.isnan(mentor_matrix)[None],
                    traits,
                    (1 - m) * traits + m * mentor_matrix[None],
                )
            # A missing trait is unknown, not zero: each draw imputes it from another ranked
            # community's score of that trait in the same draw (hot deck); a trait no ranked
            # community has drops out for all, its weight spread over the others.
            for t in range(traits.shape[2]):
                missing = np.isnan(traits[:, :, t])
                if not missing.any():
                    continue
                donors = np.flatnonzero(~missing[0])
                if donors.size == 0:
                    continue
                picks = donors[rng.integers(0, donors.size, size=missing.shape)]
                imputed = np.take_along_axis(traits[:, :, t], picks, axis=1)
                traits[:, :, t] = np.where(missing, imputed, traits[:, :, t])
            comp = _aggregate(traits, w_draws[start:stop], geo_draws[start:stop])
            ranks[start:stop] = _competition_ranks(comp)
        rank_median[idx] = np.median(ranks, axis=0)
        rank_p5[idx] = np.quantile(ranks, 0.05, axis=0, method="inverted_cdf")
        rank_p95[idx] = np.quantile(ranks, 0.95, axis=0, method="inverted_cdf")

    point_rank = np.full(n_c, np.nan)
    if len(idx):
        point_rank[idx] = _competition_ranks(composite[idx][None])[0]
    # Tied bands, as in the reviews' ranking: walking down by median rank, a community opens a
    # new band when its best plausible rank is worse than the worst of the band's first one.
    band = np.zeros(n_c, dtype=int)
    current, leader_high = 0, 0
    for i in sorted(idx, key=lambda i: (rank_median[i], point_rank[i], communities[i]["name"])):
        if current == 0 or rank_p5[i] > leader_high:
            current += 1
            leader_high = rank_p95[i]
        band[i] = current

    review_bands = {}
    totals = {cid: gathered.extras.get(cid, {}).get("review_totals") or [] for cid in ids}
    if any(totals.values()):
        for ranked in bootstrap_ranks(totals, resamples=500, seed=0):
            review_bands[ranked.key] = ranked.band

    medians = {}
    for t, trait in enumerate(TRAIT_KEYS):
        column = blended[:, t] if n_c else np.zeros(0)
        column = column[~np.isnan(column)]
        medians[trait] = _round(float(np.median(column))) if column.size else None

    correlations = []
    for a in range(len(TRAIT_KEYS)):
        for b in range(a + 1, len(TRAIT_KEYS)):
            both = (
                ~np.isnan(data_traits[:, a]) & ~np.isnan(data_traits[:, b])
                if n_c
                else np.zeros(0, bool)
            )
            if (
                both.sum() >= 5
                and data_traits[both, a].std() > 0
                and data_traits[both, b].std() > 0
            ):
                r = float(np.corrcoef(data_traits[both, a], data_traits[both, b])[0, 1])
                correlations.append([TRAIT_KEYS[a], TRAIT_KEYS[b], round(r, 2), int(both.sum())])

    rows = []
    for i, community in enumerate(communities):
        cid = community["id"]
        obs = gathered.observations.get(cid, {})
        traits_out = {}
        for t, trait in enumerate(TRAIT_KEYS):
            indicators_out = {}
            for k, indicator in enumerate(valid):
                if indicator.trait != trait:
                    continue
                o = obs.get(indicator.key)
                present = not math.isnan(raw[i, k])
                indicators_out[indicator.key] = {
                    "value": _round(raw[i, k], 3) if present else None,
                    "score": _round(norm[i, k]) if present else None,
                    "status": "ok" if present else "insufficient",
                    "reason": "" if present else reasons.get((cid, indicator.key), "no_source"),
                    "n": o.n if o else None,
                    "ci": [round(ci_low[i, k], 3), round(ci_high[i, k], 3)] if present and not math.isnan(ci_low[i, k]) else None,
                    "low": indicator.low, "high": indicator.high, "direction": indicator.direction,
                    "weight": indicator.weight, "source": indicator.source, "unit": indicator.unit,
                    "detail": _jsonable(o.detail) if o else {},
                }  # fmt: skip
            rating = gathered.mentor.get(cid, {}).get(trait)
            score = blended[i, t]
            traits_out[trait] = {
                "score": _round(score),
                "status": "ok" if not math.isnan(score) else "insufficient",
                "data_score": _round(data_traits[i, t]),
                "mentor": {"mean": round(rating[0], 1), "n": rating[1]} if rating else None,
                "indicators": indicators_out,
            }
        rows.append(
            {
                "id": cid,
                "name": community["name"],
                "population": community["population"],
                "households": community["households"],
                "code": community.get("code") or "",
                "subdistrict_id": community["parent_id"],
                "traits": traits_out,
                "scored_traits": int(scored[i]),
                "composite": _round(composite[i]),
                "rank_point": None if math.isnan(point_rank[i]) else int(point_rank[i]),
                "rank_median": None if math.isnan(rank_median[i]) else float(rank_median[i]),
                "rank_band": None
                if math.isnan(rank_p5[i])
                else [int(rank_p5[i]), int(rank_p95[i])],
                "band": int(band[i]) or None,
                "review_band": review_bands.get(cid),
                "extras": _jsonable(gathered.extras.get(cid, {})),
            }
        )
    if n_c == 0:
        notices.append({"code": "no_communities"})
    elif not len(idx):
        notices.append({"code": "nothing_ranked"})
    return {
        "programme": gathered.programme_id,
        "version": version.number,
        "weights": weights_map,
        "weights_rescaled": rescaled,
        "aggregation": version.aggregation,
        "mentor_share": m,
        "draws": draws if len(idx) else 0,
        "seed": seed,
        "sources": gathered.sources,
        "notices": notices,
        "median": medians,
        "ranked": int(len(idx)),
        "correlations": correlations,
        "communities": rows,
    }


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (np.floating, np.integer)):
        return _jsonable(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (int, str, bool)) or value is None:
        return value
    return str(value)
