"""Busy databases, HEAD requests, anonymous API writes (finding 11 and the "also found" list)."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from qiangji.concerns import api as concerns_api


@pytest.mark.parametrize("url", ["/", "/healthz", "/readyz"])
def test_uptime_monitors_may_send_head(client, db, url):
    response = client.head(url)
    assert response.status_code == 200


def test_an_anonymous_api_write_is_401_not_a_csrf_failure(client, db):
    response = client.post("/api/territories/", {}, content_type="application/json")
    assert response.status_code == 401


def test_a_logged_in_browser_write_without_csrf_is_still_refused(db, shiliuyuan_secretary):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(shiliuyuan_secretary)
    response = client.post("/api/territories/", {}, content_type="application/json")
    assert response.status_code == 403


def _locked(*args, **kwargs):
    raise OperationalError("database is locked")


def test_a_locked_database_answers_503_with_retry_after_on_the_api(
    client, demo_world, shiliuyuan_secretary, monkeypatch
):
    from qiangji.accounts.models import ApiToken

    _token, key = ApiToken.issue(user=shiliuyuan_secretary, name="t")
    monkeypatch.setattr(concerns_api.actions, "do_file_concern", _locked)
    response = client.post(
        "/api/concerns/",
        {"community_id": demo_world.shiliuyuan.pk, "text": "路灯坏了三天了"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "3"


def test_a_locked_database_answers_503_on_a_page(client, demo_world, monkeypatch):
    from qiangji.concerns import views

    monkeypatch.setattr(views.actions, "do_file_concern", _locked)
    client.raise_request_exception = False
    response = client.post(
        f"/concerns/c/{demo_world.shiliuyuan.pk}/",
        {"text": "路灯坏了三天了，晚上很黑", "confirm_new": "on"},
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "3"


def test_other_database_errors_still_raise(client, db, monkeypatch):
    from qiangji.core.busy import is_busy

    assert not is_busy(OperationalError("no such table: x"))
    assert is_busy(OperationalError("database is locked"))
