from qiangji.core.testing import EVERYONE, LOGGED_IN, Route, check_matrix

ADMINS = {"admin", "jiedao"}


def _grant_pk(world):
    return world.users["shiliuyuan"].grants.first().pk


ROUTES = [
    Route("accounts:login", EVERYONE),
    Route("accounts:logout", EVERYONE, method="post"),
    Route("accounts:profile", LOGGED_IN),
    Route("accounts:tokens", LOGGED_IN),
    Route("accounts:revoke_token", set(), kwargs=lambda w: {"pk": 999999}, method="post"),
    Route("accounts:people", ADMINS),
    Route("accounts:person_create", ADMINS),
    Route("accounts:person", ADMINS, kwargs=lambda w: {"pk": w.users["shiliuyuan"].pk}),
    Route(
        "accounts:unlock", ADMINS, kwargs=lambda w: {"pk": w.users["shiliuyuan"].pk}, method="post"
    ),
    Route(
        "accounts:revoke_grant",
        ADMINS,
        kwargs=lambda w: {"pk": w.users["shiliuyuan"].pk, "grant_pk": _grant_pk(w)},
        method="post",
    ),
]


def test_accounts_permission_matrix(demo_world):
    assert check_matrix(demo_world, ROUTES) == []
