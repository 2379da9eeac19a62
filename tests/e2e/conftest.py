import pytest


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_cache):
    """Throttles live in the cache; each test starts from zero."""
