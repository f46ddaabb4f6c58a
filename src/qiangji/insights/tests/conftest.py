import pytest


@pytest.fixture(autouse=True)
def _fewer_draws(settings):
    """Fewer Monte Carlo draws in tests (the figures are tested on their own in test_index)."""
    settings.INSIGHTS_MONTE_CARLO_DRAWS = 100
