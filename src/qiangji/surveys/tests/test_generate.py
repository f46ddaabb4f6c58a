"""The surveys part of `qiangji generate`: rows as the platform would have stored them."""

from __future__ import annotations

import pytest

from qiangji.core.generate import SCALES, run
from qiangji.surveys.interface import results_by_community
from qiangji.surveys.models import Answer, Response, Survey
from qiangji.surveys.results import survey_results
from qiangji.territories.models import Kind, Territory

pytestmark = pytest.mark.django_db


def test_generated_responses_have_their_answers_and_figures():
    summary = run(SCALES["subdistrict"].shrunk(10), apps=["surveys"])
    assert summary["surveys"]["rows"]["survey_responses"] == Response.objects.count() == 500
    assert Answer.objects.filter(response__isnull=True).count() == 0
    survey = Survey.objects.get(round=2)
    data = survey_results(survey)
    gain = next(qr for qr in data.questions if qr.question.measure == "gain")
    assert gain.n == Response.objects.filter(survey=survey).count()
    ids = list(Territory.objects.filter(kind=Kind.COMMUNITY).values_list("pk", flat=True))
    figures = results_by_community(ids)
    assert (
        sum(f["responses"] for f in figures.values())
        == Response.objects.filter(survey=survey).count()
    )
    assert all(len(f["rounds"]) <= 2 for f in figures.values())
