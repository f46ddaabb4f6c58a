"""Gather each community's raw indicator values from the other apps' documented interfaces.

Dependency direction: insights (a capability app) reads ``plans.interface``,
``workshops.interface``, ``concerns.interface``, ``reviews.interface`` and, when they exist,
``implementation.interface`` and ``surveys.interface``; none of them imports insights. An
interface that is not there yet (or fails to import) makes its indicators *missing*, never 0.
Each interface runs a constant number of queries, so gathering does too.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import math
from dataclasses import dataclass, field

from django.db.models import Count

from qiangji.programmes.models import Programme
from qiangji.territories.models import Territory

from .models import MediaReport, TraitRating

log = logging.getLogger(__name__)


@dataclass
class Observation:
    """One indicator of one community: its value, or why it is missing, and what is behind it."""

    value: float | None
    n: int | None = None
    ci: tuple[float, float] | None = None  # an interval for the uncertainty analysis
    reason: str = ""  # when missing: no_plan, no_lines, no_tasks, no_population, too_few, no_source
    detail: dict = field(default_factory=dict)

    @property
    def missing(self) -> bool:
        return self.value is None or (isinstance(self.value, float) and math.isnan(self.value))


@dataclass
class Gathered:
    programme_id: int
    communities: list[dict]  # id, name, population, households, subdistrict_id
    observations: dict[int, dict[str, Observation]]
    sources: dict[str, bool]  # source → available
    mentor: dict[int, dict[str, tuple[float, int]]]  # community → trait → (mean rating, n)
    extras: dict[int, dict]  # community → figures for dashboards (not in the index)
    neighbours: dict[int, list[tuple[str, float]]]


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Return the Wilson score interval of a proportion (0–1)."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def _optional(module: str, function: str):
    """Return an interface function of an app being built, or None when it is not there yet."""
    try:
        return getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        return None


def _safe_call(function, *args, **kwargs) -> dict | None:
    if function is None:
        return None
    try:
        return function(*args, **kwargs)
    except Exception:  # a broken sibling must not take the index down: its inputs are missing
        log.exception("insights: %s failed; its indicators are missing", function.__qualname__)
        return None


def _ci(figures: dict, low: str, high: str) -> tuple[float, float] | None:
    """Return an interval from two keys when both are numbers (else None: no interval)."""
    a, b = figures.get(low), figures.get(high)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return (float(a), float(b))
    return None


def _missing(reason: str, **detail) -> Observation:
    return Observation(None, reason=reason, detail=detail)


#: The case library's texts cut into terms, kept across refreshes (cases rarely change; the
#: key includes the text, so an edited case is cut again).
_CASE_TERMS: dict[tuple[int, int], list[str]] = {}
_CASE_TERMS_LIMIT = 5000


def _case_terms(pk: int, text: str, segmenter) -> list[str]:
    key = (pk, hash(text))
    terms = _CASE_TERMS.get(key)
    if terms is None:
        if len(_CASE_TERMS) >= _CASE_TERMS_LIMIT:
            _CASE_TERMS.clear()
        terms = _CASE_TERMS[key] = segmenter.terms(text)
    return terms


def distinctness(texts: dict[int, str], cases: list[tuple[int, str, str]], names: dict[int, str]):
    """Return {community: (1 − highest cosine, [(nearest name, cosine), …])} over TF-IDF of rjieba terms."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from qiangji.lib.text import default_segmenter

    keys = [cid for cid, text in texts.items() if len(text.strip()) >= 40]
    if len(keys) + len(cases) < 2 or not keys:
        return {}
    segmenter = default_segmenter()
    documents = [segmenter.terms(texts[cid]) for cid in keys] + [
        _case_terms(pk, text, segmenter) for pk, _title, text in cases
    ]
    labels = [names.get(cid, str(cid)) for cid in keys] + [
        f"案例：{title}" for _pk, title, _t in cases
    ]
    try:
        matrix = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit_transform(documents)
    except ValueError:  # every document empty after segmentation
        return {}
    similarity = (matrix[: len(keys)] @ matrix.T).toarray()
    out = {}
    for row, cid in enumerate(keys):
        similarity[row, row] = -1.0
        order = similarity[row].argsort()[::-1][:3]
        nearest = [
            (labels[j], round(float(similarity[row, j]), 3))
            for j in order
            if similarity[row, j] >= 0
        ]
        top = max(0.0, float(similarity[row].max()))
        out[cid] = (1.0 - top, nearest)
    return out


def _identity(terms: list[str]) -> list[str]:
    return terms


