import pytest
from django.urls import reverse


def test_anonymous_landing_lists_communities_and_the_login(client, demo_world):
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "石榴园社区" in text
    assert reverse("accounts:login") in text


def test_home_shows_the_persons_roles_and_the_current_phase(client_for, shiliuyuan_secretary):
    response = client_for(shiliuyuan_secretary).get("/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "社区书记" in text
    assert "石榴园社区" in text
    assert 'aria-current="step"' in text


def test_pages_are_chinese_by_default_and_english_on_request(client_for, jiedao_admin):
    client = client_for(jiedao_admin)
    assert "辖区" in client.get("/").content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    text = client.get("/").content.decode()
    assert "Territories" in text
    assert 'lang="en"' in text


def test_every_page_sends_a_content_security_policy_without_inline_scripts(client, demo_world):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_a_forbidden_page_is_a_chinese_403(client_for, shiliuyuan_secretary, demo_world):
    response = client_for(shiliuyuan_secretary).get(
        reverse("territories:edit", kwargs={"pk": demo_world.keershan.pk})
    )
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_unknown_page_is_a_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404" in response.content.decode()


@pytest.mark.parametrize("path", ["/accounts/login/", "/"])
def test_public_pages_have_labelled_inputs(client, demo_world, path):
    text = client.get(path).content.decode()
    assert "<label" in text
