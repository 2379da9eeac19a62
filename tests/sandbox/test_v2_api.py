"""The sandbox's X API v2 (twitter-api.md §12): v2 paths and bodies, problem JSON, the same
OAuth 1.0a and bearer checks, fault injection and rate limits, and the same state as v1.1."""

from __future__ import annotations

import pytest
from django.conf import settings

from sandbox.models import SandboxDirectMessage, SandboxSubscription, SandboxWebhook
from sandbox.services import customer_send_dm, fault_inject, sandbox_token_issue, user_revoke_app
from tests.helpers import wait_until
from tests.sandbox.conftest import subscribe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def webhook(twitter, receiver, owner):
    response = twitter.call("POST", "2/webhooks", bearer=True, json={"url": receiver.url})
    assert response.status_code == 200, response.text
    return response.json()["data"]


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert {"title", "detail", "type", "status"} <= set(body)
    assert body["status"] == status
    assert "errors" not in body or all("code" not in error for error in body["errors"])
    return body


# --- authentication ------------------------------------------------------------------------
def test_a_call_without_credentials_is_unauthorized(twitter, customer):
    body = assert_problem(twitter.call("GET", "2/dm_events"), 401)
    assert body["title"] == "Unauthorized"


def test_a_bearer_token_cannot_send_a_dm(twitter, customer):
    response = twitter.call("POST", f"2/dm_conversations/with/{customer.id}/messages", bearer=True, json={"text": "hi"})
    body = assert_problem(response, 403)
    assert body["title"] == "Unsupported Authentication"
    assert not SandboxDirectMessage.objects.exists()


def test_webhooks_take_the_bearer_token_only(twitter, owner_auth, receiver):
    body = assert_problem(twitter.call("POST", "2/webhooks", auth=owner_auth, json={"url": receiver.url}), 403)
    assert body["type"].endswith("/unsupported-authentication")
    assert not SandboxWebhook.objects.exists()


def test_a_revoked_token_is_unauthorized(twitter, brand, brand_auth):
    user_revoke_app(user=brand)
    assert_problem(twitter.call("GET", "2/users/me", auth=brand_auth), 401)


def test_a_token_without_dm_permission_is_forbidden(twitter, customer, brand):
    token = sandbox_token_issue(user=brand, access_level="read-write")
    response = twitter.call("POST", f"2/dm_conversations/with/{customer.id}/messages", auth=token, json={"text": "x"})
    assert_problem(response, 403)


# --- webhooks and subscriptions ------------------------------------------------------------
def test_webhooks_answer_in_v2_shapes(twitter, webhook, receiver):
    assert webhook["url"] == receiver.url and webhook["valid"] is True
    listed = twitter.call("GET", "2/webhooks", bearer=True).json()
    assert listed == {"data": [webhook], "meta": {"result_count": 1}}
    assert twitter.call("PUT", f"2/webhooks/{webhook['id']}", bearer=True).json() == {"data": {"valid": True}}
    assert twitter.call("DELETE", f"2/webhooks/{webhook['id']}", bearer=True).json() == {"data": {"deleted": True}}
    body = assert_problem(twitter.call("DELETE", f"2/webhooks/{webhook['id']}", bearer=True), 404)
    assert body["title"] == "WebhookIdInvalid"


def test_a_second_webhook_exceeds_the_limit(twitter, webhook, receiver):
    body = assert_problem(twitter.call("POST", "2/webhooks", bearer=True, json={"url": receiver.url + "2"}), 403)
    assert body["title"] == "WebhookLimitExceeded"


def test_subscriptions_add_check_list_count_remove(twitter, webhook, brand, brand_auth):
    base = f"2/account_activity/webhooks/{webhook['id']}/subscriptions"
    assert twitter.call("POST", f"{base}/all", auth=brand_auth).json() == {"data": {"subscribed": True}}
    duplicate = assert_problem(twitter.call("POST", f"{base}/all", auth=brand_auth), 409)
    assert duplicate["title"] == "DuplicateSubscriptionFailed"
    assert twitter.call("GET", f"{base}/all", auth=brand_auth).json() == {"data": {"subscribed": True}}
    listed = twitter.call("GET", f"{base}/all/list", bearer=True).json()["data"]
    assert listed["webhook_id"] == webhook["id"] and listed["subscriptions"] == [{"user_id": str(brand.id)}]
    count = twitter.call("GET", "2/account_activity/subscriptions/count", bearer=True).json()["data"]
    assert count["subscriptions_count_all"] == "1"
    removed = twitter.call("DELETE", f"{base}/{brand.id}/all", bearer=True)
    assert removed.json() == {"data": {"subscribed": False}}
    assert twitter.call("GET", f"{base}/all", auth=brand_auth).json() == {"data": {"subscribed": False}}
    assert not SandboxSubscription.objects.exists()


def test_a_full_subscription_allowance_is_subscription_limit_exceeded(twitter, webhook, brand_auth, settings):
    settings.SANDBOX_SUBSCRIPTION_LIMIT = 0
    response = twitter.call("POST", f"2/account_activity/webhooks/{webhook['id']}/subscriptions/all", auth=brand_auth)
    body = assert_problem(response, 403)
    assert body["title"] == "SubscriptionLimitExceeded"
    assert body["detail"] == "Too many resources already created."


def test_removing_a_subscription_that_does_not_exist_is_subscription_not_found(twitter, webhook, brand):
    response = twitter.call(
        "DELETE", f"2/account_activity/webhooks/{webhook['id']}/subscriptions/{brand.id}/all", bearer=True
    )
    assert assert_problem(response, 404)["title"] == "SubscriptionNotFound"


