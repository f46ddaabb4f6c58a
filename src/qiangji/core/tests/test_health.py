from unittest import mock

from django.db import OperationalError


def test_healthz_answers_ok_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_answers_503_when_the_database_fails(client, db):
    with mock.patch("qiangji.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_when_the_database_goes_away_readyz_and_pages_say_so_with_503(demo_world, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(demo_world.users["shiliuyuan"])
    assert client.get("/readyz").status_code == 200

    def gone(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", gone)
    try:
        assert client.get("/readyz").status_code == 503
        response = client.get("/concerns/")
    finally:
        monkeypatch.undo()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "数据库暂时无法连接" in response.content.decode()
    assert client.get("/readyz").status_code == 200
    assert client.get("/concerns/").status_code == 200
