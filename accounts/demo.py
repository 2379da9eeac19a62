"""The development demo that `make run` seeds: a superuser and a demo brand."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from accounts.models import Brand, Role, User
from accounts.selectors import brand_get_by_slug
from accounts.services import brand_create, membership_ensure

logger = logging.getLogger(__name__)

DEMO_EMAIL = "admin@example.com"
DEMO_USERNAME = "admin"
DEMO_BRAND_NAME = "Demo Brand"
DEMO_BRAND_SLUG = "demo"


@dataclass(frozen=True)
class DemoSeed:
    email: str
    password: str
    brand: Brand


def _credentials_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-credentials.txt"


def demo_seed(*, new_password: str) -> DemoSeed:
    """Idempotent: the superuser keeps the password first printed (kept in var/, mode 600),
    so running `make run` again prints credentials that still work."""
    credentials = _credentials_file()
    user = User.objects.filter(username=DEMO_USERNAME).first()
    password = credentials.read_text().strip() if credentials.exists() else ""
    if user is None or not password or not user.check_password(password):
        password = new_password
        if user is None:
            user = User.objects.create_superuser(username=DEMO_USERNAME, email=DEMO_EMAIL, password=password)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.write_text(password + "\n")
        os.chmod(credentials, 0o600)
    brand = brand_get_by_slug(slug=DEMO_BRAND_SLUG) or brand_create(name=DEMO_BRAND_NAME, slug=DEMO_BRAND_SLUG)
    membership_ensure(brand=brand, user=user, role=Role.OWNER)
    # A menu bot (type "help" in a DM to the demo account), editable in the admin.
    from engagement.services.bots import bot_rules_install_menu

    bot_rules_install_menu(brand=brand)
    return DemoSeed(email=user.email, password=password, brand=brand)


class DemoNotReady(Exception):
    """The web server is not answering yet (the worker can start before it)."""


class DemoConnectFailed(Exception):
    """A step of connecting the demo failed; ``by_hand`` is what an operator runs instead."""

    def __init__(self, reason: str, *, by_hand: str) -> None:
        super().__init__(reason)
        self.by_hand = by_hand


# `make run` starts the worker beside runserver: wait for the server 2 s at a time (3 min in
# all). A failed step (a CRC that was slow while the server warmed up: 214) is tried again
# after these pauses, then given up with what to run by hand.
DEMO_SERVER_WAIT_SECONDS = 2
DEMO_SERVER_WAITS = 90
DEMO_RETRY_BACKOFF_SECONDS = (2, 5, 10, 20)
AGAIN_BY_HAND = "`manage.py seed_demo` (it connects the demo account again once the server answers)"


@dataclass(frozen=True)
class DemoRetry:
    """Try connecting again after ``countdown`` seconds, with the counts so far."""

    countdown: float
    waits: int
    failures: int


def demo_connect_attempt(*, waits: int = 0, failures: int = 0) -> DemoRetry | None:
    """One run of the ``demo_connect`` task: None when done or given up (logged), else when
    to try again. Only the development demo retries like this; it is a one-off startup task."""
    try:
        outcome = demo_connect_sandbox()
    except DemoNotReady as error:
        if waits >= DEMO_SERVER_WAITS:
            logger.error(
                "demo: gave up: Roost did not answer at %s/healthz for %d s (%s). Once it does, run %s.",
                settings.PUBLIC_URL,
                DEMO_SERVER_WAITS * DEMO_SERVER_WAIT_SECONDS,
                error,
                AGAIN_BY_HAND,
            )
            return None
        return DemoRetry(countdown=DEMO_SERVER_WAIT_SECONDS, waits=waits + 1, failures=failures)
    except DemoConnectFailed as error:
        if failures >= len(DEMO_RETRY_BACKOFF_SECONDS):
            logger.error(
                "demo: gave up connecting the sandbox demo account after %d attempts: %s Connect it by hand: %s.",
                failures + 1,
                error,
                error.by_hand,
            )
            return None
        countdown = DEMO_RETRY_BACKOFF_SECONDS[failures]
        logger.warning("demo: %s Trying again in %d s.", error, countdown)
        return DemoRetry(countdown=countdown, waits=waits, failures=failures + 1)
    logger.info("demo: %s; play a customer at /sandbox/", outcome)
    return None


def demo_connect_sandbox() -> str:
    """Register the webhook with the sandbox, connect the demo brand's account (the sandbox
    app owner, through the single-user path) and subscribe it. Safe to run again."""
    import requests

    from accounts.models import TwitterAccount
    from accounts.services import AccountConnectError, twitter_account_connect, twitter_account_subscribe
    from integrations.twitter import TwitterError, UserCredentials
    from integrations.twitter.explain import Operation, explain
    from webhooks.services import WebhookSetupError, webhook_ensure_registered

    try:
        requests.get(f"{settings.PUBLIC_URL}/healthz", timeout=2)
    except requests.RequestException as error:
        raise DemoNotReady(str(error)) from error
    try:
        webhook_ensure_registered()
    except (TwitterError, WebhookSetupError) as error:
        why = explain(error, operation=Operation.WEBHOOK_REGISTER) if isinstance(error, TwitterError) else str(error)
        raise DemoConnectFailed(
            f"registering the webhook failed: {why}",
            by_hand=f"`manage.py twitter_webhook register`, then {AGAIN_BY_HAND}",
        ) from error
    brand = brand_get_by_slug(slug=DEMO_BRAND_SLUG)
    if brand is None:
        return "no demo brand; run `manage.py seed_demo`"
    owner = User.objects.filter(username=DEMO_USERNAME).first()
    credentials = UserCredentials(settings.TWITTER_ACCESS_TOKEN, settings.TWITTER_ACCESS_TOKEN_SECRET)
    try:
        account = twitter_account_connect(brand=brand, credentials=credentials, connected_by=owner)
    except AccountConnectError as error:
        raise DemoConnectFailed(f"connecting the demo account failed: {error}", by_hand=AGAIN_BY_HAND) from error
    twitter_account_subscribe(account=account)
    if account.subscription_state != TwitterAccount.SubscriptionState.SUBSCRIBED:
        raise DemoConnectFailed(
            f"subscribing @{account.screen_name} failed: {account.subscription_error}",
            by_hand=f"`manage.py twitter_subscription add --account {account.screen_name} --brand {brand.slug}`",
        )
    return f"@{account.screen_name} is connected to {brand.name}: {account.get_subscription_state_display().lower()}"
