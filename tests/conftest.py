from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from celery.contrib.testing.worker import start_worker
from celery.worker import state as worker_state
from django.db import connections
from django.db.backends.signals import connection_created

from accounts.models import Role, TwitterAccount
from config.celery import app as celery_app
from config.queue import reset_publish_pools
from engagement.models import Contact, Conversation
from sandbox.models import SandboxUser
from tests.factories import (
    BrandFactory,
    ContactFactory,
    ConversationFactory,
    MembershipFactory,
    TwitterAccountFactory,
    UserFactory,
)
from tests.helpers import wait_until
from webhooks.tasks import events_doorbell

USING_REDIS = bool(os.environ.get("REDIS_URL"))

# The fault drills start real processes and break their connections on purpose: they run
# with `make drills` (which sets ROOST_DRILLS=1), never as part of the normal suite.
collect_ignore = [] if os.environ.get("ROOST_DRILLS") == "1" else ["drills"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--wire",
        choices=("1.1", "2"),
        default=None,
        help="the Twitter wire to test on (default: TWITTER_API_VERSION, else 1.1)",
    )


def pytest_configure(config: pytest.Config) -> None:
    # The wire: `--wire 2` or TWITTER_API_VERSION=2 (read by the settings) runs the same tests
    # against the X API v2 client and the sandbox's v2 endpoints.
    wire = config.getoption("--wire")
    if wire:
        from django.conf import settings

        os.environ["TWITTER_API_VERSION"] = wire  # for subprocesses (commands, settings checks)
        settings.TWITTER_API_VERSION = wire
    # Without Redis, tests use Celery's in-memory transport: a worker thread in this process
    # consumes it for real, and nothing piles up in var/ between runs.
    if not USING_REDIS:
        celery_app.conf.broker_url = "memory://"
        celery_app.conf.broker_transport_options = {"polling_interval": 0.01}
        reset_publish_pools()


@pytest.fixture(autouse=True)
def _wire(request: pytest.FixtureRequest) -> None:
    """``@pytest.mark.needs_wire("welcome_messages")``: skipped on a wire without that
    capability. ``@pytest.mark.wire_1_1``: the test stubs v1.1 paths with ``responses``, so it
    runs on v1.1 whatever wire the run is for. Every test starts with no remembered v2 webhook."""
    from integrations.twitter import wire_capabilities
    from integrations.twitter.v2.account_activity import AccountActivityV2Mixin

    AccountActivityV2Mixin._webhook_ids.clear()
    if request.node.get_closest_marker("wire_1_1"):
        request.getfixturevalue("settings").TWITTER_API_VERSION = "1.1"
        return
    for marker in request.node.iter_markers("needs_wire"):
        capabilities = wire_capabilities()
        missing = [name for name in marker.args if not getattr(capabilities, name)]
        if missing:
            pytest.skip(f"{capabilities.label} has no {', '.join(missing)}")


@pytest.fixture
def brand_a():
    return BrandFactory(name="Acme", slug="acme")


@pytest.fixture
def brand_b():
    return BrandFactory(name="Bolt", slug="bolt")


@pytest.fixture
def alice(brand_a):
    """Owner of brand A."""
    user = UserFactory(username="alice", email="alice@acme.example")
    MembershipFactory(brand=brand_a, user=user, role=Role.OWNER)
    return user


@pytest.fixture
def bob(brand_a):
    """Agent of brand A."""
    user = UserFactory(username="bob", email="bob@acme.example")
    MembershipFactory(brand=brand_a, user=user, role=Role.AGENT)
    return user


