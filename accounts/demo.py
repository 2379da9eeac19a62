"""The development demo that `make run` seeds: a superuser and a demo brand."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from accounts.models import Brand, Role, User
from accounts.selectors import brand_get_by_slug
from accounts.services import brand_create, membership_ensure

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


def demo_connect_sandbox() -> str:
    """Register the webhook with the sandbox, connect the demo brand's account (the sandbox
    app owner, through the single-user path) and subscribe it. Safe to run again."""
    import requests

    from accounts.services import twitter_account_connect, twitter_account_subscribe
    from integrations.twitter import UserCredentials
    from webhooks.services import webhook_ensure_registered

    try:
        requests.get(f"{settings.PUBLIC_URL}/healthz", timeout=2)
    except requests.RequestException as error:
        raise DemoNotReady(str(error)) from error
    webhook_ensure_registered()
    brand = brand_get_by_slug(slug=DEMO_BRAND_SLUG)
    if brand is None:
        return "no demo brand; run `manage.py seed_demo`"
    owner = User.objects.filter(username=DEMO_USERNAME).first()
    credentials = UserCredentials(settings.TWITTER_ACCESS_TOKEN, settings.TWITTER_ACCESS_TOKEN_SECRET)
    account = twitter_account_connect(brand=brand, credentials=credentials, connected_by=owner)
    twitter_account_subscribe(account=account)
    return f"@{account.screen_name} is connected to {brand.name}: {account.get_subscription_state_display().lower()}"
