from qiangji.core.testing import LOGGED_IN, Route, check_matrix

ROUTES = [
    Route("notifications:index", LOGGED_IN),
    Route("notifications:open", set(), kwargs=lambda w: {"pk": 999999}, method="post"),
    Route("notifications:mark_all_read", LOGGED_IN, method="post"),
    Route("notifications:preferences", LOGGED_IN),
]


def test_notifications_permission_matrix(demo_world):
    assert check_matrix(demo_world, ROUTES) == []
