"""`twitter_webhook` and `twitter_subscription` by hand, against the sandbox over real HTTP."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import TwitterAccount
from sandbox.models import SandboxSubscription, SandboxWebhook
from sandbox.services import sandbox_token_issue, sandbox_user_create
from tests.factories import TwitterAccountFactory
from tests.sandbox.support import Receiver
from webhooks.models import WebhookRegistration

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox(live_server, settings):
    settings.PUBLIC_URL = live_server.url
    settings.TWITTER_API_URL = f"{live_server.url}/sandbox/api"
    settings.TWITTER_UPLOAD_URL = f"{live_server.url}/sandbox/upload"
    return live_server


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_register_list_crc_and_delete_the_webhook(sandbox):
    assert "registered" in run("twitter_webhook", "register")
    registration = WebhookRegistration.objects.get()
    assert registration.url == f"{sandbox.url}/webhooks/twitter/"
    assert registration.valid and registration.last_crc_ok_at
    assert "already registered" in run("twitter_webhook", "register")
    assert f"{registration.webhook_id}  valid  {registration.url}" in run("twitter_webhook", "list")
    assert "CRC passed" in run("twitter_webhook", "crc")
    assert "deleted" in run("twitter_webhook", "delete")
    assert not SandboxWebhook.objects.exists()
    assert "No webhook is registered" in run("twitter_webhook", "list")


def test_a_wrong_crc_answer_is_explained(sandbox):
    receiver = Receiver(crc_mode="wrong").start()
    try:
        with pytest.raises(CommandError, match="check that TWITTER_CONSUMER_SECRET is this app's API secret"):
            run("twitter_webhook", "register", "--url", receiver.url)
    finally:
        receiver.stop()
    assert not SandboxWebhook.objects.exists()


def test_a_slow_crc_answer_is_explained(sandbox, settings):
    settings.SANDBOX_CRC_TIMEOUT_SECONDS = 0.3
    receiver = Receiver(crc_mode="slow").start()
    try:
        with pytest.raises(CommandError, match="longer than 3 seconds"):
            run("twitter_webhook", "register", "--url", receiver.url)
    finally:
        receiver.stop()


def test_crc_without_a_webhook_says_so(sandbox):
    with pytest.raises(CommandError, match="no webhook is registered at"):
        run("twitter_webhook", "crc")


def test_subscriptions_by_hand_for_the_owner_and_a_connected_account(sandbox):
    run("twitter_webhook", "register")
    assert "The app owner's account subscribed" in run("twitter_subscription", "add")
    assert "already subscribed (that is fine)" in run("twitter_subscription", "add")
    assert "is subscribed" in run("twitter_subscription", "check")

    acme = sandbox_user_create(screen_name="acme_help")
    token, secret = sandbox_token_issue(user=acme)
    account = TwitterAccountFactory(
        twitter_user_id=str(acme.id),
        screen_name="acme_help",
        access_token=token,
        access_token_secret=secret,
        subscription_state="not_subscribed",
    )
    assert "@acme_help" in run("twitter_subscription", "add", "--account", "acme_help")
    account.refresh_from_db()
    assert account.subscription_state == TwitterAccount.SubscriptionState.SUBSCRIBED
    listing = run("twitter_subscription", "list")
    assert f"{acme.id}  @acme_help (brand {account.brand.slug})" in listing
    assert "not connected to any brand" in listing  # the owner's own account
    assert "2 of 15 subscriptions used, 13 left." in run("twitter_subscription", "count")
    assert "no longer subscribed" in run("twitter_subscription", "remove", "--account", "acme_help")
    account.refresh_from_db()
    assert account.subscription_state == TwitterAccount.SubscriptionState.NOT_SUBSCRIBED
    assert SandboxSubscription.objects.count() == 1


def test_a_full_subscription_allowance_is_refused_before_asking(sandbox, settings):
    settings.SANDBOX_SUBSCRIPTION_LIMIT = 1
    run("twitter_webhook", "register")
    other = sandbox_user_create(screen_name="other_brand")
    SandboxSubscription.objects.create(webhook=SandboxWebhook.objects.get(), user=other)
    with pytest.raises(CommandError) as refused:
        run("twitter_subscription", "add")
    said = str(refused.value)
    assert "subscription limit is reached: all 1 of its subscriptions are in use" in said
    assert "manage.py twitter_subscription remove" in said
    assert "twitter_webhook" not in said  # deleting the webhook would drop every subscription
    assert list(SandboxSubscription.objects.values_list("user", flat=True)) == [other.pk]


def test_a_full_allowance_still_lets_an_account_that_is_subscribed_be_added_again(sandbox, settings):
    settings.SANDBOX_SUBSCRIPTION_LIMIT = 1
    run("twitter_webhook", "register")
    run("twitter_subscription", "add")
    assert "already subscribed (that is fine)" in run("twitter_subscription", "add")


def test_twitters_subscription_limit_refusal_is_explained_as_the_subscription_limit(sandbox, settings):
    settings.SANDBOX_SUBSCRIPTION_LIMIT = 0  # count reports nothing provisioned: only Twitter's 214 tells
    run("twitter_webhook", "register")
    with pytest.raises(CommandError) as refused:
        run("twitter_subscription", "add")
    said = str(refused.value)
    assert "Too many resources already created" in said
    assert "the app's subscription limit is reached" in said
    assert "manage.py twitter_subscription remove" in said
    assert "twitter_webhook" not in said


def test_registering_a_second_webhook_explains_the_webhook_limit(sandbox):
    receiver = Receiver().start()
    try:
        run("twitter_webhook", "register", "--url", receiver.url)
    finally:
        receiver.stop()
    with pytest.raises(CommandError) as refused:
        run("twitter_webhook", "register")
    said = str(refused.value)
    assert "as many webhooks as its plan allows" in said
    assert "drops every subscription" in said


def test_removing_an_account_that_is_not_subscribed_says_so_and_records_it(sandbox, brand_a):
    run("twitter_webhook", "register")
    account = TwitterAccountFactory(
        brand=brand_a, twitter_user_id="1234567", subscription_state=TwitterAccount.SubscriptionState.SUBSCRIBED
    )
    said = run("twitter_subscription", "remove", "1234567")
    assert "1234567 was not subscribed to the app's webhook, so there was nothing to remove" in said
    assert "no such webhook" not in said
    account.refresh_from_db()
    assert account.subscription_state == TwitterAccount.SubscriptionState.NOT_SUBSCRIBED  # Roost's record agrees


def test_subscribing_the_owner_without_a_webhook_says_to_register_it_first(sandbox):
    with pytest.raises(CommandError, match="register the webhook first: manage.py twitter_webhook register"):
        run("twitter_subscription", "add")


def test_an_unknown_account_is_a_clear_error(sandbox):
    with pytest.raises(CommandError, match="no connected account @nobody"):
        run("twitter_subscription", "add", "--account", "@nobody")
    with pytest.raises(CommandError, match="give the Twitter user id to remove"):
        run("twitter_subscription", "remove")
