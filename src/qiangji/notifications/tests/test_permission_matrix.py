from qiangji.core.testing import LOGGED_IN, Route, check_matrix

ROUTES = [
    Route("notifications:index", LOGGED_IN),
    Route("notifications:open", set(), kwargs=lambda w: {"pk": 999999}, method="post"),
    Route("notifications:mark_all_read", LOGGED_IN, method="post"),
    Route("notifications:preferences", LOGGED_IN),
    # Outbound channels: for subdistrict admins (and the superuser) only.
    Route("notifications:channels", {"admin", "jiedao"}),
    Route(
        "notifications:channel_add",
        {"admin", "jiedao"},
        method="post",
        data=lambda w: {
            "territory": w.shiliuyuan.pk,
            "kind": "sms",
            "name": "短信",
            "kinds": ["mention"],
        },
    ),
    Route("notifications:channel_delete", set(), kwargs=lambda w: {"pk": 999999}, method="post"),
    Route("notifications:channel_test", set(), kwargs=lambda w: {"pk": 999999}, method="post"),
    Route("notifications:delivery_retry", set(), kwargs=lambda w: {"pk": 999999}, method="post"),
]


def test_notifications_permission_matrix(demo_world):
    assert check_matrix(demo_world, ROUTES) == []
