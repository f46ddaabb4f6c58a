"""Survey figures, aggregated in SQL with a constant number of queries whatever the size.

Definitions (docs/surveys.md "Statistics" says the same):
- *n* of a question is the number of counted responses that answered it.
- *share satisfied* of a 5-point question is the share answering 4 or 5, with its Wilson 95 %
  interval; of 获得感/幸福感/安全感 combined, the share of respondents whose mean over the
  three (those they answered) is 4 or more — one figure per person, so the interval is honest.
- *aware* / *participated*: the awareness or participation question answered with any option
  but its last (the last option is the "no" one: 不知道 / 没有参加过).
- Under `THRESHOLD` (30) answers a figure is "样本不足": share and interval are None.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from qiangji.lib.stats import wilson_interval
from qiangji.surveys.models import (
    THRESHOLD,
    Answer,
    Kind,
    Measure,
    Question,
    Response,
    Survey,
)
from qiangji.territories.models import Territory


@dataclass(frozen=True)
class Rate:
    """A share with its Wilson 95 % interval; share and interval are None under the threshold."""

    successes: int
    n: int
    share: float | None
    ci_low: float | None
    ci_high: float | None

    @property
    def insufficient(self) -> bool:
        return self.n < THRESHOLD

    def as_dict(self, prefix: str = "") -> dict:
        key = f"{prefix}_" if prefix else ""
        return {
            f"{key}share" if prefix else "share": self.share,
            f"{key}ci_low": self.ci_low,
            f"{key}ci_high": self.ci_high,
            f"{key}n": self.n,
            f"{key}insufficient": self.insufficient,
        }


def rate(successes: int, n: int) -> Rate:
    """Return the share successes/n with its interval, withheld (None) when n < THRESHOLD."""
    if n < THRESHOLD:
        return Rate(successes, n, None, None, None)
    low, high = wilson_interval(successes, n)
    return Rate(successes, n, round(successes / n, 4), round(low, 4), round(high, 4))


@dataclass
class QuestionResult:
    question: Question
    n: int = 0
    counts: dict[int, int] = field(default_factory=dict)  # value → answers
    total: float = 0.0  # sum of values (scale, number) for the mean
    satisfied: Rate | None = None  # scale: 4–5; awareness/participation: not the last option
    by_community: dict[int, dict] = field(default_factory=dict)  # community id → {n, rate, mean}

    @property
    def insufficient(self) -> bool:
        return self.n < THRESHOLD

    @property
    def mean(self) -> float | None:
        if self.question.kind not in (Kind.SCALE, Kind.NUMBER) or not self.n:
            return None
        return round(self.total / self.n, 2)

    def distribution(self) -> list[dict]:
        """Each option with its count and share of n, in the question's order."""
        q = self.question
        if q.kind == Kind.SCALE:
            values = list(range(1, 6))
        elif q.kind in (Kind.SINGLE, Kind.MULTIPLE):
            values = list(range(len(q.choices)))
        else:
            values = sorted(self.counts)
        return [
            {
                "value": v,
                "label": q.choice_label(v),
                "count": self.counts.get(v, 0),
                "share": (self.counts.get(v, 0) / self.n) if self.n else None,
            }
            for v in values
        ]


@dataclass
class SurveyResults:
    survey: Survey
    questions: list[QuestionResult]
    communities: list[Territory]
    responses: dict[int, dict]  # community id → {"counted", "flagged", "excluded"}
    trend: list[dict]

    @property
    def counted(self) -> int:
        return sum(r["counted"] for r in self.responses.values())

    @property
    def flagged(self) -> int:
        return sum(r["flagged"] for r in self.responses.values())

    @property
    def excluded(self) -> int:
        return sum(r["excluded"] for r in self.responses.values())


def _is_success(question: Question, value: int) -> bool:
    if question.kind == Kind.SCALE:
        return value >= 4
    return value < len(question.choices) - 1


def _has_rate(question: Question) -> bool:
    return question.kind == Kind.SCALE or (
        question.kind == Kind.SINGLE
        and question.measure in (Measure.AWARENESS, Measure.PARTICIPATION)
        and len(question.choices) >= 2
    )


