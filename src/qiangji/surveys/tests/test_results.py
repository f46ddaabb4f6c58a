"""Figures: Wilson intervals, the n < 30 rule, communities, rounds, and constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qiangji.lib.stats import wilson_interval
from qiangji.surveys import actions
from qiangji.surveys.interface import results_by_community
from qiangji.surveys.models import Kind, Response
from qiangji.surveys.results import rate, survey_results
from qiangji.surveys.tests.conftest import make_survey, submit_values


def test_the_wilson_interval_matches_the_published_values():
    low, high = wilson_interval(
        81, 263
    )  # Wilson (1927) example as in Newcombe (1998): 0.2553–0.3662
    assert round(low, 4) == 0.2553 and round(high, 4) == 0.3662
    assert tuple(round(v, 4) for v in wilson_interval(15, 148)) == (0.0624, 0.1605)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0
    assert wilson_interval(0, 0) is None


def test_a_share_under_thirty_answers_is_withheld():
    assert rate(20, 29).share is None and rate(20, 29).insufficient
    shown = rate(20, 30)
    assert shown.share == pytest.approx(0.6667, abs=1e-4) and shown.ci_low < 0.6667 < shown.ci_high


def test_results_count_distribution_mean_and_interval(open_survey, demo_world):
    submit_values(open_survey, demo_world.shiliuyuan, scale=5, n=20)
    submit_values(open_survey, demo_world.shiliuyuan, scale=2, n=12)
    data = survey_results(open_survey)
    gain = next(qr for qr in data.questions if qr.question.measure == "gain")
    assert gain.n == 32 and gain.counts == {5: 20, 2: 12}
    assert gain.mean == pytest.approx((5 * 20 + 2 * 12) / 32, abs=0.01)
    assert gain.satisfied.share == pytest.approx(20 / 32, abs=1e-4)
    low, high = wilson_interval(20, 32)
    assert gain.satisfied.ci_low == pytest.approx(low, abs=1e-4)
    assert data.counted == 32


def test_an_excluded_response_leaves_every_figure_but_stays_stored(
    open_survey, demo_world, jiedao_admin
):
    responses = submit_values(open_survey, demo_world.shiliuyuan, scale=5, n=31)
    actions.do_exclude_response(response=responses[0], reason="同一人重复提交", by=jiedao_admin)
    data = survey_results(open_survey)
    assert data.counted == 30 and data.excluded == 1
    assert Response.objects.count() == 31
    figures = results_by_community([demo_world.shiliuyuan.pk])[demo_world.shiliuyuan.pk]
    assert figures["responses"] == 30


def test_an_exclusion_needs_a_reason(open_survey, demo_world, jiedao_admin):
    (response,) = submit_values(open_survey, demo_world.shiliuyuan)
    with pytest.raises(actions.SurveyError):
        actions.do_exclude_response(response=response, reason=" ", by=jiedao_admin)


def test_results_by_community_gives_the_documented_keys_and_rounds(demo_world):
    now = timezone.now()
    first = make_survey(
        demo_world,
        territory=demo_world.subdistrict,
        opens_at=now - dt.timedelta(days=90),
        closes_at=now - dt.timedelta(days=60),
        title="第一轮",
    )
    second = make_survey(demo_world, territory=demo_world.subdistrict, round=2, title="第二轮")
    for survey, scale in ((first, 3), (second, 5)):
        survey.opens_at, survey.closes_at = now - dt.timedelta(days=1), now + dt.timedelta(days=1)
        submit_values(survey, demo_world.shiliuyuan, scale=scale, n=30)
        submit_values(survey, demo_world.keershan, scale=scale, n=5)
    first.opens_at, first.closes_at = now - dt.timedelta(days=90), now - dt.timedelta(days=60)
    first.save()
    ids = [
        demo_world.shiliuyuan.pk,
        demo_world.keershan.pk,
        demo_world.communities["广州路社区"].pk,
    ]
    figures = results_by_community(ids, programme=demo_world.programme)
    shiliuyuan = figures[demo_world.shiliuyuan.pk]
    assert shiliuyuan["survey_id"] == second.pk and shiliuyuan["responses"] == 30
    assert (
        shiliuyuan["satisfied_share"] == 1.0
        and shiliuyuan["ci_low"] < 1.0
        and not shiliuyuan["insufficient"]
    )
    assert shiliuyuan["awareness_share"] == 1.0 and shiliuyuan["participation_share"] == 1.0
    assert shiliuyuan["senses"]["gain"]["share"] == 1.0
    assert [r["satisfied_share"] for r in shiliuyuan["rounds"]] == [0.0, 1.0]
    keershan = figures[demo_world.keershan.pk]
    assert keershan["insufficient"] and keershan["satisfied_share"] is None and keershan["n"] == 5
    assert figures[ids[2]]["responses"] == 0 and figures[ids[2]]["rounds"] == []


def _fill(world, surveys_per_size: int):
    """Surveys of the subdistrict with a few responses in several communities."""
    communities = list(world.communities.values())[:surveys_per_size]
    survey = make_survey(world, territory=world.subdistrict)
    for community in communities:
        submit_values(survey, community, n=2)
    return survey, [c.pk for c in communities]


def test_results_and_the_interface_run_a_constant_number_of_queries(
    demo_world, client_for, jiedao_admin
):
    small, small_ids = _fill(demo_world, 2)
    big, big_ids = _fill(demo_world, 11)
    counts = []
    for survey, ids in ((small, small_ids), (big, big_ids)):
        reset_queries()  # the log keeps 9,000 queries at most; the set-up filled it
        with CaptureQueriesContext(connection) as results_queries:
            survey_results(survey)
        with CaptureQueriesContext(connection) as interface_queries:
            results_by_community(ids)
        client = client_for(jiedao_admin)
        client.get(reverse("surveys:results", args=[survey.pk]))  # warm the session
        reset_queries()
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 200
        counts.append((len(results_queries), len(interface_queries), len(page_queries)))
    assert counts[0] == counts[1]
    assert counts[0][1] == 3


def test_multiple_choice_n_counts_people_not_ticks(open_survey, demo_world):
    question = actions.do_add_question(
        survey=open_survey,
        kind=Kind.MULTIPLE,
        text="您常去哪里？",
        choices=["食堂", "广场", "书屋"],
        required=False,
    )
    questions = list(open_survey.questions.order_by("order", "pk"))
    import uuid

    for _ in range(3):
        actions.do_submit_response(
            survey=open_survey,
            community=demo_world.shiliuyuan,
            client_id=uuid.uuid4(),
            values={question.pk: [0, 2]},
            questions=questions,
        )
    result = next(
        qr for qr in survey_results(open_survey).questions if qr.question.pk == question.pk
    )
    assert result.n == 3 and result.counts == {0: 3, 2: 3}


def test_a_frozen_survey_refuses_new_questions_and_a_new_version_copies_them(
    open_survey, demo_world, jiedao_admin
):
    submit_values(open_survey, demo_world.shiliuyuan)
    with pytest.raises(actions.SurveyError) as refused:
        actions.do_add_question(survey=open_survey, kind=Kind.TEXT, text="新问题")
    assert refused.value.code == "frozen"
    new = actions.do_make_new_version(survey=open_survey, by=jiedao_admin)
    assert new.version == 2 and new.questions.count() == open_survey.questions.count()
    actions.do_add_question(survey=new, kind=Kind.TEXT, text="新问题", required=False)
    open_survey.refresh_from_db()
    assert open_survey.replaced_by == new and not open_survey.is_open()
    submit_values(new, demo_world.shiliuyuan, n=2)
    trend = survey_results(new).trend
    assert trend[-1]["responses"] == 3  # the round counts both versions


def test_the_interface_figures_are_json_safe(open_survey, demo_world):
    import json

    submit_values(open_survey, demo_world.shiliuyuan, n=2)
    figures = results_by_community([demo_world.shiliuyuan.pk])
    assert (
        json.loads(json.dumps(figures))[str(demo_world.shiliuyuan.pk)]["rounds"][0]["responses"]
        == 2
    )
