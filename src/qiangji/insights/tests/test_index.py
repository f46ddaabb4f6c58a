"""The brand index computation: normalisation, missing data, weights, ranks, bad input."""

from __future__ import annotations

import json
import math

import pytest

from qiangji.insights.index import VersionSpec, compute
from qiangji.insights.inputs import Gathered, Observation, wilson
from qiangji.insights.spec import (
    INDICATORS,
    TRAIT_KEYS,
    Indicator,
    default_weights,
    normalise_weights,
)


def _gathered(values: dict[str, dict[str, float | None]], *, mentor=None) -> Gathered:
    communities = [
        {"id": i + 1, "name": name, "population": 5000, "households": 2000, "parent_id": 99}
        for i, name in enumerate(values)
    ]
    observations = {
        i + 1: {key: Observation(value) for key, value in obs.items()}
        for i, obs in enumerate(values.values())
    }
    return Gathered(
        programme_id=1,
        communities=communities,
        observations=observations,
        sources={},
        mentor=mentor or {},
        extras={},
        neighbours={},
    )


def _full(level: float) -> dict[str, float]:
    """Every indicator at `level` of the way from its low to its high goalpost."""
    out = {}
    for indicator in INDICATORS:
        low, high = indicator.low, indicator.high
        if indicator.direction < 0:
            low, high = high, low
        out[indicator.key] = low + level * (high - low)
    return out


def _n_ok(values):
    # indicators with a minimum n get a large n
    g = _gathered(values)
    for obs in g.observations.values():
        for _key, o in obs.items():
            o.n = 1000
    return g


SPEC = VersionSpec(number=1, weights=default_weights(), indicators=INDICATORS)


def test_goalposts_map_each_indicator_to_0_100_whatever_its_direction():
    result = compute(_n_ok({"甲": _full(1.0), "乙": _full(0.5), "丙": _full(0.0)}), SPEC, draws=50)
    scores = {row["name"]: row["traits"] for row in result["communities"]}
    for trait in TRAIT_KEYS:
        assert scores["甲"][trait]["score"] == 100.0
        assert scores["乙"][trait]["score"] == 50.0
        assert scores["丙"][trait]["score"] == 0.0


def test_values_beyond_the_goalposts_are_clipped_not_extrapolated():
    result = compute(_n_ok({"甲": _full(3.0), "乙": _full(-2.0)}), SPEC, draws=10)
    assert result["communities"][0]["traits"]["influence"]["score"] == 100.0
    assert result["communities"][1]["traits"]["influence"]["score"] == 0.0


def test_a_trait_whose_inputs_are_all_missing_is_insufficient_never_zero():
    values = _full(0.8)
    for indicator in INDICATORS:
        if indicator.trait == "satisfaction":
            values[indicator.key] = None
    result = compute(_n_ok({"甲": values, "乙": _full(0.2)}), SPEC, draws=20)
    trait = result["communities"][0]["traits"]["satisfaction"]
    assert trait["score"] is None and trait["status"] == "insufficient"
    assert all(i["status"] == "insufficient" for i in trait["indicators"].values())


def test_a_trait_with_less_than_half_its_weight_observed_is_insufficient():
    values = {key: None for key in _full(0)}
    values["activities_held"] = 8  # one of four influence indicators
    values["media_reports"] = 5
    result = compute(_gathered({"甲": values}), SPEC, draws=10)
    assert result["communities"][0]["traits"]["influence"]["score"] == 100.0  # 2 of 4: half
    values["media_reports"] = None
    result = compute(_gathered({"甲": values}), SPEC, draws=10)
    assert result["communities"][0]["traits"]["influence"]["status"] == "insufficient"


def test_too_few_observations_make_an_interval_indicator_missing():
    g = _gathered({"甲": {"ticket_satisfaction": 1.0}})
    g.observations[1]["ticket_satisfaction"].n = 1
    result = compute(g, SPEC, draws=10)
    indicator = result["communities"][0]["traits"]["satisfaction"]["indicators"][
        "ticket_satisfaction"
    ]
    assert indicator["status"] == "insufficient" and indicator["reason"] == "too_few"


def test_weights_that_do_not_sum_to_one_are_normalised_with_a_notice():
    weights, rescaled = normalise_weights({"differentiation": 2, "satisfaction": 2})
    assert rescaled and weights["differentiation"] == 0.5 and weights["influence"] == 0
    spec = VersionSpec(
        number=2, weights={"differentiation": 2, "satisfaction": 2}, indicators=INDICATORS
    )
    result = compute(_n_ok({"甲": _full(1), "乙": _full(0)}), spec, draws=10)
    assert result["notices"][0]["code"] == "weights_rescaled"
    assert sum(result["weights"].values()) == pytest.approx(1)