def survey_results(survey: Survey, *, community_ids: list[int] | None = None) -> SurveyResults:
    """Return every question's figures for a survey, overall and by community (6 queries)."""
    questions = list(survey.questions.select_related("show_if").order_by("order", "pk"))
    by_id = {q.pk: QuestionResult(q) for q in questions}
    answers = Answer.objects.filter(survey=survey, counted=True)
    responses = Response.objects.filter(survey=survey)
    if community_ids is not None:
        answers = answers.filter(community_id__in=community_ids)
        responses = responses.filter(community_id__in=community_ids)
    per_community: dict[tuple[int, int], dict] = defaultdict(
        lambda: {"n": 0, "counts": defaultdict(int), "total": 0}
    )
    multiple = {q.pk for q in questions if q.kind == Kind.MULTIPLE}
    rows = (
        answers.filter(question_id__in=[q.pk for q in questions if q.kind != Kind.TEXT])
        .values_list("question_id", "community_id", "value")
        .annotate(count=Count("id"))
        .order_by()
    )
    for question_id, community_id, value, count in rows:
        if value is None or question_id not in by_id:
            continue
        cell = per_community[(question_id, community_id)]
        cell["counts"][value] += count
        cell["total"] += value * count
        if question_id not in multiple:
            cell["n"] += count
    if multiple:
        for question_id, community_id, count in (
            answers.filter(question_id__in=multiple)
            .values_list("question_id", "community_id")
            .annotate(count=Count("response_id", distinct=True))
            .order_by()
        ):
            per_community[(question_id, community_id)]["n"] = count
    texts = {q.pk for q in questions if q.kind == Kind.TEXT}
    if texts:
        for question_id, community_id, count in (
            answers.filter(question_id__in=texts)
            .values_list("question_id", "community_id")
            .annotate(count=Count("id"))
            .order_by()
        ):
            per_community[(question_id, community_id)]["n"] = count
    for (question_id, community_id), cell in per_community.items():
        result = by_id[question_id]
        result.n += cell["n"]
        result.total += cell["total"]
        for value, count in cell["counts"].items():
            result.counts[value] = result.counts.get(value, 0) + count
        entry = {"n": cell["n"], "rate": None, "mean": None}
        if cell["n"] and result.question.kind in (Kind.SCALE, Kind.NUMBER):
            entry["mean"] = round(cell["total"] / cell["n"], 2)
        if _has_rate(result.question):
            wins = sum(c for v, c in cell["counts"].items() if _is_success(result.question, v))
            entry["rate"] = rate(wins, cell["n"])
        result.by_community[community_id] = entry
    for result in by_id.values():
        if _has_rate(result.question):
            wins = sum(c for v, c in result.counts.items() if _is_success(result.question, v))
            result.satisfied = rate(wins, result.n)

    counts: dict[int, dict] = defaultdict(lambda: {"counted": 0, "flagged": 0, "excluded": 0})
    for community_id, counted, flagged, excluded in (
        responses.values_list("community_id")
        .annotate(
            n_counted=Count("id", filter=Q(counted=True)),
            n_flagged=Count("id", filter=~Q(flag="") & Q(counted=True)),
            n_excluded=Count("id", filter=Q(counted=False)),
        )
        .order_by()
    ):
        counts[community_id] = {"counted": counted, "flagged": flagged, "excluded": excluded}
    communities = list(survey.communities())
    if community_ids is not None:
        communities = [c for c in communities if c.pk in set(community_ids)]
    return SurveyResults(
        survey=survey,
        questions=list(by_id.values()),
        communities=communities,
        responses=dict(counts),
        trend=series_trend(survey, community_ids=community_ids),
    )


def _sense_aggregates() -> dict:
    """Conditional counts over responses for the combined and per-sense figures."""
    aggregates = {
        "responses": Count("id"),
        "satisfied": Count("id", filter=Q(senses_satisfied=True)),
        "n": Count("senses_satisfied"),
        "n_aware": Count("id", filter=Q(aware=True)),
        "aware_n": Count("aware"),
        "n_participated": Count("id", filter=Q(participated=True)),
        "participated_n": Count("participated"),
    }
    for sense in ("gain", "happiness", "security"):
        aggregates[f"{sense}_ok"] = Count("id", filter=Q(**{f"{sense}__gte": 4}))
        aggregates[f"{sense}_n"] = Count(sense)
    return aggregates


def series_trend(survey: Survey, *, community_ids: list[int] | None = None) -> list[dict]:
    """Return the combined satisfaction of each round of the survey's series (3 queries)."""
    rounds = Survey.objects.filter(
        territory_id=survey.territory_id, replaced_by__isnull=True
    ).order_by("round", "opens_at")
    rounds = rounds.filter(series=survey.series) if survey.series else rounds.filter(pk=survey.pk)
    rounds = list(rounds.values("pk", "title", "round", "opens_at"))
    # Earlier versions of a round count with the round (their answers are the same questions).
    current = [r["pk"] for r in rounds]
    round_of = {pk: pk for pk in current} | dict(
        Survey.objects.filter(
            replaced_by_id__isnull=False, territory_id=survey.territory_id
        ).values_list("pk", "replaced_by_id")
    )
    while any(round_of.get(v, v) != v for v in round_of.values()):  # versions 1 → 2 → 3
        round_of = {k: round_of.get(v, v) for k, v in round_of.items()}
    ids = [pk for pk, target in round_of.items() if target in current]
    responses = Response.objects.counted().filter(survey_id__in=ids)
    if community_ids is not None:
        responses = responses.filter(community_id__in=community_ids)
    figures: dict[int, dict] = {}
    for row in responses.values("survey_id").annotate(**_sense_aggregates()).order_by():
        key = round_of[row["survey_id"]]
        if key in figures:
            for name, value in row.items():
                if name != "survey_id":
                    figures[key][name] += value
        else:
            figures[key] = row
    trend = []
    for r in rounds:
        row = figures.get(r["pk"], {})
        combined = rate(row.get("satisfied", 0), row.get("n", 0))
        trend.append(
            {
                "survey_id": r["pk"],
                "title": r["title"],
                "round": r["round"],
                "opens_at": r["opens_at"],
                "responses": row.get("responses", 0),
                "rate": combined,
            }
        )
    return trend


