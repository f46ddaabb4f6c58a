import json

import pytest

from qiangji.accounts.models import ApiToken


def _bearer(user):
    _token, key = ApiToken.issue(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_openapi_schema_is_published(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/territories/" in schema["paths"]
    assert "/api/programmes/" in schema["paths"]


def test_the_api_refuses_a_request_without_credentials(client, db):
    assert client.get("/api/territories/").status_code == 401


def test_a_token_reads_only_what_its_owner_may_read(client, shiliuyuan_secretary, demo_world):
    response = client.get("/api/territories/", **_bearer(shiliuyuan_secretary))
    names = {t["name"] for t in response.json()}
    assert "石榴园社区" in names
    assert "柯尔山社区" not in names
    assert (
        client.get(
            f"/api/territories/{demo_world.keershan.pk}", **_bearer(shiliuyuan_secretary)
        ).status_code
        == 404
    )


def test_a_secretary_adds_a_grid_to_their_community_but_not_elsewhere(
    client, shiliuyuan_secretary, demo_world
):
    headers = _bearer(shiliuyuan_secretary)
    ok = client.post(
        "/api/territories/",
        json.dumps({"kind": "grid", "name": "第三网格", "parent_id": demo_world.shiliuyuan.pk}),
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 201
    denied = client.post(
        "/api/territories/",
        json.dumps({"kind": "grid", "name": "第三网格", "parent_id": demo_world.keershan.pk}),
        content_type="application/json",
        **headers,
    )
    assert denied.status_code == 403


def test_bad_territories_get_clear_api_errors(client, jiedao_admin, demo_world):
    headers = _bearer(jiedao_admin)
    bad_code = client.post(
        "/api/territories/",
        json.dumps(
            {
                "kind": "community",
                "name": "X社区",
                "parent_id": demo_world.subdistrict.pk,
                "code": "123",
            }
        ),
        content_type="application/json",
        **headers,
    )
    assert bad_code.status_code == 422
    duplicate = client.post(
        "/api/territories/",
        json.dumps(
            {"kind": "community", "name": "石榴园社区", "parent_id": demo_world.subdistrict.pk}
        ),
        content_type="application/json",
        **headers,
    )
    assert duplicate.status_code in (409, 422)
    from qiangji.territories.models import Kind, Territory

    below = Territory.objects.create(kind=Kind.GRID, name="示例网格", parent=demo_world.shiliuyuan)
    cycle = client.patch(
        f"/api/territories/{demo_world.shiliuyuan.pk}",
        json.dumps({"parent_id": below.pk}),
        content_type="application/json",
        **headers,
    )
    assert cycle.status_code == 422


def test_programmes_are_created_and_read_by_the_same_rules(
    client, jiedao_admin, shiliuyuan_secretary, demo_world
):
    payload = {
        "subdistrict_id": demo_world.subdistrict.pk,
        "name": "API工程",
        "starts_on": "2027-01-01",
        "ends_on": "2027-06-30",
        "community_ids": [demo_world.shiliuyuan.pk],
    }
    created = client.post(
        "/api/programmes/",
        json.dumps(payload),
        content_type="application/json",
        **_bearer(jiedao_admin),
    )
    assert created.status_code == 201
    body = created.json()
    assert len(body["phases"]) == 6
    assert body["community_ids"] == [demo_world.shiliuyuan.pk]
    denied = client.post(
        "/api/programmes/",
        json.dumps({**payload, "name": "另一个"}),
        content_type="application/json",
        **_bearer(shiliuyuan_secretary),
    )
    assert denied.status_code == 403
    read = client.get(f"/api/programmes/{body['id']}", **_bearer(shiliuyuan_secretary))
    assert read.status_code == 200
    patch = client.patch(
        f"/api/programmes/{body['id']}",
        json.dumps({"name": "改名"}),
        content_type="application/json",
        **_bearer(shiliuyuan_secretary),
    )
    assert patch.status_code == 403


def test_a_revoked_token_stops_working(client, shiliuyuan_secretary, demo_world):
    headers = _bearer(shiliuyuan_secretary)
    ApiToken.objects.all().delete()
    assert client.get("/api/territories/", **headers).status_code == 401


def test_values_the_database_cannot_store_are_refused_not_crashed(client, jiedao_admin, demo_world):
    headers = _bearer(jiedao_admin)
    assert client.get("/api/territories/99999999999999999999", **headers).status_code == 422
    nul = client.post(
        "/api/territories/",
        json.dumps({"kind": "grid", "name": "a\u0000b", "parent_id": demo_world.keershan.pk}),
        content_type="application/json",
        **headers,
    )
    assert nul.status_code == 422
    huge = client.post(
        "/api/territories/",
        json.dumps(
            {
                "kind": "grid",
                "name": "大网格",
                "parent_id": demo_world.keershan.pk,
                "population": 10**12,
            }
        ),
        content_type="application/json",
        **headers,
    )
    assert huge.status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/api/territories/{n}",
        "/api/programmes/{n}",
        "/api/plans/{n}",
        "/api/plans/{n}/versions/{n}",
        "/api/workshops/activities?programme={n}",
        "/api/workshops/activities/{n}",
        "/api/concerns/{n}",
    ],
)
def test_an_id_beyond_the_databases_range_is_a_422_everywhere(client, jiedao_admin, path):
    response = client.get(path.format(n=10**20), **_bearer(jiedao_admin))
    assert response.status_code == 422


WRITES = {"post", "put", "patch", "delete"}


def test_the_schema_documents_401_for_every_authenticated_endpoint_and_403_422_for_writes(
    client, db
):
    schema = client.get("/api/openapi.json").json()
    operations = [
        (path, method, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    ]
    assert len(operations) > 20
    authenticated = [(p, m, op) for p, m, op in operations if op.get("security")]
    assert authenticated, "no operation declares its authentication"
    missing = [
        (path, method, code)
        for path, method, op in authenticated
        for code in (["401", "403", "422"] if method in WRITES else ["401"])
        if code not in op["responses"]
    ]
    assert missing == []
    for path, method, op in authenticated:
        assert op["responses"]["401"]["content"]["application/json"]["schema"], (path, method)
    assert "detail" in schema["components"]["schemas"]["ApiError"]["properties"]


def test_the_docs_page_is_gone_and_the_token_page_points_to_the_schema(
    client_for, shiliuyuan_secretary
):
    client = client_for(shiliuyuan_secretary)
    assert client.get("/api/docs").status_code == 404
    page = client.get("/accounts/me/tokens/")
    assert page.status_code == 200
    assert "/api/openapi.json" in page.content.decode()
