from qiangji.core.testing import EVERYONE, Route, check_matrix

ROUTES = [Route("core:home", EVERYONE)]


def test_core_permission_matrix(demo_world):
    assert check_matrix(demo_world, ROUTES) == []
