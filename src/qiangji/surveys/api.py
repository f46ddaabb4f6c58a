"""Surveys over the API (mounted at /api/surveys/), under the same rules as the pages.

* `GET /` — surveys the caller may read; `GET /{id}` — one survey with its questions.
* `GET /{id}/results` — aggregated figures: per question n, mean, distribution, share
  satisfied with its Wilson 95 % interval (null under n = 30), by community and the trend.
* `GET /{id}/responses` — raw responses, organisers only (keyset pages by id).
* `POST /{id}/communities/{community_id}/responses` — a resident's submission without an
  account (an app or kiosk): a client-made `client_id` (UUID) per submission; the same id
  sent again is stored once (200 with `created: false`), the same id with other answers is
  409. Verified surveys need `code`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StringConstraints

from qiangji.accounts.permissions import access_for
from qiangji.lib.apitypes import ErrorOut, Id
from qiangji.surveys import actions, limits
from qiangji.surveys.models import MAX_TEXT_ANSWER, Kind, Mode, Response, Survey
from qiangji.surveys.results import survey_results
from qiangji.surveys.views import can_organise, can_read
from qiangji.territories.models import Kind as TerritoryKind
from qiangji.territories.models import Territory

router = Router(tags=["surveys"])

_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
AnswerText = Annotated[str, StringConstraints(max_length=MAX_TEXT_ANSWER, pattern=_TEXT)]
CodeText = Annotated[str, StringConstraints(max_length=20, pattern=_TEXT)]
AnswerValue = int | list[int] | AnswerText | None


class QuestionOut(Schema):
    id: int
    order: int
    kind: str
    text: str
    required: bool
    choices: list[str]
    low_label: str
    high_label: str
    min_value: int | None
    max_value: int | None
    measure: str
    show_if_id: int | None
    show_if_value: int | None


class SurveyOut(Schema):
    id: int
    title: str
    territory_id: int
    territory: str
    covers_subdistrict: bool
    programme_id: int | None
    mode: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    series: str
    round: int
    version: int
    replaced_by_id: int | None


class SurveyDetailOut(SurveyOut):
    questions: list[QuestionOut]


class RateOut(Schema):
    n: int
    share: float | None
    ci_low: float | None
    ci_high: float | None
    insufficient: bool


class OptionOut(Schema):
    value: int
    label: str
    count: int


class CommunityFigureOut(Schema):
    community_id: int
    community: str
    n: int
    mean: float | None
    rate: RateOut | None


class QuestionResultOut(Schema):
    id: int
    text: str
    kind: str
    n: int
    insufficient: bool
    mean: float | None
    satisfied: RateOut | None
    distribution: list[OptionOut]
    by_community: list[CommunityFigureOut]


class TrendOut(Schema):
    survey_id: int
    round: int
    responses: int
    rate: RateOut


class ResultsOut(Schema):
    survey_id: int
    responses: int
    flagged: int
    excluded: int
    questions: list[QuestionResultOut]
    trend: list[TrendOut]


class ResponseOut(Schema):
    id: int
    community_id: int
    submitted_at: dt.datetime
    flag: str
    counted: bool
    exclusion_reason: str
    answers: dict[str, int | list[int] | str]


class SubmissionIn(Schema):
    client_id: uuid.UUID
    code: CodeText = ""
    answers: dict[Annotated[str, StringConstraints(max_length=12)], AnswerValue] = Field(
        default_factory=dict, max_length=200
    )


class SubmissionOut(Schema):
    response_id: int
    created: bool


def _survey(request, survey_id: int) -> tuple[Survey, bool]:
    survey = Survey.objects.select_related("territory").filter(pk=survey_id).first()
    access = access_for(request.user)
    if survey is None or not can_read(access, survey):
        raise HttpError(404, "Not found")
    return survey, can_organise(access, survey)


def _rate(r) -> dict | None:
    if r is None:
        return None
    return {
        "n": r.n,
        "share": r.share,
        "ci_low": r.ci_low,
        "ci_high": r.ci_high,
        "insufficient": r.insufficient,
    }


@router.get("/", response=list[SurveyOut])
def list_surveys(request):
    access = access_for(request.user)
    from django.db.models import Q

    surveys = Survey.objects.filter(
        Q(territory__in=access.visible_territories()) | Q(programme_id__in=access.programme_ids)
    ).select_related("territory")[:500]
    return [_survey_out(s) for s in surveys]


def _survey_out(s: Survey) -> dict:
    return {
        "id": s.pk,
        "title": s.title,
        "territory_id": s.territory_id,
        "territory": s.territory.name,
        "covers_subdistrict": s.covers_subdistrict,
        "programme_id": s.programme_id,
        "mode": s.mode,
        "opens_at": s.opens_at,
        "closes_at": s.closes_at,
        "series": s.series,
        "round": s.round,
        "version": s.version,
        "replaced_by_id": s.replaced_by_id,
    }


@router.get("/{survey_id}", response={200: SurveyDetailOut, 404: ErrorOut})
def get_survey(request, survey_id: Id):
    survey, _organise = _survey(request, survey_id)
    return {
        **_survey_out(survey),
        "questions": list(survey.questions.order_by("order", "pk")),
    }


@router.get("/{survey_id}/results", response={200: ResultsOut, 404: ErrorOut})
def get_results(request, survey_id: Id):
    survey, _organise = _survey(request, survey_id)
    data = survey_results(survey)
    names = {c.pk: c.name for c in data.communities}
    return {
        "survey_id": survey.pk,
        "responses": data.counted,
        "flagged": data.flagged,
        "excluded": data.excluded,
        "questions": [
            {
                "id": qr.question.pk,
                "text": qr.question.text,
                "kind": qr.question.kind,
                "n": qr.n,
                "insufficient": qr.insufficient,
                "mean": None if qr.insufficient else qr.mean,
                "satisfied": _rate(qr.satisfied),
                "distribution": []
                if qr.insufficient or qr.question.kind == Kind.TEXT
                else [
                    {"value": d["value"], "label": d["label"], "count": d["count"]}
                    for d in qr.distribution()
                ],
                "by_community": [
                    {
                        "community_id": cid,
                        "community": names.get(cid, ""),
                        "n": cell["n"],
                        "mean": None if cell["n"] < 30 else cell["mean"],
                        "rate": _rate(cell["rate"]),
                    }
                    for cid, cell in sorted(qr.by_community.items())
                ],
            }
            for qr in data.questions
        ],
        "trend": [
            {
                "survey_id": t["survey_id"],
                "round": t["round"],
                "responses": t["responses"],
                "rate": _rate(t["rate"]),
            }
            for t in data.trend
        ],
    }


@router.get(
    "/{survey_id}/responses", response={200: list[ResponseOut], 403: ErrorOut, 404: ErrorOut}
)
def list_responses(
    request,
    survey_id: Id,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
):
    survey, organise = _survey(request, survey_id)
    if not organise:
        raise HttpError(403, "Raw responses are for the survey's organisers only.")
    responses = list(
        Response.objects.filter(survey=survey, pk__gt=after)
        .order_by("pk")
        .prefetch_related("answers")[:limit]
    )
    multiple = set(survey.questions.filter(kind=Kind.MULTIPLE).values_list("pk", flat=True))
    out = []
    for r in responses:
        answers: dict[str, int | list[int] | str] = {}
        for a in r.answers.all():
            key = str(a.question_id)
            if a.value is None:
                answers[key] = a.text
            elif a.question_id in multiple:
                answers.setdefault(key, []).append(a.value)  # type: ignore[union-attr]
            else:
                answers[key] = a.value
        out.append(
            {
                "id": r.pk,
                "community_id": r.community_id,
                "submitted_at": r.submitted_at,
                "flag": r.flag,
                "counted": r.counted,
                "exclusion_reason": r.exclusion_reason,
                "answers": answers,
            }
        )
    return out


@router.post(
    "/{survey_id}/communities/{community_id}/responses",
    response={
        200: SubmissionOut,
        201: SubmissionOut,
        400: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        410: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    auth=None,
)
def submit(request, survey_id: Id, community_id: Id, payload: SubmissionIn):
    survey = Survey.objects.filter(pk=survey_id).first()
    community = Territory.objects.filter(pk=community_id, kind=TerritoryKind.COMMUNITY).first()
    if survey is None or community is None or not survey.covers(community):
        raise Http404
    questions = list(survey.questions.order_by("order", "pk"))
    raw = payload.answers

    def get(key):
        value = raw.get(key[1:])
        return None if value is None or isinstance(value, list) else value

    def getlist(key):
        value = raw.get(key[1:])
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    address_key = actions.keyed_hash("address", survey.pk, limits.client_address(request))
    if (
        survey.mode == Mode.OPEN
        and limits.submissions(survey.pk, address_key) >= limits.hard_limit()
    ):
        return Status(
            429, {"detail": "Too many responses from this address; try again in ten minutes."}
        )
    if (
        survey.mode == Mode.VERIFIED
        and limits.code_failures(survey.pk, address_key) >= limits.code_failure_limit()
    ):
        return Status(
            429, {"detail": "Too many wrong codes from this address; try again in ten minutes."}
        )
    parsed = actions.parse_answers(questions, get, getlist)
    if parsed.blank:
        return Status(400, {"detail": "Every answer is blank."})
    if parsed.errors:
        return Status(422, {"detail": {str(k): str(v) for k, v in parsed.errors.items()}})
    try:
        submission = actions.do_submit_response(
            survey=survey,
            community=community,
            client_id=payload.client_id,
            values=parsed.values,
            code=payload.code,
            address_key=address_key if survey.mode == Mode.OPEN else "",
            questions=questions,
        )
    except actions.SurveyError as error:
        if error.code in ("code_invalid", "code_used"):
            limits.code_failures(survey.pk, address_key, increment=True)
        status = {"closed": 410, "conflict": 409, "already": 409, "code_used": 409}.get(
            error.code, 400
        )
        return Status(status, {"detail": str(error)})
    if submission.created and survey.mode == Mode.OPEN:
        limits.submissions(survey.pk, address_key, increment=True)
    return Status(
        201 if submission.created else 200,
        {"response_id": submission.response.pk, "created": submission.created},
    )
