from django.urls import reverse

from qiangji.accounts.models import LoginLock

LOGIN = "/accounts/login/"


def test_a_person_logs_in_with_their_username(client, shiliuyuan_secretary):
    response = client.post(LOGIN, {"username": "shiliuyuan", "password": "demo-pass-123"})
    assert response.status_code == 302
    assert client.get("/").context["user"] == shiliuyuan_secretary


def test_a_person_logs_in_with_their_mobile_number(client, shiliuyuan_secretary):
    shiliuyuan_secretary.mobile = "13812341234"
    shiliuyuan_secretary.save()
    response = client.post(LOGIN, {"username": "13812341234", "password": "demo-pass-123"})
    assert response.status_code == 302


def test_a_wrong_password_is_refused_with_a_message(client, shiliuyuan_secretary):
    response = client.post(LOGIN, {"username": "shiliuyuan", "password": "nope"})
    assert response.status_code == 400
    assert "密码" in response.content.decode()


def test_five_failures_lock_the_account_even_for_the_right_password(client, shiliuyuan_secretary):
    for _ in range(5):
        client.post(LOGIN, {"username": "shiliuyuan", "password": "wrong"})
    lock = LoginLock.objects.get(identifier=f"user:{shiliuyuan_secretary.pk}")
    assert lock.locked_until is not None
    response = client.post(LOGIN, {"username": "shiliuyuan", "password": "demo-pass-123"})
    assert response.status_code == 400
    assert "锁定" in response.content.decode()


def test_a_success_clears_earlier_failures(client, shiliuyuan_secretary):
    for _ in range(3):
        client.post(LOGIN, {"username": "shiliuyuan", "password": "wrong"})
    client.post(LOGIN, {"username": "shiliuyuan", "password": "demo-pass-123"})
    assert not LoginLock.objects.filter(identifier=f"user:{shiliuyuan_secretary.pk}").exists()


def test_login_never_redirects_to_another_site(client, shiliuyuan_secretary):
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"username": "shiliuyuan", "password": "demo-pass-123", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_logout_needs_a_post(client_for, shiliuyuan_secretary):
    client = client_for(shiliuyuan_secretary)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
