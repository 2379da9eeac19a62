"""Subscribing a connected account: the task's outcome on the row, and the sweep for lost tasks.
Twitter is stubbed at the client's one seam with ``responses``."""

from __future__ import annotations

from datetime import timedelta

import pytest
import responses
from django.conf import settings
from django.utils import timezone

from accounts.models import TwitterAccount
from accounts.services import twitter_account_subscribe_pending, twitter_accounts_subscription_sweep
from tests.factories import TwitterAccountFactory
from tests.helpers import wait_until

SUBSCRIBE = "/1.1/account_activity/all/prod/subscriptions.json"
pytestmark = pytest.mark.wire_1_1  # the stubs answer v1.1 paths


def twitter(path: str) -> str:
    return f"{settings.TWITTER_API_URL}{path}"


@pytest.fixture
def pending(db):
    return TwitterAccountFactory(
        screen_name="acme_help",
        subscription_state=TwitterAccount.SubscriptionState.PENDING,
        subscription_requested_at=timezone.now(),
    )


@responses.activate
def test_355_already_subscribed_counts_as_success(pending):
    responses.post(
        twitter(SUBSCRIBE), status=409, json={"errors": [{"code": 355, "message": "Subscription already exists."}]}
    )

    account = twitter_account_subscribe_pending(account_id=pending.pk)

    assert account.subscription_state == TwitterAccount.SubscriptionState.SUBSCRIBED
    assert account.subscription_error == ""


@responses.activate
def test_a_refusal_is_recorded_as_failed_with_what_to_do(pending):
    responses.post(
        twitter(SUBSCRIBE),
        status=403,
        json={"errors": [{"code": 214, "message": "Too many resources already created."}]},
    )

    twitter_account_subscribe_pending(account_id=pending.pk)

    pending.refresh_from_db()
    assert pending.subscription_state == TwitterAccount.SubscriptionState.FAILED
    assert "Too many resources already created. (code 214)" in pending.subscription_error
    assert "twitter_subscription list" in pending.subscription_error


@responses.activate
def test_missing_permission_says_to_reconnect(pending):
    responses.post(
        twitter(SUBSCRIBE), status=401, json={"errors": [{"code": 32, "message": "Could not authenticate you."}]}
    )

    twitter_account_subscribe_pending(account_id=pending.pk)

    pending.refresh_from_db()
    assert pending.subscription_state == TwitterAccount.SubscriptionState.FAILED
    assert "Reconnect" in pending.subscription_error


@responses.activate
def test_a_passing_failure_stays_pending_for_the_sweep(pending):
    responses.post(twitter(SUBSCRIBE), status=503, json={"errors": [{"code": 131, "message": "Internal error"}]})

    twitter_account_subscribe_pending(account_id=pending.pk)

    pending.refresh_from_db()
    assert pending.subscription_state == TwitterAccount.SubscriptionState.PENDING
    assert "Internal error" in pending.subscription_error


@responses.activate
@pytest.mark.parametrize("state", [TwitterAccount.State.DISCONNECTED, TwitterAccount.State.NEEDS_REAUTH])
def test_the_task_leaves_an_account_that_is_no_longer_active_alone(pending, state):
    TwitterAccount.objects.filter(pk=pending.pk).update(state=state)
    assert twitter_account_subscribe_pending(account_id=pending.pk) is None
    assert len(responses.calls) == 0


@pytest.mark.worker
@responses.activate
def test_the_sweep_rings_again_for_a_subscription_whose_task_was_lost(celery_worker):
    responses.add_passthru("http://localhost")
    responses.post(twitter(SUBSCRIBE), status=204)
    lost = TwitterAccountFactory(
        subscription_state=TwitterAccount.SubscriptionState.PENDING,
        subscription_requested_at=timezone.now() - timedelta(minutes=5),
    )
    fresh = TwitterAccountFactory(
        subscription_state=TwitterAccount.SubscriptionState.PENDING, subscription_requested_at=timezone.now()
    )

    assert twitter_accounts_subscription_sweep() == 1

    wait_until(lambda: TwitterAccount.objects.get(pk=lost.pk).subscription_state == "subscribed", what="the task")
    assert TwitterAccount.objects.get(pk=fresh.pk).subscription_state == "pending"  # its own task may still come
