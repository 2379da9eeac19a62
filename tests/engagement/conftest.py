"""Engagement fixtures: a brand account wired to the sandbox over real HTTP (live_server), a
customer with a conversation, and private files kept in a temporary folder."""

from __future__ import annotations

import pytest

from accounts.models import TwitterAccount
from sandbox.models import SandboxUser
from sandbox.services import sandbox_token_issue, sandbox_user_create
from tests.factories import TwitterAccountFactory


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_cache):
    """Throttles live in the cache; each test starts from zero."""


def subscribe(account: TwitterAccount) -> None:
    from accounts.services import twitter_account_subscribe

    twitter_account_subscribe(account=account)
    assert account.subscription_state == TwitterAccount.SubscriptionState.SUBSCRIBED


@pytest.fixture
def private_files(settings, tmp_path):
    """Uploaded images land in a temporary folder, not var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    return tmp_path / "private"


@pytest.fixture
def twitter(sandbox, private_files):
    """Roost's Twitter is the sandbox, served by the live server; uploads kept apart."""
    return sandbox


@pytest.fixture
def acme_on_twitter(twitter) -> SandboxUser:
    """The brand's own Twitter account, as Twitter knows it."""
    return sandbox_user_create(screen_name="acme_help", name="Acme Help")


@pytest.fixture
def account(brand_a, acme_on_twitter) -> TwitterAccount:
    """@acme_help connected to brand A with a token the sandbox accepts."""
    token, secret = sandbox_token_issue(user=acme_on_twitter)
    return TwitterAccountFactory(
        brand=brand_a,
        twitter_user_id=str(acme_on_twitter.id),
        screen_name="acme_help",
        access_token=token,
        access_token_secret=secret,
    )


@pytest.fixture
def fast_retries(monkeypatch):
    """Retries of passing failures a few milliseconds apart instead of seconds."""
    monkeypatch.setattr("engagement.tasks.sync.RETRY_DELAYS", (0.05, 0.05, 0.05))
