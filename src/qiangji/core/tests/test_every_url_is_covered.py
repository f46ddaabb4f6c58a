from qiangji.core.testing import all_url_names, declared_routes


def test_every_url_of_the_project_is_in_a_permission_matrix():
    declared = {route.name for route in declared_routes()}
    # Health checks and the language switch are public by design and tested on their own.
    exempt = {"healthz", "readyz", "set_language"}
    missing = sorted(all_url_names() - declared - exempt)
    assert not missing, f"URLs missing from every app's tests/test_permission_matrix.py: {missing}"