@pytest.fixture
def dana(brand_a):
    """Admin of brand A."""
    user = UserFactory(username="dana", email="dana@acme.example")
    MembershipFactory(brand=brand_a, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def charlie(brand_b):
    """Owner of brand B: the outsider in every ownership test."""
    user = UserFactory(username="charlie", email="charlie@bolt.example")
    MembershipFactory(brand=brand_b, user=user, role=Role.OWNER)
    return user


@pytest.fixture(scope="session", autouse=True)
def _close_left_database_connections(django_db_setup) -> Iterator[None]:
    """Connections the tests no longer hold are closed before the test database is dropped:
    the Celery worker's, live servers' and the intake writer's threads keep theirs, as in
    production (CONN_MAX_AGE), and cannot close them once they are gone, and a fixture's
    connection can be left behind by one that replaced it."""
    opened = []

    def note(sender: object, connection: object, **kwargs: object) -> None:
        opened.append(connection.connection)  # the driver's connection: a wrapper may replace it

    connection_created.connect(note, weak=False)
    yield
    connection_created.disconnect(note)
    still_used = connections["default"].connection  # the tests' own, which Django's teardown closes
    for raw in opened:
        if raw is not still_used:
            raw.close()  # closing a closed connection is harmless


@pytest.fixture(scope="session")
def _celery_worker_thread(django_db_setup) -> Iterator[object]:
    """One real worker thread for the whole session: starting and stopping one costs seconds."""
    celery_app.control.purge()
    with start_worker(
        celery_app,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=30,
        queues=["celery", "send", "sandbox"],
    ) as worker:
        yield worker


@pytest.fixture
def celery_worker(_celery_worker_thread, transactional_db) -> Iterator[object]:
    """A real Celery worker (in a thread) consuming the configured broker: Redis or memory."""
    celery_app.control.purge()  # tasks left by earlier tests must not run against this one's data
    events_doorbell.answer()  # the purge took the message its mark stood for
    yield _celery_worker_thread
    # Let whatever this test started finish before the database is flushed under it.
    wait_until(lambda: not worker_state.active_requests, timeout=30, what="the worker to finish its tasks")
    celery_app.control.purge()
    events_doorbell.answer()


@pytest.fixture
def sandbox(live_server, settings):
    """Roost and the sandbox on the live server, over real HTTP (short delays for tests)."""
    from sandbox.services import sandbox_bootstrap

    settings.PUBLIC_URL = live_server.url
    settings.TWITTER_API_URL = f"{live_server.url}/sandbox/api"
    settings.TWITTER_UPLOAD_URL = f"{live_server.url}/sandbox/upload"
    settings.SANDBOX_MEDIA_PROCESSING_SECONDS = 0.1
    settings.SANDBOX_DELIVERY_RETRY_DELAYS = (0.05, 0.05, 0.05)
    sandbox_bootstrap()
    return live_server


@pytest.fixture
def webhook(sandbox):
    """The app's webhook, registered with the sandbox (which runs a real CRC against Roost)."""
    from webhooks.services import webhook_ensure_registered

    registration, _ = webhook_ensure_registered()
    return registration


@pytest.fixture
def fresh_cache(settings):
    """Throttles and allauth's rate limits live in the cache: a private in-memory one per test,
    so nothing carries over and a broker sharing Redis is never flushed."""
    import uuid

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"test-{uuid.uuid4()}"}
    }


@dataclass
class Wired:
    """A brand's account connected to a sandbox user, and a customer with a conversation."""

    account: TwitterAccount
    twitter_account: SandboxUser
    customer: SandboxUser
    contact: Contact
    conversation: Conversation


@pytest.fixture
def wired(sandbox, brand_a) -> Wired:
    from sandbox.services import sandbox_token_issue, sandbox_user_create

    twitter_account = sandbox_user_create(screen_name="acme_help", name="Acme Help")
    token, secret = sandbox_token_issue(user=twitter_account)
    account = TwitterAccountFactory(
        brand=brand_a,
        twitter_user_id=str(twitter_account.id),
        screen_name="acme_help",
        access_token=token,
        access_token_secret=secret,
    )
    customer = sandbox_user_create(screen_name="jordan", name="Jordan Brinks")
    contact = ContactFactory(brand=brand_a, twitter_user_id=str(customer.id), screen_name="jordan")
    conversation = ConversationFactory(account=account, contact=contact)
    return Wired(account, twitter_account, customer, contact, conversation)
