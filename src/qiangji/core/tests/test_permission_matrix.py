from qiangji.core.testing import EVERYONE, LOGGED_IN, Route, check_matrix

ROUTES = [
    Route("core:home", EVERYONE),
    Route("core:search", LOGGED_IN, query="?q=%E7%9F%B3%E6%A6%B4%E5%9B%AD"),
]


def test_core_permission_matrix(demo_world):
    assert check_matrix(demo_world, ROUTES) == []
