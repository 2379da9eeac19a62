from __future__ import annotations

import pytest

from sandbox.services import sandbox_token_issue, sandbox_user_create
from tests.accounts.support import TwitterBrowser


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_cache):
    """allauth keeps its rate-limit counters in the cache; each test starts from zero."""


@pytest.fixture
def browser(sandbox) -> TwitterBrowser:
    return TwitterBrowser(sandbox.url)


@pytest.fixture
def acme_twitter(db):
    """The brand's Twitter account, as Twitter (the sandbox) knows it."""
    return sandbox_user_create(screen_name="acme_help", name="Acme Help")


@pytest.fixture
def acme_token(acme_twitter) -> tuple[str, str]:
    return sandbox_token_issue(user=acme_twitter)
