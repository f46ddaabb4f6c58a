"""Automatic assignment of reviewers to plans: balanced load, conflicts of interest respected.

A pure function over keys, so it is tested by property and used by `do_auto_assign`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PlanSlot:
    """A plan to staff: its community and the reviewers it already has."""

    key: Hashable
    community: Hashable
    assigned: frozenset = frozenset()


@dataclass(frozen=True)
class Reviewer:
    """A possible reviewer: communities they may not review, and the load they already carry."""

    key: Hashable
    conflicts: frozenset = frozenset()
    load: int = 0


@dataclass
class AssignmentPlan:
    """New (plan, reviewer) pairs, and plans left short of reviewers with how many are missing."""

    pairs: list[tuple[Hashable, Hashable]] = field(default_factory=list)
    short: dict[Hashable, int] = field(default_factory=dict)


def balance_assignments(
    plans: Sequence[PlanSlot], reviewers: Sequence[Reviewer], *, per_plan: int
) -> AssignmentPlan:
    """Return new assignments so each plan has ``per_plan`` reviewers and loads stay even.

    Nobody reviews a plan of a community they are in conflict with (their own community or a
    declared conflict), and nobody is assigned twice to the same plan. Plans with the fewest
    eligible reviewers are staffed first; each slot goes to the eligible reviewer with the
    least load so far, ties broken by how many plans of that community they already review
    (to spread perspectives) and then by key, so the result is deterministic.
    """
    load: dict[Hashable, int] = {r.key: r.load for r in reviewers}
    per_community: dict[tuple[Hashable, Hashable], int] = {}
    for plan in plans:
        for r in plan.assigned:
            per_community[(r, plan.community)] = per_community.get((r, plan.community), 0) + 1
    eligible: Mapping[Hashable, list[Reviewer]] = {
        plan.key: [
            r for r in reviewers if plan.community not in r.conflicts and r.key not in plan.assigned
        ]
        for plan in plans
    }
    result = AssignmentPlan()
    order = sorted(plans, key=lambda p: (len(eligible[p.key]), str(p.key)))
    for plan in order:
        needed = per_plan - len(plan.assigned)
        if needed <= 0:
            continue
        candidates = sorted(
            eligible[plan.key],
            key=lambda r: (load[r.key], per_community.get((r.key, plan.community), 0), str(r.key)),
        )
        chosen = candidates[:needed]
        for r in chosen:
            result.pairs.append((plan.key, r.key))
            load[r.key] += 1
            per_community[(r.key, plan.community)] = (
                per_community.get((r.key, plan.community), 0) + 1
            )
        if len(chosen) < needed:
            result.short[plan.key] = needed - len(chosen)
    return result
