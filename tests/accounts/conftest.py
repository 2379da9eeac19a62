from __future__ import annotations

import pytest

from accounts.models import TwitterAccount
from sandbox.services import sandbox_token_issue, sandbox_user_create
from tests.accounts.support import TwitterBrowser
from tests.factories import TwitterAccountFactory

SUBSCRIPTION_REFUSED = (
    "Twitter refused: no such webhook (code 34). An operator runs `manage.py twitter_webhook register`."
)


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


@pytest.fixture
def failed(brand_a) -> TwitterAccount:
    """Brand A's account whose webhook subscription Twitter refused."""
    return TwitterAccountFactory(
        brand=brand_a,
        screen_name="acme_help",
        subscription_state=TwitterAccount.SubscriptionState.FAILED,
        subscription_error=SUBSCRIPTION_REFUSED,
    )


@pytest.fixture
def waiting_for_reauth(brand_a, acme_twitter) -> TwitterAccount:
    """Brand A's account as Twitter's acme_help, its token no longer accepted and wiped."""
    return TwitterAccountFactory(
        brand=brand_a,
        twitter_user_id=str(acme_twitter.id),
        screen_name="acme_help",
        state=TwitterAccount.State.NEEDS_REAUTH,
        access_token="",
        access_token_secret="",
    )