def gather(programme: Programme, *, until: dt.datetime | None = None) -> Gathered:
    """Return every enrolled community's observations for the programme's index."""
    communities = list(
        Territory.objects.filter(enrolments__programme=programme)
        .order_by("order", "name")
        .values("id", "name", "population", "households", "parent_id", "code")
    )
    ids = [c["id"] for c in communities]
    names = {c["id"]: c["name"] for c in communities}

    from qiangji.concerns.interface import stats_by_community
    from qiangji.plans.interface import plans_by_community
    from qiangji.reviews.interface import scores_by_community
    from qiangji.workshops.interface import case_texts, participation_by_community

    plans = plans_by_community(programme.pk, ids)
    workshops = participation_by_community(ids, programme_id=programme.pk, until=until)
    concerns = stats_by_community(ids, until=until)
    reviews = scores_by_community(programme.pk, until=until)
    delivery = _safe_call(
        _optional("qiangji.implementation.interface", "delivery_by_community"),
        ids,
        programme=programme,
    )
    surveys = _safe_call(
        _optional("qiangji.surveys.interface", "results_by_community"), ids, programme=programme
    )
    media_rows = MediaReport.objects.filter(programme=programme, community_id__in=ids)
    if until:
        media_rows = media_rows.filter(published_on__lte=until.date())
    media = dict(
        media_rows.values("community_id").annotate(n=Count("pk")).values_list("community_id", "n")
    )
    cases = case_texts()
    distinct = distinctness({cid: p["text"] for cid, p in plans.items()}, cases, names)

    mentor: dict[int, dict[str, tuple[float, int]]] = {}
    sums: dict[tuple[int, str], list[int]] = {}
    for cid, trait, score in TraitRating.objects.filter(programme=programme).values_list(
        "community_id", "trait", "score"
    ):
        sums.setdefault((cid, trait), []).append(score)
    for (cid, trait), scores in sums.items():
        mentor.setdefault(cid, {})[trait] = (sum(scores) / len(scores), len(scores))

    observations: dict[int, dict[str, Observation]] = {}
    extras: dict[int, dict] = {}
    neighbours: dict[int, list[tuple[str, float]]] = {}
    for community in communities:
        cid = community["id"]
        plan = plans.get(cid)
        work = workshops.get(cid, {})
        tickets = concerns.get(cid, {})
        deliver = (delivery or {}).get(cid) if delivery is not None else None
        survey = (surveys or {}).get(cid) if surveys is not None else None
        population = community["population"] or 0
        obs: dict[str, Observation] = {}

        # plans ------------------------------------------------------------------------------
        if plan is None:
            for key in ("plan_distinctness", "brand_identity", "lines_with_projects",
                        "projects_per_line", "tasks_specified_share", "tree_depth", "actor_kinds"):  # fmt: skip
                obs[key] = _missing("no_plan")
        else:
            plan_detail = {"plan_id": plan["plan_id"], "round": plan["round_number"]}
            if cid in distinct:
                value, nearest = distinct[cid]
                neighbours[cid] = nearest
                obs["plan_distinctness"] = Observation(
                    value, detail={**plan_detail, "nearest": nearest}
                )
            else:
                obs["plan_distinctness"] = _missing("too_little_text", **plan_detail)
            obs["brand_identity"] = Observation(plan["identity_fields"], detail=plan_detail)
            obs["lines_with_projects"] = Observation(
                plan["lines_with_projects"], n=plan["lines"], detail=plan_detail
            )
            obs["projects_per_line"] = (
                Observation(plan["projects"] / plan["lines"], n=plan["lines"],
                            detail={**plan_detail, "projects": plan["projects"], "lines": plan["lines"]})
                if plan["lines"] else Observation(0.0, n=0, detail={**plan_detail, "lines": 0})
            )  # fmt: skip
            obs["tasks_specified_share"] = (
                Observation(plan["tasks_fully_specified"] / plan["tasks"], n=plan["tasks"],
                            detail={**plan_detail, "specified": plan["tasks_fully_specified"], "tasks": plan["tasks"]})
                if plan["tasks"] else _missing("no_tasks", **plan_detail)
            )  # fmt: skip
            obs["tree_depth"] = (
                Observation(plan["depth"], detail=plan_detail)
                if plan["depth"]
                else _missing("empty_tree", **plan_detail)
            )
            obs["actor_kinds"] = Observation(plan["actors"], detail=plan_detail)

        # workshops --------------------------------------------------------------------------
        obs["recurring_activity_kinds"] = Observation(
            work.get("recurring_kinds", 0), n=work.get("activities", 0),
            detail={"activities": work.get("activities", 0), "kinds": work.get("kinds", 0)},
        )  # fmt: skip
        obs["activities_held"] = Observation(
            work.get("activities", 0), detail={"study_visits": work.get("study_visits", 0)}
        )
        obs["cocreation_contributions"] = Observation(
            work.get("ideas", 0) + work.get("attendances", 0),
            detail={"ideas": work.get("ideas", 0), "attendances": work.get("attendances", 0)},
        )
        obs["library_cases"] = Observation(work.get("cases", 0))
        obs["media_reports"] = Observation(media.get(cid, 0))

        # concerns and surveys ------------------------------------------------------------------
        responses = (survey or {}).get("responses") or 0
        voices = tickets.get("reporters", 0) + tickets.get("me_toos", 0) + responses
        if population:
            obs["resident_voices_per_1000"] = Observation(
                voices * 1000 / population, n=voices,
                detail={"reporters": tickets.get("reporters", 0), "me_toos": tickets.get("me_toos", 0),
                        "survey_responses": responses, "population": population},
            )  # fmt: skip
        else:
            obs["resident_voices_per_1000"] = _missing("no_population", voices=voices)
        followed, satisfied = tickets.get("followed_up", 0), tickets.get("satisfied", 0)
        obs["ticket_satisfaction"] = (
            Observation(satisfied / followed, n=followed, ci=wilson(satisfied, followed),
                        detail={"satisfied": satisfied, "followed_up": followed})
            if followed else _missing("too_few", followed_up=0)
        )  # fmt: skip

        if survey is None:
            for key in (
                "survey_participation_share",
                "survey_satisfied_share",
                "brand_awareness_share",
            ):
                obs[key] = _missing("no_source" if surveys is None else "no_survey")
        else:
            n = survey.get("n") or 0
            share = survey.get("satisfied_share")
            if share is None or survey.get("insufficient"):
                obs["survey_satisfied_share"] = _missing("too_few", n=n)
            else:
                obs["survey_satisfied_share"] = Observation(
                    share, n=n, ci=_ci(survey, "ci_low", "ci_high"),
                    detail={"rounds": survey.get("rounds")},
                )  # fmt: skip
            aware = survey.get("awareness_share")
            aware_n = survey.get("awareness_n") or 0
            obs["brand_awareness_share"] = (
                Observation(aware, n=aware_n,
                            ci=_ci(survey, "awareness_ci_low", "awareness_ci_high"))
                if aware is not None else _missing("too_few", n=aware_n)
            )  # fmt: skip
            part = survey.get("participation_share")
            part_n = survey.get("participation_n") or 0
            obs["survey_participation_share"] = (
                Observation(
                    part, n=part_n, ci=_ci(survey, "participation_ci_low", "participation_ci_high")
                )
                if part is not None
                else _missing("too_few", n=part_n)
            )

        # implementation ----------------------------------------------------------------------------
        if deliver is None or not deliver.get("items"):
            reason = "no_source" if delivery is None else "no_items"
            for key in ("completed_per_line", "on_time_share", "overdue_share"):
                obs[key] = _missing(reason)
        else:
            items = deliver.get("items") or 0
            per_line = deliver.get("completed_per_line") or {}
            done_tasks = (
                sum(per_line.values()) if isinstance(per_line, dict) else int(per_line or 0)
            )
            lines = deliver.get("lines") or 0
            obs["completed_per_line"] = (
                Observation(
                    done_tasks / lines, n=items, detail={"done_tasks": done_tasks, "lines": lines}
                )
                if lines
                else _missing("no_lines")
            )
            on_time = deliver.get("delivered_on_time") or 0
            obs["on_time_share"] = (
                Observation(on_time / done_tasks, n=done_tasks, ci=wilson(on_time, done_tasks),
                            detail={"on_time": on_time, "done_tasks": done_tasks})
                if done_tasks else _missing("too_few", done_tasks=0)
            )  # fmt: skip
            overdue = deliver.get("overdue") or 0
            obs["overdue_share"] = Observation(
                overdue / items,
                n=items,
                ci=wilson(overdue, items),
                detail={"overdue": overdue, "all_items": items},
            )

        observations[cid] = obs
        review = reviews.get(cid, {})
        extras[cid] = {
            "plan_id": plan["plan_id"] if plan else None,
            "plan_round": plan["round_number"] if plan else None,
            "plan_versions": plan["versions"] if plan else 0,
            "brand_name": plan["brand_name"] if plan else "",
            "review_round": review.get("round"),
            "review_mean": review.get("mean"),
            "review_n": review.get("n", 0),
            "review_totals": review.get("totals", []),
            "open_suggestions": review.get("open_suggestions", 0),
            "tickets": tickets.get("tickets", 0),
            "response_rate": tickets.get("response_rate"),
            "solve_rate": tickets.get("solve_rate"),
            "satisfaction_rate": tickets.get("satisfaction_rate"),
            "followed_up": tickets.get("followed_up", 0),
            "open": tickets.get("open", 0),
            "overdue": tickets.get("overdue", 0),
            "unanswered": tickets.get("unanswered", 0),
            "concerns": tickets.get("concerns", 0),
            # implementation gives progress on 0–100; the dashboards show shares 0–1
            "progress": (deliver or {}).get("progress") / 100
            if (deliver or {}).get("progress") is not None
            else None,
            "items": (deliver or {}).get("items"),
            "items_overdue": (deliver or {}).get("overdue"),
            "activities": work.get("activities", 0),
            "last_activity": work["last_activity"].isoformat()
            if work.get("last_activity")
            else None,
        }
    return Gathered(
        programme_id=programme.pk,
        communities=communities,
        observations=observations,
        sources={
            "plans": True,
            "workshops": True,
            "concerns": True,
            "reviews": True,
            "insights": True,
            "implementation": delivery is not None,
            "surveys": surveys is not None,
        },  # fmt: skip
        mentor=mentor,
        extras=extras,
        neighbours=neighbours,
    )
