"""QR sign-in with a rotating signed token, the live list, late arrivals and the XLSX export."""

from __future__ import annotations

import io
import time

import pytest
from django.db import IntegrityError
from django.urls import reverse
from openpyxl import load_workbook

from qiangji.workshops import actions
from qiangji.workshops.models import Attendance


@pytest.fixture
def salon(salon):
    """The demo's salon before anyone signed in (the demo signs some people in)."""
    Attendance.objects.filter(activity=salon).delete()
    return salon


def _sign_url(activity, token):
    return reverse("workshops:sign_in", args=[activity.pk, token])


def test_a_fresh_token_is_accepted_and_recent_ones_too_for_time_to_log_in(salon):
    now = time.time()
    actions.check_signin_token(salon, actions.make_signin_token(salon, now), now)
    for windows_ago in range(1, actions.GRACE_WINDOWS + 1):
        recent = actions.make_signin_token(salon, now - windows_ago * salon.qr_window_seconds)
        actions.check_signin_token(salon, recent, now)
    too_old = actions.make_signin_token(
        salon, now - (actions.GRACE_WINDOWS + 1) * salon.qr_window_seconds
    )
    with pytest.raises(actions.TokenError):
        actions.check_signin_token(salon, too_old, now)


def test_an_old_token_is_refused_as_expired(salon):
    now = time.time()
    old = actions.make_signin_token(salon, now - 5 * salon.qr_window_seconds)
    with pytest.raises(actions.TokenError) as error:
        actions.check_signin_token(salon, old, now)
    assert error.value.code == "expired"


@pytest.mark.parametrize("token", ["", "abc", "123-", "99999999999999-aaaa", "1-" + "0" * 20, "-x"])
def test_a_forged_token_is_refused_as_invalid(salon, token):
    with pytest.raises(actions.TokenError) as error:
        actions.check_signin_token(salon, token)
    assert error.value.code == "invalid"


def test_a_token_of_another_activity_is_invalid_here(world, salon):
    from qiangji.workshops.models import Activity

    visit = Activity.objects.exclude(pk=salon.pk).first()
    with pytest.raises(actions.TokenError):
        actions.check_signin_token(salon, actions.make_signin_token(visit))


def test_rotating_the_activity_secret_revokes_codes_already_shown(salon):
    token = actions.make_signin_token(salon)
    salon.qr_secret = "another-secret"
    with pytest.raises(actions.TokenError):
        actions.check_signin_token(salon, token)


def test_a_secretary_signs_in_with_one_tap_and_twice_is_one_record(
    client_for, shiliuyuan_secretary, salon
):
    client = client_for(shiliuyuan_secretary)
    url = _sign_url(salon, actions.make_signin_token(salon))
    page = client.get(url)
    assert page.status_code == 200
    assert "signin-button" in page.content.decode()
    assert not Attendance.objects.filter(activity=salon).exists()  # a GET writes nothing
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 200
    assert "signin-done" in second.content.decode()
    assert Attendance.objects.filter(activity=salon, person=shiliuyuan_secretary).count() == 1


def test_an_expired_code_gets_a_clear_message_not_an_error_page(
    client_for, shiliuyuan_secretary, salon
):
    old = actions.make_signin_token(salon, time.time() - 10 * salon.qr_window_seconds)
    response = client_for(shiliuyuan_secretary).post(_sign_url(salon, old))
    assert response.status_code == 400
    assert 'data-code="expired"' in response.content.decode()
    assert not Attendance.objects.filter(activity=salon).exists()


def test_a_forged_code_is_refused(client_for, shiliuyuan_secretary, salon):
    response = client_for(shiliuyuan_secretary).post(_sign_url(salon, "123-deadbeefdeadbeef0000"))
    assert response.status_code == 400
    assert 'data-code="invalid"' in response.content.decode()


def test_someone_not_invited_cannot_sign_in(client_for, outsider, world):
    from qiangji.workshops.demo import VISIT_TITLE
    from qiangji.workshops.models import Activity

    visit = Activity.objects.get(title=VISIT_TITLE)
    keershan = world.users["keershan"]  # 柯尔山 did not go on the study visit
    url = _sign_url(visit, actions.make_signin_token(visit))
    response = client_for(keershan).post(url)
    assert response.status_code == 403
    assert 'data-code="not_invited"' in response.content.decode()
    assert client_for(outsider).post(url).status_code == 403
    assert not Attendance.objects.filter(activity=visit).exists()


def test_anonymous_people_are_sent_to_log_in_first(client, salon):
    response = client.get(_sign_url(salon, actions.make_signin_token(salon)))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_signing_in_twice_at_the_same_instant_counts_once(salon, shiliuyuan_secretary):
    actions.do_sign_in(activity=salon, person=shiliuyuan_secretary)
    with pytest.raises(IntegrityError):
        Attendance.objects.create(activity=salon, person=shiliuyuan_secretary)


def test_the_organiser_sees_the_live_list_and_adds_a_late_arrival(
    client_for, jiedao_admin, keershan_secretary, salon
):
    client = client_for(jiedao_admin)
    response = client.post(
        reverse("workshops:attendance_add", args=[salon.pk]), {"person": "keershan"}
    )
    assert response.status_code == 302
    row = Attendance.objects.get(activity=salon, person=keershan_secretary)
    assert row.method == Attendance.Method.MANUAL and row.added_by == jiedao_admin
    live = client.get(
        reverse("workshops:attendance", args=[salon.pk]), headers={"HX-Request": "true"}
    )
    html = live.content.decode()
    assert 'id="attendance-live"' in html and "<html" not in html
    assert str(keershan_secretary) in html
    assert "<svg" in html  # the QR code is refreshed with the list
    missing = client.post(
        reverse("workshops:attendance_add", args=[salon.pk]), {"person": "nobody"}, follow=True
    )
    assert Attendance.objects.filter(activity=salon).count() == 1
    assert missing.status_code == 200


def test_the_attendance_exports_to_xlsx_with_mobiles_masked(
    client_for, jiedao_admin, shiliuyuan_secretary, salon
):
    shiliuyuan_secretary.mobile = "13912345678"
    shiliuyuan_secretary.save()
    actions.do_sign_in(activity=salon, person=shiliuyuan_secretary)
    response = client_for(jiedao_admin).get(reverse("workshops:attendance_xlsx", args=[salon.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == salon.title
    assert rows[3][1] == str(shiliuyuan_secretary)
    assert rows[3][3] == "139****5678"
    assert "13912345678" not in str(rows)


def test_a_secretary_cannot_open_the_organisers_screen(client_for, shiliuyuan_secretary, salon):
    assert (
        client_for(shiliuyuan_secretary)
        .get(reverse("workshops:attendance", args=[salon.pk]))
        .status_code
        == 403
    )
