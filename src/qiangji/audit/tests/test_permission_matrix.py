from qiangji.core.testing import Route, check_matrix

ROUTES = [Route("audit:index", {"admin", "jiedao"})]


def test_audit_permission_matrix(demo_world):
    assert check_matrix(demo_world, ROUTES) == []
