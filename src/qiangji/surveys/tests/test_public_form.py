"""The residents' form: no account, no JavaScript, one response per submission and per person."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from qiangji.surveys import actions
from qiangji.surveys.models import AccessCode, Answer, Flag, Kind, Response
from qiangji.surveys.tests.conftest import good_answers


def _url(survey, community):
    return reverse("surveys:public_form", args=[community.pk, survey.pk])


def _post(client, survey, community, data, client_id=None):
    payload = {"client_id": str(client_id or uuid.uuid4()), **data}
    return client.post(_url(survey, community), payload)


def test_the_form_shows_the_privacy_notice_before_the_first_question(
    client, open_survey, demo_world
):
    page = client.get(_url(open_survey, demo_world.shiliuyuan)).content.decode()
    assert page.index('id="privacy"') < page.index('class="question"')
    assert "<script>" not in page  # nothing inline; the form works without JavaScript
    assert 'name="client_id"' in page


def test_the_brand_question_names_the_communitys_brand(client, open_survey, demo_world):
    from qiangji.plans.models import Plan

    Plan.objects.update_or_create(
        programme=demo_world.programme,
        community=demo_world.shiliuyuan,
        defaults={"brand_name": "幸福石榴园"},
    )
    page = client.get(_url(open_survey, demo_world.shiliuyuan)).content.decode()
    assert "您是否知道本社区的品牌项目「幸福石榴园」？" in page


def test_a_resident_answers_and_the_same_form_sent_twice_is_stored_once(
    client, open_survey, demo_world
):
    data = good_answers(open_survey, text="楼道灯坏了")
    client_id = uuid.uuid4()
    first = _post(client, open_survey, demo_world.shiliuyuan, data, client_id)
    second = _post(client, open_survey, demo_world.shiliuyuan, data, client_id)
    assert first.status_code == second.status_code == 302
    assert first["Location"].endswith("/thanks/")
    assert Response.objects.filter(survey=open_survey).count() == 1
    response = Response.objects.get()
    assert response.senses_satisfied is True and response.aware is True
    assert Answer.objects.filter(response=response, text="楼道灯坏了").exists()


def test_the_same_client_id_with_other_answers_is_a_clear_conflict(client, open_survey, demo_world):
    client_id = uuid.uuid4()
    _post(client, open_survey, demo_world.shiliuyuan, good_answers(open_survey, scale=4), client_id)
    other = _post(
        client, open_survey, demo_world.shiliuyuan, good_answers(open_survey, scale=2), client_id
    )
    assert other.status_code == 409
    assert "已经提交" in other.content.decode() or "already sent" in other.content.decode()
    assert Response.objects.count() == 1


def test_a_second_response_from_the_same_browser_is_refused_kindly(client, open_survey, demo_world):
    _post(client, open_survey, demo_world.shiliuyuan, good_answers(open_survey))
    again = _post(client, open_survey, demo_world.shiliuyuan, good_answers(open_survey))
    assert again.status_code == 409
    assert Response.objects.count() == 1


def test_every_answer_blank_gets_a_message(client, open_survey, demo_world):
    response = _post(client, open_survey, demo_world.shiliuyuan, {})
    assert response.status_code == 400
    assert "blank" in response.content.decode() or "空白" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("7", Kind.SCALE),
        ("0", Kind.SCALE),
        ("abc", Kind.SCALE),
        ("9", Kind.SINGLE),
        ("-1", Kind.SINGLE),
    ],
)
def test_a_value_outside_the_scale_or_a_choice_not_offered_is_refused(
    client, open_survey, demo_world, value, kind
):
    data = good_answers(open_survey)
    question = open_survey.questions.filter(kind=kind).first()
    data[f"q{question.pk}"] = value
    response = _post(client, open_survey, demo_world.shiliuyuan, data)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not Response.objects.exists()


def test_a_missing_required_answer_is_named(client, open_survey, demo_world):
    data = good_answers(open_survey)
    data.pop(next(iter(data)))
    response = _post(client, open_survey, demo_world.shiliuyuan, data)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()


def test_a_one_megabyte_free_text_answer_gets_a_message_not_a_500(client, open_survey, demo_world):
    data = good_answers(open_survey, text="长" * 1_000_000)
    response = _post(client, open_survey, demo_world.shiliuyuan, data)
    assert response.status_code == 400
    assert "1000" in response.content.decode()
    assert not Response.objects.exists()


def test_a_response_to_a_closed_survey_is_refused_clearly(client, open_survey, demo_world):
    open_survey.closes_at = timezone.now() - dt.timedelta(minutes=1)
    open_survey.opens_at = timezone.now() - dt.timedelta(days=3)
    open_survey.save()
    page = client.get(_url(open_survey, demo_world.shiliuyuan))
    assert 'class="question"' not in page.content.decode()
    response = _post(client, open_survey, demo_world.shiliuyuan, good_answers(open_survey))
    assert response.status_code == 410
    assert not Response.objects.exists()


def test_a_survey_of_another_community_is_not_found(client, open_survey, demo_world):
    response = client.get(_url(open_survey, demo_world.keershan))
    assert response.status_code == 404


def test_the_honeypot_stores_the_response_excluded_with_its_reason(client, open_survey, demo_world):
    data = {**good_answers(open_survey), "website": "http://spam"}
    response = _post(client, open_survey, demo_world.shiliuyuan, data)
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.flag == Flag.HONEYPOT and not stored.counted and stored.exclusion_reason


def test_many_submissions_from_one_address_are_flagged_then_paused_with_advice(
    client_for, open_survey, demo_world, settings
):
    settings.SURVEYS_BURST_SOFT_LIMIT = 3
    settings.SURVEYS_BURST_HARD_LIMIT = 6
    statuses = []
    for _ in range(8):  # a fresh browser each time: a shared Wi-Fi, or someone clearing cookies
        statuses.append(
            _post(
                client_for(None), open_survey, demo_world.shiliuyuan, good_answers(open_survey)
            ).status_code
        )
    assert statuses[:6] == [302] * 6
    assert statuses[6:] == [429, 429]
    paused = _post(client_for(None), open_survey, demo_world.shiliuyuan, good_answers(open_survey))
    text = paused.content.decode()
    assert "mobile data" in text or "移动数据" in text or "流量" in text
    assert Response.objects.count() == 6
    assert Response.objects.filter(flag=Flag.BURST).count() == 6  # flagged, still counted
    assert Response.objects.filter(counted=True).count() == 6


def test_a_valid_code_answers_once_and_a_used_code_is_refused_clearly(
    client_for, verified_survey, demo_world
):
    batch = actions.do_generate_codes(survey=verified_survey, count=3)
    code = batch.codes.first().code
    first = _post(
        client_for(None),
        verified_survey,
        demo_world.shiliuyuan,
        {**good_answers(verified_survey), "code": actions.display_code(code).lower()},
    )
    assert first.status_code == 302
    second = _post(
        client_for(None),
        verified_survey,
        demo_world.shiliuyuan,
        {**good_answers(verified_survey), "code": code},
    )
    assert second.status_code == 409
    assert "已" in second.content.decode() or "already used" in second.content.decode()
    assert Response.objects.count() == 1


def test_a_used_code_is_not_linkable_to_its_response(verified_survey, demo_world):
    batch = actions.do_generate_codes(survey=verified_survey, count=2)
    code = batch.codes.first()
    from qiangji.surveys.tests.conftest import submit_values

    (response,) = submit_values(verified_survey, demo_world.shiliuyuan, code=code.code)
    code.refresh_from_db()
    assert code.used
    code_fields = {f.name for f in AccessCode._meta.get_fields()}
    assert code_fields == {"id", "batch", "survey", "code", "used"}  # no time, no response
    assert response.respondent_key == response.address_key == ""
    assert response.submitted_at.minute == response.submitted_at.second == 0


def test_a_forged_code_is_refused_and_repeated_guessing_is_paused(
    client_for, verified_survey, demo_world, settings
):
    settings.SURVEYS_CODE_FAILURE_LIMIT = 3
    actions.do_generate_codes(survey=verified_survey, count=1)
    statuses = [
        _post(
            client_for(None),
            verified_survey,
            demo_world.shiliuyuan,
            {**good_answers(verified_survey), "code": "ZZZZ-ZZZZ"},
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    assert not Response.objects.exists()


def test_a_condition_drops_the_answer_of_a_hidden_question(open_survey, demo_world):
    first = open_survey.questions.get(measure="participation")
    follow = actions.do_add_question(
        survey=open_survey,
        kind=Kind.MULTIPLE,
        text="参加过哪些？",
        choices=["议事会", "志愿服务"],
        show_if=first,
        show_if_value=0,
    )
    questions = list(open_survey.questions.order_by("order", "pk"))
    data = (
        {f"q{k}": v for k, v in good_answers(open_survey).items()}
        if False
        else good_answers(open_survey)
    )
    data[f"q{first.pk}"] = "2"  # 没有参加过: the follow-up is hidden
    data[f"q{follow.pk}"] = "1"

    def getlist(key):
        value = data.get(key)
        return [] if value is None else [value]

    parsed = actions.parse_answers(questions, data.get, getlist)
    assert follow.pk not in parsed.values and not parsed.errors
    data[f"q{first.pk}"] = "0"
    parsed = actions.parse_answers(questions, data.get, getlist)
    assert parsed.values[follow.pk] == [1]
    data.pop(f"q{follow.pk}")
    parsed = actions.parse_answers(questions, data.get, getlist)
    assert follow.pk in parsed.errors  # shown and required, not answered


def test_the_entrance_opens_the_only_open_survey(client, open_survey, demo_world):
    response = client.get(reverse("surveys:public_entry", args=[demo_world.shiliuyuan.pk]))
    assert response.status_code == 302
    assert response["Location"] == _url(open_survey, demo_world.shiliuyuan)


def test_the_public_form_refuses_other_methods(client, open_survey, demo_world):
    assert client.put(_url(open_survey, demo_world.shiliuyuan)).status_code == 405


def test_a_database_too_busy_to_store_asks_to_press_again_not_a_500(
    client, open_survey, demo_world, monkeypatch
):
    from django.db import OperationalError

    def busy(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(actions, "do_submit_response", busy)
    response = _post(client, open_survey, demo_world.shiliuyuan, good_answers(open_survey))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert (
        "stored only once" in response.content.decode() or "只保存一份" in response.content.decode()
    )
