"""Tests of qiangji.lib.stats against published worked examples and by property."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qiangji.lib.stats import (
    Reason,
    bootstrap_ranks,
    calibrate_additive,
    krippendorff_alpha,
    summarise,
    trimmed_mean,
    weighted_total,
)

N = None

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers (columns here), twelve units (rows), missing values; the paper reports
# alpha = 0.743 nominal, 0.815 ordinal, 0.849 interval, 0.797 ratio.
KRIPPENDORFF_2011 = list(
    zip(
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
        strict=True,
    )
)

# The computational example of the Wikipedia article "Krippendorff's alpha": three coders,
# fifteen units; alpha = 0.691 nominal and 0.811 interval.
WIKIPEDIA = list(
    zip(
        [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
        [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
        [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
        strict=True,
    )
)


@pytest.mark.parametrize(
    ("metric", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_matches_krippendorffs_2011_worked_example(metric, published):
    result = krippendorff_alpha(KRIPPENDORFF_2011, metric=metric)
    assert result.alpha == pytest.approx(published, abs=5e-4)
    # Unit 12 has a single value and is not pairable; 40 pairable values remain.
    assert result.pairable_units == 11
    assert result.pairable_values == 40


def test_alpha_interval_disagreements_are_those_of_the_worked_example():
    result = krippendorff_alpha(KRIPPENDORFF_2011, metric="interval")
    # alpha = 1 - D_o / D_e; the exact fractions follow from the coincidence matrix.
    assert result.observed_disagreement == pytest.approx(0.43333, abs=1e-5)
    assert result.expected_disagreement == pytest.approx(2.87179, abs=1e-5)


@pytest.mark.parametrize(("metric", "published"), [("nominal", 0.691), ("interval", 0.811)])
def test_alpha_matches_the_wikipedia_computational_example(metric, published):
    assert krippendorff_alpha(WIKIPEDIA, metric=metric).alpha == pytest.approx(published, abs=5e-4)


def test_alpha_is_undefined_without_variation_and_says_why():
    result = krippendorff_alpha([[3, 3], [3, 3], [3, N]])
    assert result.alpha is None
    assert result.reason is Reason.NO_VARIATION


def test_alpha_is_undefined_when_no_unit_has_two_ratings():
    result = krippendorff_alpha([[1, N], [N, 4]])
    assert result.alpha is None
    assert result.reason is Reason.TOO_FEW_PAIRABLE


def test_alpha_of_an_empty_table_says_there_are_no_values():
    assert krippendorff_alpha([[N, N]]).reason is Reason.NO_VALUES
    assert krippendorff_alpha([]).reason is Reason.NO_VALUES
    assert krippendorff_alpha(np.empty((0, 3))).reason is Reason.NO_VALUES


def _interval_alpha_by_variances(table: np.ndarray) -> float:
    """Independent oracle: the interval alpha written with within-unit and total variances."""
    present = ~np.isnan(table)
    m = present.sum(axis=1)
    rows = table[m >= 2]
    values = rows[~np.isnan(rows)]
    n = values.size
    within = sum(
        (r[~np.isnan(r)].size * np.var(r[~np.isnan(r)]) * r[~np.isnan(r)].size)
        / (r[~np.isnan(r)].size - 1)
        for r in rows
    )
    total = n * n * np.var(values)
    return 1.0 - (n - 1) * within / total


ratings = st.lists(
    st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=3, max_size=3),
    min_size=2,
    max_size=12,
)


@settings(max_examples=80, deadline=None)
@given(ratings)
def test_alpha_interval_equals_the_variance_formula(rows):
    result = krippendorff_alpha(rows, metric="interval")
    assume(result.alpha is not None)
    table = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)
    assert result.alpha == pytest.approx(_interval_alpha_by_variances(table), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(ratings, st.floats(0.5, 10), st.floats(-50, 50), st.randoms(use_true_random=False))
def test_alpha_interval_ignores_rescaling_and_order_of_units_and_raters(rows, scale, shift, rnd):
    base = krippendorff_alpha(rows, metric="interval")
    assume(base.alpha is not None)
    moved = [[None if v is None else v * scale + shift for v in r] for r in rows]
    shuffled = [list(r) for r in moved]
    rnd.shuffle(shuffled)
    order = [0, 1, 2]
    rnd.shuffle(order)
    shuffled = [[r[i] for i in order] for r in shuffled]
    assert krippendorff_alpha(shuffled, metric="interval").alpha == pytest.approx(
        base.alpha, abs=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=10))
def test_alpha_is_one_when_every_rater_agrees(values):
    assume(len(set(values)) > 1)
    rows = [[v, v, v] for v in values]
    assert krippendorff_alpha(rows, metric="interval").alpha == pytest.approx(1.0)


# --- totals and summaries ---


def test_weighted_total_uses_the_weights():
    assert weighted_total([5, 3], [3, 1]) == pytest.approx(4.5)


def test_not_applicable_never_counts_as_zero():
    assert weighted_total([4, None, 2], [1, 1, 1]) == pytest.approx(3.0)
    assert weighted_total([4, math.nan, 2], [1, 5, 1]) == pytest.approx(3.0)


def test_weighted_total_of_an_all_na_review_is_none():
    assert weighted_total([None, None], [1, 1]) is None


def test_weighted_total_refuses_mismatched_or_negative_weights():
    with pytest.raises(ValueError, match="same length"):
        weighted_total([1, 2], [1])
    with pytest.raises(ValueError, match="non-negative"):
        weighted_total([1, 2], [1, -1])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.floats(0, 100)), st.floats(0.1, 10)),
        min_size=1,
        max_size=8,
    )
)
def test_weighted_total_lies_between_the_lowest_and_highest_answered_score(pairs):
    scores = [s for s, _ in pairs]
    total = weighted_total(scores, [w for _, w in pairs])
    answered = [s for s in scores if s is not None]
    if not answered:
        assert total is None
    else:
        assert min(answered) - 1e-9 <= total <= max(answered) + 1e-9


def test_trimmed_mean_drops_the_extremes_of_five_reviewers():
    assert trimmed_mean([1, 4, 4, 5, 100]) == pytest.approx(13 / 3)
    assert trimmed_mean([]) is None


def test_summary_reports_mean_median_trimmed_mean_and_spread():
    s = summarise([2, 3, 3, 4, 10, None])
    assert s.n == 5
    assert s.mean == pytest.approx(4.4)
    assert s.median == 3
    assert s.trimmed_mean == pytest.approx(10 / 3)
    assert s.sd == pytest.approx(np.std([2, 3, 3, 4, 10], ddof=1))
    assert (s.minimum, s.maximum) == (2, 10)
    assert summarise([]).mean is None


# --- calibration ---


def _balanced_design(plan_effects, leniency, per_plan=3, noise=None):
    raters = list(leniency)
    obs = []
    for i, (p, a) in enumerate(plan_effects.items()):
        for j in range(per_plan):
            r = raters[(i + j) % len(raters)]
            e = 0.0 if noise is None else noise[len(obs)]
            obs.append((p, r, a + leniency[r] + e))
    return obs


def test_calibration_recovers_known_effects_exactly_without_noise():
    plans = {f"p{i}": 60 + 3 * i for i in range(8)}
    leniency = {"严": -4.0, "中": 0.5, "宽": 3.5, "平": 0.0}
    fit = calibrate_additive(_balanced_design(plans, leniency))
    assert fit.ok
    for r, b in leniency.items():
        assert fit.leniency[r] == pytest.approx(b, abs=1e-9)
    for p, a in plans.items():
        assert fit.plan_effects[p] == pytest.approx(a, abs=1e-9)
    assert fit.residual_sd == pytest.approx(0.0, abs=1e-9)


def test_calibration_agrees_with_a_dense_least_squares_fit():
    rng = np.random.default_rng(4)
    plans = {f"p{i}": float(rng.uniform(50, 90)) for i in range(12)}
    leniency = {f"m{j}": float(rng.normal(0, 3)) for j in range(5)}
    leniency = {k: v - np.mean(list(leniency.values())) for k, v in leniency.items()}
    obs = _balanced_design(plans, leniency, noise=rng.normal(0, 2, 36))
    fit = calibrate_additive(obs)
    # Oracle: explicit design matrix with a sum-to-zero row for the leniencies.
    p_keys, r_keys = sorted(plans), sorted(leniency)
    x = np.zeros((len(obs) + 1, len(p_keys) + len(r_keys)))
    y = np.zeros(len(obs) + 1)
    for k, (p, r, s) in enumerate(obs):
        x[k, p_keys.index(p)] = 1
        x[k, len(p_keys) + r_keys.index(r)] = 1
        y[k] = s
    x[-1, len(p_keys) :] = 1
    coef = np.linalg.lstsq(x, y, rcond=None)[0]
    for i, r in enumerate(r_keys):
        assert fit.leniency[r] == pytest.approx(coef[len(p_keys) + i], abs=1e-8)
    for i, p in enumerate(p_keys):
        assert fit.plan_effects[p] == pytest.approx(coef[i], abs=1e-8)


def test_calibration_is_off_with_one_reviewer():
    fit = calibrate_additive([("a", "m1", 3), ("b", "m1", 4)])
    assert not fit.ok
    assert fit.reason is Reason.TOO_FEW_RATERS


def test_calibration_is_off_when_reviewers_never_meet():
    obs = [("a", "m1", 3), ("a", "m2", 4), ("b", "m3", 2), ("b", "m4", 5)]
    fit = calibrate_additive(obs)
    assert fit.reason is Reason.DISCONNECTED
    assert sorted(map(sorted, fit.detail["groups"])) == [["m1", "m2"], ["m3", "m4"]]


def test_calibration_names_the_reviewer_with_too_little_overlap():
    obs = [
        ("a", "m1", 3), ("a", "m2", 4), ("b", "m1", 2), ("b", "m2", 3),
        ("c", "m1", 4), ("c", "m2", 5), ("c", "m3", 5),
    ]  # fmt: skip
    fit = calibrate_additive(obs, min_shared=2)
    assert fit.reason is Reason.THIN_OVERLAP
    assert fit.detail["raters"] == [("m3", 1)]


def test_calibration_needs_a_residual_degree_of_freedom():
    obs = [("a", "m1", 3), ("a", "m2", 4), ("b", "m1", 2), ("b", "m2", 3)]
    fit = calibrate_additive(obs, min_shared=1)
    assert fit.ok  # 4 observations, 2 + 2 - 1 = 3 parameters
    fit = calibrate_additive([("a", "m1", 3), ("a", "m2", 4), ("b", "m2", 3)], min_shared=1)
    assert fit.reason is Reason.NO_RESIDUAL


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 100), min_size=18, max_size=18),
    st.sampled_from(["m0", "m1", "m2"]),
    st.floats(-20, 20),
)
def test_shifting_one_reviewers_scores_moves_only_their_leniency(scores, who, c):
    obs = [(f"p{i // 3}", f"m{(i + i // 3) % 3}", s) for i, s in enumerate(scores)]
    base = calibrate_additive(obs)
    assert base.ok
    moved = calibrate_additive([(p, r, s + c if r == who else s) for p, r, s in obs])
    # b_who gains c; all leniencies then drop by c/3 to average zero, plan effects rise c/3.
    for r in base.leniency:
        expected = base.leniency[r] + (c if r == who else 0.0) - c / 3
        assert moved.leniency[r] == pytest.approx(expected, abs=1e-6)
    for p in base.plan_effects:
        assert moved.plan_effects[p] == pytest.approx(base.plan_effects[p] + c / 3, abs=1e-6)


# --- ranks with uncertainty ---


def test_clearly_separated_plans_get_strict_ranks_and_their_own_bands():
    ranked = bootstrap_ranks({"a": [90, 91, 89], "b": [70, 71, 69], "c": [50, 52, 51]}, seed=1)
    assert [(r.key, r.rank, r.rank_low, r.rank_high, r.band) for r in ranked] == [
        ("a", 1, 1, 1, 1),
        ("b", 2, 2, 2, 2),
        ("c", 3, 3, 3, 3),
    ]


def test_overlapping_plans_share_a_tied_band():
    ranked = bootstrap_ranks(
        {"a": [80, 60, 75, 90, 70], "b": [78, 65, 72, 85, 68], "c": [20, 22, 21, 19, 23]},
        seed=2,
    )
    by_key = {r.key: r for r in ranked}
    assert by_key["a"].band == by_key["b"].band == 1
    assert by_key["a"].rank_high == 2
    assert by_key["c"].band == 2
    assert (by_key["c"].rank_low, by_key["c"].rank_high) == (3, 3)


def test_bootstrap_is_reproducible_with_a_seed_and_skips_unscored_plans():
    data = {"a": [3, 4, 5], "b": [4, 4, 2], "c": [None], "d": [5, 1]}
    one = bootstrap_ranks(data, seed=7, resamples=200)
    two = bootstrap_ranks(data, seed=7, resamples=200)
    assert one == two
    assert {r.key for r in one} == {"a", "b", "d"}


def test_bootstrap_refuses_a_nonsense_level():
    with pytest.raises(ValueError, match="level"):
        bootstrap_ranks({"a": [1]}, level=1.5)


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdefgh", min_size=1, max_size=3),
        st.lists(st.integers(1, 5), min_size=1, max_size=5),
        min_size=1,
        max_size=8,
    )
)
def test_rank_intervals_are_within_bounds_and_bands_are_ordered(data):
    ranked = bootstrap_ranks(data, resamples=100, seed=3)
    assert len(ranked) == len(data)
    bands = [r.band for r in ranked]
    assert bands == sorted(bands) and bands[0] == 1
    for r in ranked:
        assert 1 <= r.rank_low <= r.rank_high <= len(data)
        if len(set(data[r.key])) == 1 and all(len(set(v)) == 1 for v in data.values()):
            # With no spread anywhere, resampling cannot move a plan.
            assert r.rank_low == r.rank_high == r.rank


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.integers(0, 6), min_size=5, max_size=5), min_size=1, max_size=6))
def test_competition_ranks_equal_scipys_min_ranks_of_the_negated_values(rows):
    from scipy.stats import rankdata

    from qiangji.lib.stats import competition_ranks

    x = np.array(rows, dtype=float)
    assert (competition_ranks(x) == rankdata(-x, method="min", axis=1)).all()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=12),
    st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.4]),
)
def test_trimmed_mean_equals_scipys_trim_mean(values, proportion):
    from scipy.stats import trim_mean

    assert trimmed_mean(values, proportion) == pytest.approx(
        trim_mean(values, proportion), rel=1e-9, abs=1e-6
    )
