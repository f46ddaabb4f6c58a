"""Organisers' pages, exports, API, commands and the workbench."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from qiangji.surveys import actions
from qiangji.surveys.models import Answer, Flag, Kind, Mode, Response, Survey
from qiangji.surveys.tests.conftest import make_survey, submit_values


def test_an_organiser_creates_a_survey_with_the_default_questions(
    client_for, jiedao_admin, demo_world
):
    client = client_for(jiedao_admin)
    response = client.post(
        reverse("surveys:new"),
        {
            "title": "街道测评",
            "territory": demo_world.subdistrict.pk,
            "programme": demo_world.programme.pk,
            "mode": "open",
            "opens_at": "2026-11-01T08:00",
            "closes_at": "2026-12-01T08:00",
            "series": "",
            "round": 1,
            "with_template": "on",
        },
    )
    assert response.status_code == 302
    survey = Survey.objects.get(title="街道测评")
    assert survey.covers_subdistrict and survey.questions.count() == 6


def test_a_survey_closing_before_it_opens_is_refused_with_a_message(
    client_for, jiedao_admin, demo_world
):
    response = client_for(jiedao_admin).post(
        reverse("surveys:new"),
        {
            "title": "错",
            "territory": demo_world.subdistrict.pk,
            "mode": "open",
            "opens_at": "2026-12-01T08:00",
            "closes_at": "2026-11-01T08:00",
            "round": 1,
        },
    )
    assert response.status_code == 400 and not Survey.objects.filter(title="错").exists()


def test_a_question_cannot_be_added_once_residents_answered(
    client_for, shiliuyuan_secretary, open_survey, demo_world
):
    submit_values(open_survey, demo_world.shiliuyuan)
    client = client_for(shiliuyuan_secretary)
    response = client.post(
        reverse("surveys:question_add", args=[open_survey.pk]),
        {"kind": "text", "text": "新题"},
        follow=True,
    )
    assert open_survey.questions.filter(text="新题").count() == 0
    assert "新版本" in response.content.decode() or "new version" in response.content.decode()


def test_results_show_intervals_and_insufficient_samples(client_for, jiedao_admin, demo_world):
    survey = make_survey(demo_world, territory=demo_world.subdistrict)
    submit_values(survey, demo_world.shiliuyuan, scale=5, n=30)
    submit_values(survey, demo_world.keershan, scale=2, n=4)
    page = (
        client_for(jiedao_admin).get(reverse("surveys:results", args=[survey.pk])).content.decode()
    )
    assert "样本不足" in page and "[" in page and "survey-chart-data" in page
    fragment = client_for(jiedao_admin).get(
        reverse("surveys:results", args=[survey.pk]), headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()


def test_results_refuse_a_post(client_for, jiedao_admin, open_survey):
    assert (
        client_for(jiedao_admin).post(reverse("surveys:results", args=[open_survey.pk])).status_code
        == 405
    )


def test_a_written_answer_becomes_a_concern_with_the_text_only(
    client_for, shiliuyuan_secretary, open_survey, demo_world
):
    text_question = open_survey.questions.get(kind=Kind.TEXT)
    questions = list(open_survey.questions.all())
    actions.do_submit_response(
        survey=open_survey,
        community=demo_world.shiliuyuan,
        client_id=uuid.uuid4(),
        values={text_question.pk: "三号楼楼道灯坏了一个月"},
        questions=questions,
    )
    answer = Answer.objects.get(text__startswith="三号楼")
    client = client_for(shiliuyuan_secretary)
    page = client.get(
        reverse("surveys:texts", args=[open_survey.pk, text_question.pk])
    ).content.decode()
    assert "三号楼楼道灯坏了一个月" in page
    client.post(reverse("surveys:answer_concern", args=[open_survey.pk, answer.pk]))
    from qiangji.concerns.models import Concern

    concern = Concern.objects.get(pk=Answer.objects.get(pk=answer.pk).concern_id)
    assert concern.text == "三号楼楼道灯坏了一个月" and concern.reporter is None
    again = client.post(
        reverse("surveys:answer_concern", args=[open_survey.pk, answer.pk]), follow=True
    )
    assert Concern.objects.filter(text="三号楼楼道灯坏了一个月").count() == 1
    assert again.status_code == 200


def test_the_review_page_excludes_with_a_reason_and_counts_again(
    client_for, jiedao_admin, demo_world
):
    survey = make_survey(demo_world, territory=demo_world.subdistrict)
    (response,) = submit_values(survey, demo_world.shiliuyuan, flag=Flag.BURST)
    client = client_for(jiedao_admin)
    url = reverse("surveys:review_response", args=[survey.pk, response.pk])
    client.post(url, {"action": "exclude", "reason": ""})
    response.refresh_from_db()
    assert response.counted  # no reason, no exclusion
    client.post(url, {"action": "exclude", "reason": "同一人连续提交"})
    response.refresh_from_db()
    assert not response.counted and response.exclusion_reason == "同一人连续提交"
    assert (
        "同一人连续提交" in client.get(reverse("surveys:review", args=[survey.pk])).content.decode()
    )
    client.post(url, {"action": "include"})
    response.refresh_from_db()
    assert response.counted and response.reviewed_by == jiedao_admin


def test_responses_export_streams_csv_with_formulas_neutralised(
    client_for, shiliuyuan_secretary, open_survey, demo_world, monkeypatch
):
    from qiangji.surveys import exports

    monkeypatch.setattr(exports, "CHUNK", 2)
    text_question = open_survey.questions.get(kind=Kind.TEXT)
    submit_values(open_survey, demo_world.shiliuyuan, n=4)
    actions.do_submit_response(
        survey=open_survey,
        community=demo_world.shiliuyuan,
        client_id=uuid.uuid4(),
        values={text_question.pk: '=HYPERLINK("x")'},
        questions=list(open_survey.questions.all()),
    )
    response = client_for(shiliuyuan_secretary).get(
        reverse("surveys:export_responses", args=[open_survey.pk, "csv"])
    )
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 6
    assert "'=HYPERLINK" in body


def test_responses_and_aggregates_export_as_xlsx_and_the_summary_as_word(
    client_for, jiedao_admin, demo_world
):
    survey = make_survey(demo_world, territory=demo_world.subdistrict)
    submit_values(survey, demo_world.shiliuyuan, n=31)
    client = client_for(jiedao_admin)
    for name, fmt in (
        ("export_responses", "xlsx"),
        ("export_aggregates", "xlsx"),
        ("export_aggregates", "csv"),
    ):
        response = client.get(reverse(f"surveys:{name}", args=[survey.pk, fmt]))
        assert response.status_code == 200
    aggregates = b"".join(
        client.get(reverse("surveys:export_aggregates", args=[survey.pk, "csv"])).streaming_content
    ).decode("utf-8-sig")
    assert "ci_low_pct" in aggregates.splitlines()[0]
    docx = client.get(reverse("surveys:summary_docx", args=[survey.pk]))
    assert (
        zipfile.ZipFile(io.BytesIO(docx.content))
        .read("word/document.xml")
        .decode()
        .count("置信区间")
        >= 1
    )
    assert (
        client.get(reverse("surveys:export_responses", args=[survey.pk, "pdf"])).status_code == 404
    )


def test_the_survey_results_command_prints_the_issues_json(demo_world, capsys):
    survey = make_survey(demo_world)
    submit_values(survey, demo_world.shiliuyuan, scale=5, n=30)
    small = make_survey(demo_world, territory=demo_world.keershan, title="柯尔山测评")
    submit_values(small, demo_world.keershan, n=3)
    call_command("survey-results", "--programme", demo_world.programme.name, "--json")
    data = json.loads(capsys.readouterr().out)
    by_title = {s["title"]: s for s in data["surveys"]}
    first = by_title[survey.title]
    assert set(first) == {"id", "title", "community", "responses", "questions"}
    scale = first["questions"][0]
    assert set(scale) == {
        "text",
        "kind",
        "n",
        "satisfied_share",
        "ci_low",
        "ci_high",
        "insufficient",
    }
    assert (
        scale["kind"] == "scale"
        and scale["satisfied_share"] == 1.0
        and scale["insufficient"] is False
    )
    other = next(q for q in first["questions"] if q["kind"] != "scale")
    assert other["satisfied_share"] is None and other["insufficient"] is None
    tiny = by_title["柯尔山测评"]["questions"][0]
    assert (
        tiny["insufficient"] is True and tiny["satisfied_share"] is None and tiny["ci_low"] is None
    )
    with pytest.raises(CommandError):
        call_command("survey-results", "--programme", "没有这个工程")


def test_the_survey_codes_command_makes_codes_and_refuses_bad_input(demo_world, capsys):
    survey = make_survey(demo_world, mode=Mode.VERIFIED)
    call_command("survey-codes", "--survey", str(survey.pk), "--count", "5")
    lines = capsys.readouterr().out.split()
    assert len(lines) == 5 and all(len(c) == 9 and c[4] == "-" for c in lines)
    with pytest.raises(CommandError):
        call_command("survey-codes", "--survey", str(survey.pk), "--count", "0")
    with pytest.raises(CommandError):
        call_command("survey-codes", "--survey", "999999", "--count", "5")
    open_one = make_survey(demo_world, title="开放")
    with pytest.raises(CommandError):
        call_command("survey-codes", "--survey", str(open_one.pk), "--count", "5")


def test_the_api_gives_results_to_readers_and_raw_responses_to_organisers_only(
    client_for, jiedao_admin, mentor, outsider, demo_world
):
    survey = make_survey(demo_world, territory=demo_world.subdistrict)
    submit_values(survey, demo_world.shiliuyuan, n=30)
    results = client_for(mentor).get(f"/api/surveys/{survey.pk}/results").json()
    gain = results["questions"][0]
    assert gain["n"] == 30 and gain["satisfied"]["ci_low"] is not None
    assert client_for(mentor).get(f"/api/surveys/{survey.pk}/responses").status_code == 403
    assert len(client_for(jiedao_admin).get(f"/api/surveys/{survey.pk}/responses").json()) == 30
    assert client_for(outsider).get(f"/api/surveys/{survey.pk}/results").status_code == 404
    schema = client_for(jiedao_admin).get("/api/openapi.json").json()
    assert any(path.startswith("/api/surveys/") for path in schema["paths"])


def test_the_api_stores_a_resubmission_once_and_answers_409_on_other_content(
    client, open_survey, demo_world
):
    url = f"/api/surveys/{open_survey.pk}/communities/{demo_world.shiliuyuan.pk}/responses"
    scale = open_survey.questions.filter(kind=Kind.SCALE).first()
    client_id = str(uuid.uuid4())
    answers = {
        str(q.pk): 4 if q.kind == Kind.SCALE else 0
        for q in open_survey.questions.exclude(kind=Kind.TEXT)
    }
    body = {"client_id": client_id, "answers": answers}
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"response_id": first.json()["response_id"], "created": False}
    other = client.post(
        url,
        {"client_id": client_id, "answers": {**answers, str(scale.pk): 2}},
        content_type="application/json",
    )
    assert other.status_code == 409
    bad = client.post(
        url,
        {"client_id": str(uuid.uuid4()), "answers": {**answers, str(scale.pk): 9}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    huge = client.post(
        url,
        {"client_id": str(uuid.uuid4()), "answers": {str(scale.pk): "x" * 1_000_000}},
        content_type="application/json",
    )
    assert huge.status_code == 422
    assert Response.objects.count() == 1


def test_the_workbench_lists_flagged_responses_for_organisers(rf, jiedao_admin, demo_world):
    from qiangji.accounts.permissions import access_for
    from qiangji.surveys import workbench

    survey = make_survey(demo_world, territory=demo_world.subdistrict)
    submit_values(survey, demo_world.shiliuyuan, n=3, flag=Flag.BURST)
    request = rf.get("/")
    request.user = jiedao_admin
    todos = workbench.todos(request, access_for(jiedao_admin))
    flagged = [t for t in todos if t.kind == "surveys.flagged_responses"]
    assert flagged and flagged[0].count == 3


def test_the_landing_page_links_to_the_open_survey(open_survey, demo_world):
    from qiangji.surveys.nav import public_links

    (link,) = public_links(demo_world.shiliuyuan)
    assert link.url == reverse("surveys:public_entry", args=[demo_world.shiliuyuan.pk])
