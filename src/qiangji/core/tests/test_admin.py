import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/territories/territory/",
        "/admin/accounts/user/",
        "/admin/programmes/programme/",
        "/admin/audit/auditentry/",
        "/admin/notifications/notice/",
    ],
)
def test_the_django_admin_opens_for_a_superuser(client_for, superuser, path):
    assert client_for(superuser).get(path).status_code == 200


def test_the_django_admin_is_closed_to_staff_without_superuser(client_for, jiedao_admin):
    response = client_for(jiedao_admin).get("/admin/")
    assert response.status_code == 302