def _figures_from_row(row: dict) -> dict:
    combined = rate(row.get("satisfied", 0), row.get("n", 0))
    aware = rate(row.get("n_aware", 0), row.get("aware_n", 0))
    participated = rate(row.get("n_participated", 0), row.get("participated_n", 0))
    return {
        "responses": row.get("responses", 0),
        "satisfied_share": combined.share,
        "ci_low": combined.ci_low,
        "ci_high": combined.ci_high,
        "n": combined.n,
        "insufficient": combined.insufficient,
        "senses": {
            sense: rate(row.get(f"{sense}_ok", 0), row.get(f"{sense}_n", 0)).as_dict()
            for sense in ("gain", "happiness", "security")
        },
        "awareness_share": aware.share,
        "awareness_ci_low": aware.ci_low,
        "awareness_ci_high": aware.ci_high,
        "awareness_n": aware.n,
        "awareness_insufficient": aware.insufficient,
        "participation_share": participated.share,
        "participation_ci_low": participated.ci_low,
        "participation_ci_high": participated.ci_high,
        "participation_n": participated.n,
        "participation_insufficient": participated.insufficient,
    }


def by_community(
    community_ids: list[int], *, programme=None, since: dt.date | dt.datetime | None = None
) -> dict[int, dict]:
    """The figures of `surveys.interface.results_by_community` (3 queries)."""
    ids = [int(i) for i in community_ids]
    responses = Response.objects.counted().filter(community_id__in=ids)
    surveys = Survey.objects.filter(replaced_by__isnull=True)
    if programme is not None:
        programme_id = getattr(programme, "pk", programme)
        responses = responses.filter(survey__programme_id=programme_id)
        surveys = surveys.filter(programme_id=programme_id)
    if since is not None:
        if not isinstance(since, dt.datetime):
            since = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
        responses = responses.filter(submitted_at__gte=since)
    # Grouped in the order of the covering index (community, counted, survey): no join, no
    # sort; earlier versions of a survey are folded into their newest version below.
    rows = list(
        responses.values("community_id", "survey_id").annotate(**_sense_aggregates()).order_by()
    )
    replaced = dict(
        Survey.objects.filter(
            pk__in={r["survey_id"] for r in rows}, replaced_by__isnull=False
        ).values_list("pk", "replaced_by_id")
    )
    while any(v in replaced for v in replaced.values()):  # version 1 → 2 → 3
        replaced = {k: replaced.get(v, v) for k, v in replaced.items()}
    for row in rows:
        row["survey__replaced_by_id"] = replaced.get(row["survey_id"])
    survey_ids = {r["survey__replaced_by_id"] or r["survey_id"] for r in rows}
    meta = {
        s["pk"]: s
        for s in surveys.filter(pk__in=survey_ids).values(
            "pk", "title", "round", "series", "opens_at"
        )
    }
    merged: dict[tuple[int, int], dict] = {}
    for row in rows:
        key = (row["community_id"], row["survey__replaced_by_id"] or row["survey_id"])
        if key[1] not in meta:
            continue
        if key in merged:
            for name, value in row.items():
                if isinstance(value, int) and name not in (
                    "community_id",
                    "survey_id",
                    "survey__replaced_by_id",
                ):
                    merged[key][name] += value
        else:
            merged[key] = dict(row)
    result: dict[int, dict] = {}
    for community_id in ids:
        keys = sorted(
            (k for k in merged if k[0] == community_id),
            key=lambda k: (meta[k[1]]["opens_at"], meta[k[1]]["round"], k[1]),
        )
        rounds = []
        for key in keys:
            figures = _figures_from_row(merged[key])
            rounds.append(
                {
                    "survey_id": key[1],
                    "title": meta[key[1]]["title"],
                    "series": meta[key[1]]["series"],
                    "round": meta[key[1]]["round"],
                    "opens_at": meta[key[1]]["opens_at"].isoformat(),  # JSON-safe for callers
                    **{k: v for k, v in figures.items() if k != "senses"},
                }
            )
        latest = _figures_from_row(merged[keys[-1]]) if keys else _figures_from_row({})
        result[community_id] = {**latest, "survey_id": keys[-1][1] if keys else None}
        result[community_id]["rounds"] = rounds
    return result
