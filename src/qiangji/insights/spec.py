"""The brand index specification (品牌六性): traits, indicators, directions, goalposts, weights.

This module is the code form of docs/brand-index.md; keep them in step. A published
`IndexVersion` stores a copy of the indicator table and the weights it was published with,
so a score can always be recomputed by the version that made it, even after this table
changes. Goalposts are fixed (not the min and max of this period's communities), so a score
of 60 means the same thing in March and in November.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.utils.translation import gettext_lazy as _

#: The six traits in the seed's order: (key, Chinese name used in files and the JSON).
TRAITS: tuple[tuple[str, str], ...] = (
    ("differentiation", "差异化"),
    ("serialisation", "系列化"),
    ("refinement", "精细化"),
    ("participation", "参与度"),
    ("satisfaction", "满意度"),
    ("influence", "影响广"),
)
TRAIT_KEYS = tuple(key for key, _name in TRAITS)
TRAIT_ZH = dict(TRAITS)
TRAIT_LABELS = {
    "differentiation": _("Differentiation"),
    "serialisation": _("Serialisation"),
    "refinement": _("Refinement"),
    "participation": _("Participation"),
    "satisfaction": _("Satisfaction"),
    "influence": _("Broad influence"),
}

AGGREGATIONS = ("linear", "geometric")
#: A trait is scored when its observed indicators carry at least this share of its weight.
MIN_TRAIT_COVERAGE = 0.5
#: A community is ranked when at least this many traits are scored.
MIN_TRAITS_FOR_RANK = 3


@dataclass(frozen=True)
class Indicator:
    key: str
    trait: str
    source: str  # plans, workshops, concerns, reviews, implementation, surveys, insights
    direction: int  # +1: more is better; -1: less is better
    low: float  # goalpost: at or below it a + indicator scores 0 (a − indicator 100)
    high: float  # goalpost: at or above it a + indicator scores 100 (a − indicator 0)
    weight: float = 1.0  # within its trait
    min_n: int = 0  # fewer observations than this: missing, not a shaky figure
    unit: str = ""  # "share" (0–1, shown as %), "per1000", "count", "score"


INDICATORS: tuple[Indicator, ...] = (
    # 差异化: unlike the other plans and the cases already in the library, with an identity.
    Indicator("plan_distinctness", "differentiation", "plans", +1, 0.2, 0.8, unit="share"),
    Indicator("brand_identity", "differentiation", "plans", +1, 0, 4, unit="count"),
    # 系列化: projects carried by main lines, recurring activities, delivery per line.
    Indicator("lines_with_projects", "serialisation", "plans", +1, 0, 3, unit="count"),
    Indicator("projects_per_line", "serialisation", "plans", +1, 0, 4, unit="count"),
    Indicator("recurring_activity_kinds", "serialisation", "workshops", +1, 0, 3, unit="count"),
    Indicator("completed_per_line", "serialisation", "implementation", +1, 0, 5, unit="count"),
    # 精细化: tasks fully specified, a tree broken down to tasks, delivery on time.
    Indicator("tasks_specified_share", "refinement", "plans", +1, 0, 1, unit="share"),
    Indicator("tree_depth", "refinement", "plans", +1, 1, 3, unit="count"),
    Indicator("on_time_share", "refinement", "implementation", +1, 0.5, 1, min_n=3, unit="share"),
    Indicator("overdue_share", "refinement", "implementation", -1, 0, 0.5, min_n=3, unit="share"),
    # 参与度: residents' voices per 1,000 residents, co-creation, kinds of actors (多元主体).
    Indicator("resident_voices_per_1000", "participation", "concerns", +1, 0, 50, unit="per1000"),
    Indicator("cocreation_contributions", "participation", "workshops", +1, 0, 40, unit="count"),
    Indicator("actor_kinds", "participation", "plans", +1, 1, 6, unit="count"),
    Indicator("survey_participation_share", "participation", "surveys", +1, 0, 0.6, min_n=30, unit="share"),
    # 满意度: residents' own verdicts, each with its interval.
    Indicator("survey_satisfied_share", "satisfaction", "surveys", +1, 0.3, 0.9, min_n=30, unit="share"),
    Indicator("ticket_satisfaction", "satisfaction", "concerns", +1, 0.5, 1, min_n=3, unit="share"),
    # 影响广: known, reported, learned from.
    Indicator("brand_awareness_share", "influence", "surveys", +1, 0, 0.8, min_n=30, unit="share"),
    Indicator("activities_held", "influence", "workshops", +1, 0, 8, unit="count"),
    Indicator("media_reports", "influence", "insights", +1, 0, 5, unit="count"),
    Indicator("library_cases", "influence", "workshops", +1, 0, 2, unit="count"),
)  # fmt: skip
INDICATOR_BY_KEY = {indicator.key: indicator for indicator in INDICATORS}

INDICATOR_LABELS = {
    "plan_distinctness": _("Distinctness of the plan (1 − highest TF-IDF cosine to another plan or case)"),
    "brand_identity": _("Brand identity fields filled (name, slogan, concept, positioning)"),
    "lines_with_projects": _("Main lines carrying at least one project"),
    "projects_per_line": _("Projects per main line"),
    "recurring_activity_kinds": _("Activity kinds taken part in at least twice"),
    "completed_per_line": _("Items completed per main line"),
    "tasks_specified_share": _("Share of tasks with owner, deadline, budget and KPI"),
    "tree_depth": _("Depth of the plan tree (1 lines, 2 projects, 3 tasks)"),
    "on_time_share": _("Share of finished items delivered on time"),
    "overdue_share": _("Share of items overdue"),
    "resident_voices_per_1000": _("Residents' voices per 1,000 residents (reporters, me-toos, survey responses)"),
    "cocreation_contributions": _("Co-creation contributions (ideas and sign-ins at activities)"),
    "actor_kinds": _("Kinds of actors named in the plan (多元主体)"),
    "survey_participation_share": _("Residents who took part in community activities in the last six months (surveys)"),
    "survey_satisfied_share": _("Residents satisfied in surveys"),
    "ticket_satisfaction": _("Satisfied or fairly satisfied at the follow-up call"),
    "brand_awareness_share": _("Residents who know the brand (surveys)"),
    "activities_held": _("Programme activities taken part in"),
    "media_reports": _("Media reports recorded"),
    "library_cases": _("Cases from the community in the case library"),
}  # fmt: skip


def default_weights() -> dict[str, float]:
    """Return equal trait weights (a value judgement, stated: no trait matters more by default)."""
    return {key: round(1 / len(TRAIT_KEYS), 6) for key in TRAIT_KEYS}


def indicator_table() -> list[dict]:
    """Return the indicator table as plain data, to be stored with a published version."""
    return [asdict(indicator) for indicator in INDICATORS]


def indicators_from_table(table: list[dict] | None) -> tuple[Indicator, ...]:
    """Return the Indicators of a stored table (the current table when None or empty)."""
    if not table:
        return INDICATORS
    fields = set(Indicator.__dataclass_fields__)
    return tuple(Indicator(**{k: v for k, v in row.items() if k in fields}) for row in table)


def normalise_weights(weights: dict[str, float]) -> tuple[dict[str, float], bool]:
    """Return weights over the six traits summing to one, and whether they had to be rescaled.

    Missing or negative weights count as 0; all zero falls back to equal weights.
    """
    clean = {}
    for key in TRAIT_KEYS:
        try:
            value = float(weights.get(key, 0) or 0)
        except (TypeError, ValueError):
            value = 0.0
        clean[key] = value if value > 0 and value == value and value != float("inf") else 0.0
    total = sum(clean.values())
    if total <= 0:
        return default_weights(), True
    rescaled = abs(total - 1) > 1e-4
    return {key: round(value / total, 6) for key, value in clean.items()}, rescaled
