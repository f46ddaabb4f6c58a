"""The login lockout holds on every login path, per account, atomically (findings 1, 2)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test import Client
from django.urls import reverse

from qiangji.accounts.backends import locked_until
from qiangji.accounts.models import User

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
RIGHT = "demo-pass-123"


def _site(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def _admin(client, username, password):
    return client.post(ADMIN_LOGIN + "?next=/admin/", {"username": username, "password": password})


@pytest.fixture
def admin_user(demo_world):
    return demo_world.users["admin"]


@pytest.mark.django_db
def test_wrong_passwords_at_the_admin_login_lock_the_account(client, admin_user):
    for _ in range(5):
        assert _admin(client, admin_user.username, "wrong").status_code == 200
    assert locked_until(admin_user.username)
    response = _admin(client, admin_user.username, RIGHT)
    assert response.status_code == 200  # the form again, not a redirect into the admin
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_on_the_site_and_the_admin_add_up(client, admin_user):
    for _ in range(3):
        _site(client, admin_user.username, "wrong")
    for _ in range(2):
        _admin(client, admin_user.username, "wrong")
    assert _site(client, admin_user.username, RIGHT).status_code == 400


@pytest.mark.django_db
def test_every_caller_of_authenticate_is_counted(shiliuyuan_secretary):
    for _ in range(5):
        assert authenticate(None, username="shiliuyuan", password="wrong") is None
    assert authenticate(None, username="shiliuyuan", password=RIGHT) is None


@pytest.mark.django_db
def test_the_lock_is_on_the_account_not_the_typed_name(client, shiliuyuan_secretary):
    shiliuyuan_secretary.mobile = "13812341234"
    shiliuyuan_secretary.save()
    for _ in range(5):
        _site(client, "shiliuyuan", "wrong")
    assert _site(client, "13812341234", RIGHT).status_code == 400
    assert _site(client, "ShiLiuYuan ", RIGHT).status_code == 400


@pytest.mark.django_db
def test_a_locked_person_is_told_how_to_get_in(client, shiliuyuan_secretary):
    for _ in range(5):
        _site(client, "shiliuyuan", "wrong")
    text = _site(client, "shiliuyuan", RIGHT).content.decode()
    assert "锁定" in text and "解锁" in text


@pytest.mark.django_db
def test_only_five_passwords_are_checked_however_many_attempts(
    client, shiliuyuan_secretary, monkeypatch
):
    checks = []
    original = User.check_password
    monkeypatch.setattr(
        User, "check_password", lambda self, raw: checks.append(1) or original(self, raw)
    )
    for _ in range(12):
        _site(client, "shiliuyuan", "wrong")
    assert len(checks) == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL")
def test_forty_parallel_wrong_tries_make_five_password_checks(demo_world, monkeypatch, settings):
    settings.LOGIN_CLIENT_FAILURES = 1000
    checks = []
    original = User.check_password
    monkeypatch.setattr(
        User, "check_password", lambda self, raw: checks.append(1) or original(self, raw)
    )

    def attempt():
        try:
            authenticate(None, username="shiliuyuan", password="wrong")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) == 5


@pytest.mark.django_db
def test_one_client_trying_many_names_is_throttled(client, shiliuyuan_secretary, settings):
    settings.LOGIN_CLIENT_FAILURES = 3
    for name in ("a1", "a2", "a3"):
        _site(client, name, "wrong")
    response = _site(client, "shiliuyuan", RIGHT)
    assert response.status_code == 400
    assert "网络" in response.content.decode() or "network" in response.content.decode()
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert _site(other, "shiliuyuan", RIGHT).status_code == 302


@pytest.mark.django_db
def test_an_administrator_unlocks_a_person(client, shiliuyuan_secretary, demo_world):
    for _ in range(5):
        _site(client, "shiliuyuan", "wrong")
    admin = Client()
    admin.force_login(demo_world.users["jiedao"])
    page = admin.get(reverse("accounts:person", args=[shiliuyuan_secretary.pk]))
    assert reverse("accounts:unlock", args=[shiliuyuan_secretary.pk]) in page.content.decode()
    response = admin.post(reverse("accounts:unlock", args=[shiliuyuan_secretary.pk]))
    assert response.status_code == 302
    assert _site(Client(), "shiliuyuan", RIGHT).status_code == 302


@pytest.mark.django_db
def test_unlock_needs_a_post(demo_world, shiliuyuan_secretary):
    admin = Client()
    admin.force_login(demo_world.users["jiedao"])
    assert admin.get(reverse("accounts:unlock", args=[shiliuyuan_secretary.pk])).status_code == 405
