"""Refusals explained for what the operator was doing: the same answer from Twitter can need a
different fix on webhook registration, on subscribing and on unsubscribing (twitter-api.md §3)."""

from __future__ import annotations

import pytest

from accounts.services.subscriptions import subscription_failure_reason
from integrations.twitter import NotFound, NotPermitted, WebhookNotRegistered
from integrations.twitter.explain import Operation, explain

# The same refusal on each wire: v1.1 carries code 214, v2 only the detail (§11.1).
TOO_MANY = [
    NotPermitted("Too many resources already created.", code=214, status=403),
    NotPermitted("Too many resources already created.", status=403),
]


@pytest.mark.parametrize("error", TOO_MANY)
def test_a_full_allowance_on_subscribing_is_the_subscription_limit(error):
    said = explain(error, operation=Operation.SUBSCRIPTION_ADD)
    assert "the app's subscription limit is reached" in said
    assert "manage.py twitter_subscription remove" in said
    assert "disconnecting an account in Roost" in said
    assert "upgrade the app's plan" in said
    assert "twitter_webhook" not in said  # deleting the webhook would drop every subscription


@pytest.mark.parametrize("error", TOO_MANY)
def test_a_full_allowance_on_registering_is_the_webhook_limit(error):
    said = explain(error, operation=Operation.WEBHOOK_REGISTER)
    assert "as many webhooks as its plan allows" in said
    assert "manage.py twitter_webhook list / delete" in said
    assert "drops every subscription" in said


def test_without_the_operation_a_full_allowance_sends_nobody_to_delete_the_webhook():
    said = explain(TOO_MANY[0])
    assert "as many webhooks or subscriptions as its plan allows" in said
    assert "delete" not in said


def test_a_connected_accounts_recorded_failure_frees_a_subscription_and_keeps_the_webhook():
    reason = subscription_failure_reason(TOO_MANY[0])
    assert "twitter_subscription list" in reason
    assert "twitter_webhook" not in reason


@pytest.mark.parametrize(
    "error",
    [
        NotFound("Webhook does not exist or is associated with a different twitter application.", code=34, status=404),
        WebhookNotRegistered("the app has no webhook registered at http://x/webhooks/twitter/"),
    ],
)
def test_subscribing_without_a_webhook_says_to_register_it_first(error):
    said = explain(error, operation=Operation.SUBSCRIPTION_ADD)
    assert said.endswith("register the webhook first: manage.py twitter_webhook register.")


def test_other_refusals_are_explained_as_before_whatever_the_operation():
    error = NotPermitted("Application cannot perform write actions.", code=261, status=403)
    assert explain(error, operation=Operation.SUBSCRIPTION_ADD) == explain(error)


@pytest.mark.parametrize("operation", [None, *Operation])
def test_a_refusal_and_its_hint_are_joined_without_a_doubled_full_stop(operation):
    for error in TOO_MANY:
        assert ".:" not in explain(error, operation=operation)
