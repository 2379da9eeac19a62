"""Settings → Twitter accounts, its actions by role: disconnecting and retrying a subscription.
Twitter is stubbed at the client's one seam with ``responses``."""

from __future__ import annotations

import pytest
import responses
from django.conf import settings

from accounts.models import AuditEvent, TwitterAccount
from tests.factories import TwitterAccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.wire_1_1]  # the stubs answer v1.1 paths

UNSUBSCRIBE = "/1.1/account_activity/all/prod/subscriptions/4000000099.json"


def twitter(path: str) -> str:
    return f"{settings.TWITTER_API_URL}{path}"


def disconnect_url(account: TwitterAccount) -> str:
    return f"/settings/accounts/{account.public_id}/disconnect"


def subscribe_url(account: TwitterAccount) -> str:
    return f"/settings/accounts/{account.public_id}/subscribe"


def as_stored(account: TwitterAccount) -> dict:
    return TwitterAccount.objects.filter(pk=account.pk).values().get()


@pytest.fixture
def account(brand_a) -> TwitterAccount:
    return TwitterAccountFactory(brand=brand_a, screen_name="acme_help", twitter_user_id="4000000099")


# --- agents -------------------------------------------------------------------------------------
@responses.activate
def test_an_agent_cannot_disconnect_an_account(client, bob, account):
    before = as_stored(account)
    client.force_login(bob)

    response = client.post(disconnect_url(account))

    assert response.status_code == 403
    assert "Only owners and admins of Acme can do this." in response.text
    assert as_stored(account) == before
    assert not responses.calls  # Twitter was not asked to remove the subscription


def test_an_agent_is_not_even_shown_the_disconnect_page(client, bob, account):
    client.force_login(bob)
    assert client.get(disconnect_url(account)).status_code == 403


def test_an_agent_cannot_retry_a_subscription(client, bob, failed, django_capture_on_commit_callbacks):
    before = as_stored(failed)
    client.force_login(bob)

    with django_capture_on_commit_callbacks() as enqueued:
        response = client.post(subscribe_url(failed))

    assert response.status_code == 403
    assert as_stored(failed) == before
    assert not enqueued


# --- owners and admins --------------------------------------------------------------------------
@responses.activate
def test_an_admin_disconnects_an_account(client, dana, account):
    removed = responses.delete(twitter(UNSUBSCRIBE), status=204)
    client.force_login(dana)

    response = client.post(disconnect_url(account), follow=True)

    assert "@acme_help is disconnected" in response.text
    assert removed.call_count == 1
    account.refresh_from_db()
    assert account.state == TwitterAccount.State.DISCONNECTED
    assert not account.has_tokens
    assert AuditEvent.objects.get(action="account.disconnected").actor == dana


@pytest.mark.parametrize("person", ["alice", "dana"])
def test_an_owner_or_admin_retries_a_failed_subscription(
    client, request, person, failed, django_capture_on_commit_callbacks
):
    client.force_login(request.getfixturevalue(person))

    with django_capture_on_commit_callbacks() as enqueued:
        response = client.post(subscribe_url(failed), follow=True)

    assert "Subscribing @acme_help to the webhook again." in response.text
    failed.refresh_from_db()
    assert failed.subscription_state == TwitterAccount.SubscriptionState.PENDING
    assert failed.subscription_error == ""
    assert failed.subscription_requested_at is not None
    assert len(enqueued) == 1  # the subscribe task, rung once the change commits


def test_an_account_waiting_for_reauthorisation_is_not_subscribed_again(client, dana, failed):
    TwitterAccount.objects.filter(pk=failed.pk).update(state=TwitterAccount.State.NEEDS_REAUTH)
    client.force_login(dana)

    response = client.post(subscribe_url(failed), follow=True)

    assert "@acme_help must be reconnected before it can be subscribed." in response.text
    assert as_stored(failed)["subscription_state"] == TwitterAccount.SubscriptionState.FAILED


# --- when Twitter cannot remove the subscription ------------------------------------------------
@responses.activate
def test_a_disconnect_twitter_cannot_complete_changes_nothing_and_says_so(client, alice, account):
    responses.delete(twitter(UNSUBSCRIBE), status=503, json={"errors": [{"code": 131, "message": "Internal error"}]})
    before = as_stored(account)
    client.force_login(alice)

    response = client.post(disconnect_url(account), follow=True)

    assert "Could not remove @acme_help&#x27;s webhook subscription" in response.text
    assert "Nothing was changed; try again." in response.text
    assert as_stored(account) == before
    assert not AuditEvent.objects.filter(action="account.disconnected").exists()


@responses.activate
def test_an_account_twitter_already_unsubscribed_disconnects_anyway(client, alice, account):
    responses.delete(
        twitter(UNSUBSCRIBE), status=404, json={"errors": [{"code": 34, "message": "Sorry, that page does not exist."}]}
    )
    client.force_login(alice)

    client.post(disconnect_url(account))

    account.refresh_from_db()
    assert account.state == TwitterAccount.State.DISCONNECTED
