from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

from sandbox.models import SandboxSubscription, SandboxWebhook
from sandbox.services import sandbox_bootstrap, sandbox_token_issue, sandbox_user_create
from tests.sandbox.support import Receiver, Twitter


@pytest.fixture
def twitter(live_server, settings) -> Twitter:
    """The sandbox over real HTTP, at the live server's address."""
    settings.TWITTER_API_URL = f"{live_server.url}/sandbox/api"
    settings.TWITTER_UPLOAD_URL = f"{live_server.url}/sandbox/upload"
    return Twitter(live_server.url)


@pytest.fixture
def owner(db):
    return sandbox_bootstrap()


@pytest.fixture
def owner_auth(owner) -> tuple[str, str]:
    return settings.TWITTER_ACCESS_TOKEN, settings.TWITTER_ACCESS_TOKEN_SECRET


@pytest.fixture
def brand(db):
    return sandbox_user_create(screen_name="acme", name="Acme Support")


@pytest.fixture
def brand_auth(brand) -> tuple[str, str]:
    return sandbox_token_issue(user=brand)


@pytest.fixture
def customer(db):
    return sandbox_user_create(screen_name="jordan", name="Jordan Brinks")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def fast_retries(settings):
    settings.SANDBOX_DELIVERY_RETRY_DELAYS = (0.05, 0.05, 0.05)
    settings.SANDBOX_DELIVERY_TIMEOUT_SECONDS = 2


def subscribe(user, url: str = "http://127.0.0.1:9/unused") -> SandboxSubscription:
    """Subscribe ``user`` directly (tests of events that do not exercise registration)."""
    webhook, _ = SandboxWebhook.objects.get_or_create(env_name=settings.TWITTER_ENV_NAME, defaults={"url": url})
    return SandboxSubscription.objects.get_or_create(webhook=webhook, user=user)[0]