def test_subscribing_to_an_unknown_webhook_is_not_found(twitter, brand_auth):
    response = twitter.call("POST", "2/account_activity/webhooks/999/subscriptions/all", auth=brand_auth)
    assert_problem(response, 404)


# --- Direct Messages -----------------------------------------------------------------------
def test_a_dm_is_created_and_answered_with_its_ids(twitter, brand, brand_auth, customer):
    response = twitter.call(
        "POST", f"2/dm_conversations/with/{customer.id}/messages", auth=brand_auth, json={"text": "Hi"}
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    low, high = sorted([brand.id, customer.id])
    assert data["dm_conversation_id"] == f"{low}-{high}"
    dm = SandboxDirectMessage.objects.get(pk=int(data["dm_event_id"]))
    assert (dm.text, dm.recipient_id, dm.source_app_id) == ("Hi", customer.id, settings.TWITTER_APP_ID)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": "  "},
        {"text": "hi", "quick_reply": {}},
        {"text": "hi", "attachments": [{"media_id": "1"}, {"media_id": "2"}]},
    ],
)
def test_a_dm_v2_cannot_carry_is_an_invalid_request(twitter, brand_auth, customer, body):
    response = twitter.call("POST", f"2/dm_conversations/with/{customer.id}/messages", auth=brand_auth, json=body)
    problem = assert_problem(response, 400)
    assert problem["errors"][0]["message"]


def test_dm_events_list_page_show_and_delete(twitter, brand, brand_auth, customer):
    for n in range(3):
        customer_send_dm(sender=customer, recipient=brand, text=f"message {n}")
    first = twitter.call("GET", "2/dm_events", auth=brand_auth, params={"max_results": 2}).json()
    assert [event["text"] for event in first["data"]] == ["message 2", "message 1"]
    assert first["data"][0]["event_type"] == "MessageCreate"
    assert first["data"][0]["sender_id"] == str(customer.id)
    token = first["meta"]["next_token"]
    rest = twitter.call("GET", "2/dm_events", auth=brand_auth, params={"pagination_token": token}).json()
    assert [event["text"] for event in rest["data"]] == ["message 0"] and "next_token" not in rest["meta"]
    event_id = first["data"][0]["id"]
    assert twitter.call("GET", f"2/dm_events/{event_id}", auth=brand_auth).json()["data"]["id"] == event_id
    assert twitter.call("DELETE", f"2/dm_events/{event_id}", auth=brand_auth).json() == {"data": {"deleted": True}}
    assert_problem(twitter.call("GET", f"2/dm_events/{event_id}", auth=brand_auth), 404)


@pytest.mark.worker
def test_a_dm_sent_on_v2_is_echoed_in_the_v1_1_shape(
    celery_worker, twitter, webhook, receiver, brand, brand_auth, customer, fast_retries
):
    subscribe(brand)
    twitter.call("POST", f"2/dm_conversations/with/{customer.id}/messages", auth=brand_auth, json={"text": "Hello"})
    body = wait_until(lambda: receiver.posts and receiver.posts[0]["json"], what="the echo")
    event = body["direct_message_events"][0]
    assert body["for_user_id"] == str(brand.id)
    assert event["message_create"]["message_data"]["text"] == "Hello"
    assert event["message_create"]["source_app_id"] == settings.TWITTER_APP_ID


# --- users and Tweets ----------------------------------------------------------------------
def test_users_me_and_lookup(twitter, brand, brand_auth, customer):
    me = twitter.call("GET", "2/users/me", auth=brand_auth)
    assert me.json()["data"]["username"] == brand.screen_name
    assert me.headers["x-access-level"] == "read-write-directmessages"
    found = twitter.call("GET", "2/users", auth=brand_auth, params={"ids": f"{customer.id},42"}).json()
    assert [user["id"] for user in found["data"]] == [str(customer.id)]
    assert found["errors"][0]["resource_id"] == "42"


def test_a_tweet_reply(twitter, brand_auth, customer):
    from sandbox.services import customer_tweet

    question = customer_tweet(user=customer, text="@acme where is my order?")
    body = {"text": "On its way!", "reply": {"in_reply_to_tweet_id": str(question.id)}}
    response = twitter.call("POST", "2/tweets", auth=brand_auth, json=body)
    assert response.status_code == 201, response.text
    assert response.json()["data"]["text"] == "On its way!"


# --- faults and rate limits ----------------------------------------------------------------
def test_a_fault_for_the_v1_1_twin_answers_in_v2_shape(twitter, brand_auth, customer):
    fault_inject(endpoint="POST direct_messages/events/new", status=503)
    response = twitter.call(
        "POST", f"2/dm_conversations/with/{customer.id}/messages", auth=brand_auth, json={"text": "x"}
    )
    assert assert_problem(response, 503)["title"] == "Service Unavailable"
    assert not SandboxDirectMessage.objects.exists()


def test_rate_limits_count_v2_calls(twitter, brand_auth, settings):
    settings.SANDBOX_RATE_LIMITS_ENABLED = True
    for _ in range(15):
        assert twitter.call("GET", "2/dm_events", auth=brand_auth).status_code == 200
    limited = twitter.call("GET", "2/dm_events", auth=brand_auth)
    assert assert_problem(limited, 429)["title"] == "Too Many Requests"
    assert int(limited.headers["x-rate-limit-reset"]) > 0