def test_all_zero_or_nonsense_weights_fall_back_to_equal_weights():
    weights, rescaled = normalise_weights({"differentiation": "x", "influence": float("nan")})
    assert rescaled and weights == default_weights()


def test_a_goalpost_equal_to_its_opposite_is_reported_and_its_indicator_left_out():
    broken = tuple(
        Indicator(**{**i.__dict__, "high": i.low}) if i.key == "media_reports" else i
        for i in INDICATORS
    )
    spec = VersionSpec(number=1, weights=default_weights(), indicators=broken)
    result = compute(_n_ok({"甲": _full(1), "乙": _full(0)}), spec, draws=10)
    assert {"code": "bad_goalposts", "indicator": "media_reports", "low": 0} in result["notices"]
    assert "media_reports" not in result["communities"][0]["traits"]["influence"]["indicators"]
    assert result["communities"][0]["traits"]["influence"]["score"] == 100.0


def test_no_communities_and_no_data_give_notices_not_errors():
    empty = compute(_gathered({}), SPEC, draws=10)
    assert empty["communities"] == [] and empty["notices"][-1]["code"] == "no_communities"
    nothing = compute(_gathered({"甲": {}}), SPEC, draws=10)
    row = nothing["communities"][0]
    assert row["rank_median"] is None and row["rank_band"] is None and row["composite"] is None
    assert nothing["notices"][-1]["code"] == "nothing_ranked"
    assert all(value is None for value in nothing["median"].values())


def test_the_result_is_valid_json_without_nan():
    values = {"甲": _full(0.7), "乙": {"activities_held": float("nan")}, "丙": {}}
    text = json.dumps(compute(_n_ok(values), SPEC, draws=30), allow_nan=False)
    assert "NaN" not in text


def test_a_clear_leader_ranks_first_with_a_narrow_band_and_ties_share_a_band():
    values = {"强": _full(0.95), "中甲": _full(0.5), "中乙": _full(0.5), "弱": _full(0.05)}
    result = compute(_n_ok(values), SPEC, draws=200)
    rows = {row["name"]: row for row in result["communities"]}
    assert rows["强"]["rank_median"] == 1 and rows["强"]["rank_band"] == [1, 1]
    assert rows["弱"]["rank_band"] == [4, 4]
    assert rows["中甲"]["band"] == rows["中乙"]["band"]
    assert rows["强"]["band"] < rows["中甲"]["band"] < rows["弱"]["band"]


def test_the_same_inputs_give_the_same_ranks_every_time():
    values = {f"社区{n}": _full(n / 10) for n in range(8)}
    first = compute(_n_ok(values), SPEC, draws=100)
    second = compute(_n_ok(values), SPEC, draws=100)
    assert [r["rank_band"] for r in first["communities"]] == [
        r["rank_band"] for r in second["communities"]
    ]


def test_mentor_ratings_are_shown_apart_and_blended_only_with_a_share():
    mentor = {1: {"differentiation": (100.0, 2)}}
    values = {"甲": _full(0.0), "乙": _full(0.5)}
    apart = compute(_n_ok(values) if False else _gathered(values, mentor=mentor), SPEC, draws=10)
    trait = apart["communities"][0]["traits"]["differentiation"]
    assert trait["score"] == 0.0 and trait["mentor"] == {"mean": 100.0, "n": 2}
    blended_spec = VersionSpec(
        number=2, weights=default_weights(), mentor_share=0.25, indicators=INDICATORS
    )
    blended = compute(_gathered(values, mentor=mentor), blended_spec, draws=10)
    trait = blended["communities"][0]["traits"]["differentiation"]
    assert trait["score"] == 25.0 and trait["data_score"] == 0.0


def test_geometric_aggregation_penalises_an_unbalanced_profile_more_than_linear():
    unbalanced = _full(1.0)
    for indicator in INDICATORS:
        if indicator.trait in ("satisfaction", "influence"):
            low, high = (
                (indicator.high, indicator.low)
                if indicator.direction < 0
                else (indicator.low, indicator.high)
            )
            unbalanced[indicator.key] = low
    linear = compute(_n_ok({"甲": unbalanced}), SPEC, draws=5)["communities"][0]["composite"]
    spec = VersionSpec(
        number=1, weights=default_weights(), aggregation="geometric", indicators=INDICATORS
    )
    geometric = compute(_n_ok({"甲": unbalanced}), spec, draws=5)["communities"][0]["composite"]
    assert linear == pytest.approx(66.7, abs=0.1)
    assert geometric < linear


def test_wilson_interval_of_a_small_sample_is_wide_and_within_0_1():
    low, high = wilson(1, 1)
    assert 0 <= low < 0.3 and high == 1.0
    assert wilson(0, 0) == (0.0, 1.0)
    low, high = wilson(90, 100)
    assert math.isclose(low, 0.8256, abs_tol=1e-3) and math.isclose(high, 0.9448, abs_tol=1e-3)
