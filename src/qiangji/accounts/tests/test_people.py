from django.urls import reverse

from qiangji.accounts.models import Role, RoleGrant, User
from qiangji.notifications.models import Notice


def test_an_admin_adds_a_person_with_a_first_role(client_for, jiedao_admin, demo_world):
    response = client_for(jiedao_admin).post(
        reverse("accounts:person_create"),
        {
            "username": "newstaff",
            "display_name": "示例·新干事",
            "title": "",
            "mobile": "13900001111",
            "email": "",
            "password": "a-long-pass-987",
            "grant-role": Role.COMMUNITY_STAFF,
            "grant-territory": demo_world.keershan.pk,
        },
    )
    assert response.status_code == 302
    person = User.objects.get(username="newstaff")
    assert person.check_password("a-long-pass-987")
    assert RoleGrant.objects.filter(
        user=person, role=Role.COMMUNITY_STAFF, territory=demo_world.keershan
    ).exists()


def test_granting_a_role_notifies_the_person(
    client_for, jiedao_admin, keershan_secretary, demo_world
):
    client_for(jiedao_admin).post(
        reverse("accounts:person", kwargs={"pk": keershan_secretary.pk}),
        {"role": Role.COMMUNITY_STAFF, "territory": demo_world.shiliuyuan.pk},
    )
    assert Notice.objects.filter(recipient=keershan_secretary, kind="role_granted").count() == 1


def test_a_role_on_the_wrong_kind_of_territory_is_refused_clearly(
    client_for, jiedao_admin, keershan_secretary, demo_world
):
    response = client_for(jiedao_admin).post(
        reverse("accounts:person", kwargs={"pk": keershan_secretary.pk}),
        {"role": Role.COMMUNITY_SECRETARY, "territory": demo_world.subdistrict.pk},
    )
    assert response.status_code == 200
    assert "只能授予在" in response.content.decode()


def test_the_people_list_masks_mobile_numbers(client_for, jiedao_admin, shiliuyuan_secretary):
    shiliuyuan_secretary.mobile = "13812345678"
    shiliuyuan_secretary.save()
    text = client_for(jiedao_admin).get(reverse("accounts:people")).content.decode()
    assert "138****5678" in text
    assert "13812345678" not in text


def test_the_people_list_answers_htmx_with_the_table_only(client_for, jiedao_admin):
    response = client_for(jiedao_admin).get(
        reverse("accounts:people") + "?q=shiliu", HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    assert 'id="people-table"' in text
    assert "<html" not in text
    assert "shiliuyuan" in text


def test_a_secretary_cannot_manage_people(client_for, shiliuyuan_secretary):
    assert client_for(shiliuyuan_secretary).get(reverse("accounts:people")).status_code == 403


def test_an_api_token_is_shown_once_and_stored_hashed(client_for, shiliuyuan_secretary):
    client = client_for(shiliuyuan_secretary)
    response = client.post(reverse("accounts:tokens"), {"name": "脚本"})
    text = response.content.decode()
    token = shiliuyuan_secretary.api_tokens.get()
    assert token.prefix in text
    assert token.key_hash not in text
    key = text.split('id="new-token">')[1].split("<")[0]
    assert key.startswith("qj_")
    assert client.get(reverse("accounts:tokens")).content.decode().count(key) == 0
