"""Who may use each URL of the surveys app: every persona against every route."""

from __future__ import annotations

import uuid

from qiangji.core.testing import EVERYONE, LOGGED_IN, Route, check_matrix
from qiangji.surveys import actions
from qiangji.surveys.models import Answer, Kind, Mode, Response, Survey
from qiangji.surveys.tests.conftest import good_answers, make_survey

# A survey of 石榴园: its workers organise; readers of 石榴园 or of the programme read results.
ORGANISERS = {"admin", "jiedao", "shiliuyuan", "shiliuyuan_staff"}
READERS = ORGANISERS | {"wangge", "daoshi", "lingdao", "keershan"}  # keershan: same programme
WITH_ROLE = LOGGED_IN - {"outsider"}


def _survey(world) -> Survey:
    survey = Survey.objects.filter(title="矩阵测评").first()
    if survey is None:
        survey = make_survey(world, title="矩阵测评", mode=Mode.VERIFIED)
        actions.do_generate_codes(survey=survey, count=5, label="矩阵")
        values = {q.pk: 4 for q in survey.questions.filter(kind=Kind.SCALE)}
        text = survey.questions.get(kind=Kind.TEXT)
        values[text.pk] = "楼道灯坏了很久"
        code = survey.codes.first().code
        actions.do_submit_response(
            survey=survey,
            community=world.shiliuyuan,
            client_id=uuid.uuid4(),
            values=values,
            code=code,
        )
        Response.objects.filter(survey=survey).update(flag="burst")
    return survey


def _pk(world) -> dict:
    return {"pk": _survey(world).pk}


def _question(world) -> dict:
    survey = _survey(world)
    return {"pk": survey.pk, "question_pk": survey.questions.get(kind=Kind.TEXT).pk}


def _batch(world) -> dict:
    survey = _survey(world)
    return {"pk": survey.pk, "batch_pk": survey.code_batches.first().pk}


def _answer(world) -> dict:
    survey = _survey(world)
    return {
        "pk": survey.pk,
        "answer_pk": Answer.objects.filter(survey=survey).exclude(text="").first().pk,
    }


def _response(world) -> dict:
    survey = _survey(world)
    return {"pk": survey.pk, "response_pk": survey.responses.first().pk}


def _open(world) -> Survey:
    survey = Survey.objects.filter(title="矩阵开放测评").first()
    return survey or make_survey(world, title="矩阵开放测评")


def _public(world) -> dict:
    return {"community_pk": world.shiliuyuan.pk, "pk": _open(world).pk}


def _community(world) -> dict:
    return {"community_pk": world.shiliuyuan.pk}


def _fresh_question(world) -> dict:
    survey = _open(world)
    return {"pk": survey.pk, "question_pk": survey.questions.last().pk}


def _fmt(fmt):
    return lambda world: {**_pk(world), "fmt": fmt}


ROUTES = [
    Route("surveys:index", WITH_ROLE),
    Route("surveys:new", {"admin", "jiedao", "shiliuyuan", "keershan", "shiliuyuan_staff"}),
    Route("surveys:detail", READERS, _pk),
    Route(
        "surveys:question_add",
        ORGANISERS,
        lambda w: {"pk": _open(w).pk},
        method="post",
        data=lambda w: {"kind": "text", "text": "还有什么建议？"},
    ),
    Route("surveys:question_delete", ORGANISERS, _fresh_question, method="post"),
    Route("surveys:new_version", ORGANISERS, _pk, method="post"),
    Route("surveys:codes", ORGANISERS, _pk),
    Route("surveys:code_sheet", ORGANISERS, _batch),
    Route("surveys:results", READERS, _pk),
    Route("surveys:texts", READERS, _question),
    Route("surveys:answer_concern", ORGANISERS, _answer, method="post"),
    Route("surveys:review", ORGANISERS, _pk),
    Route(
        "surveys:review_response",
        ORGANISERS,
        _response,
        method="post",
        data=lambda w: {"action": "exclude", "reason": "矩阵测试"},
    ),
    Route("surveys:export_responses", ORGANISERS, _fmt("csv")),
    Route("surveys:export_aggregates", READERS, _fmt("xlsx")),
    Route("surveys:summary_docx", READERS, _pk),
    Route("surveys:poster", ORGANISERS, _community),
    Route("surveys:public_entry", EVERYONE, _community),
    Route("surveys:public_summary", EVERYONE, _community),
    Route("surveys:public_form", EVERYONE, _public),
    Route("surveys:public_thanks", EVERYONE, _public),
    Route("surveys:public_pick", EVERYONE, lambda w: {"pk": _open(w).pk}),
]


def test_permission_matrix(demo_world):
    assert check_matrix(demo_world, ROUTES) == []


def test_a_resident_post_is_allowed_for_everyone(demo_world, client_for):
    survey = _open(demo_world)
    route = [
        Route(
            "surveys:public_form",
            EVERYONE,
            _public,
            method="post",
            data=lambda w: {"client_id": str(uuid.uuid4()), **good_answers(survey)},
        )
    ]
    assert check_matrix(demo_world, route) == []


def test_the_demo_loads_twice_without_duplicates(demo_world):
    from qiangji.surveys import demo

    demo.load(demo_world)
    count = Response.objects.count()
    demo.load(demo_world)
    assert Response.objects.count() == count > 1000
    assert Response.objects.filter(flag="burst", counted=False).exists()
    assert Response.objects.filter(flag="burst", counted=True).exists()
    assert Survey.objects.filter(series="2026年度居民满意度测评").count() == 2
