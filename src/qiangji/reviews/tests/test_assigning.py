"""Automatic assignment: balanced, conflict-free, deterministic."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qiangji.reviews.assigning import PlanSlot, Reviewer, balance_assignments


def test_nobody_reviews_their_own_community_and_loads_are_even():
    plans = [PlanSlot(key=f"p{c}", community=c) for c in range(11)]
    reviewers = [
        Reviewer(key="m0", conflicts=frozenset({0})),
        *(Reviewer(key=f"m{i}") for i in range(1, 6)),
    ]
    result = balance_assignments(plans, reviewers, per_plan=3)
    assert ("p0", "m0") not in result.pairs
    assert len(result.pairs) == 33 and not result.short
    loads = [sum(1 for _, r in result.pairs if r == rev.key) for rev in reviewers]
    assert max(loads) - min(loads) <= 1


def test_plans_without_enough_eligible_reviewers_are_reported_short():
    plans = [PlanSlot(key="p", community="c")]
    reviewers = [Reviewer(key="a", conflicts=frozenset({"c"})), Reviewer(key="b")]
    result = balance_assignments(plans, reviewers, per_plan=2)
    assert result.pairs == [("p", "b")]
    assert result.short == {"p": 1}


def test_existing_assignments_count_towards_the_target_and_the_load():
    plans = [
        PlanSlot(key="p1", community=1, assigned=frozenset({"a"})),
        PlanSlot(key="p2", community=2),
    ]
    reviewers = [Reviewer(key="a", load=1), Reviewer(key="b"), Reviewer(key="c")]
    result = balance_assignments(plans, reviewers, per_plan=2)
    # p1 has fewer eligible reviewers, so it is staffed first, by the least-loaded one.
    assert result.pairs == [("p1", "b"), ("p2", "c"), ("p2", "a")]
    assert not result.short


@settings(max_examples=60, deadline=None)
@given(
    n_plans=st.integers(1, 30),
    n_communities=st.integers(1, 11),
    n_reviewers=st.integers(1, 12),
    per_plan=st.integers(1, 5),
    conflict_seed=st.lists(st.integers(0, 10), max_size=12),
)
def test_assignments_never_break_a_conflict_or_repeat_a_reviewer(
    n_plans, n_communities, n_reviewers, per_plan, conflict_seed
):
    plans = [PlanSlot(key=i, community=i % n_communities) for i in range(n_plans)]
    reviewers = [
        Reviewer(
            key=f"r{j}",
            conflicts=frozenset({conflict_seed[j]}) if j < len(conflict_seed) else frozenset(),
        )
        for j in range(n_reviewers)
    ]
    result = balance_assignments(plans, reviewers, per_plan=per_plan)
    conflicts = {r.key: r.conflicts for r in reviewers}
    community = {p.key: p.community for p in plans}
    assert len(set(result.pairs)) == len(result.pairs)
    for plan, reviewer in result.pairs:
        assert community[plan] not in conflicts[reviewer]
    for p in plans:
        got = sum(1 for plan, _ in result.pairs if plan == p.key)
        eligible = sum(1 for r in reviewers if p.community not in r.conflicts)
        assert got == min(per_plan, eligible)
        assert result.short.get(p.key, 0) == per_plan - got
    if not conflict_seed and n_reviewers >= per_plan:
        loads = [sum(1 for _, r in result.pairs if r == rev.key) for rev in reviewers]
        assert max(loads) - min(loads) <= 1
