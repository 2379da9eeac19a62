"""Events reach the webhook signed, through the outbox and a real Celery worker, and failed
deliveries are retried as twitter-api.md §11.5 describes (with tiny delays here)."""

from __future__ import annotations

import pytest
from django.conf import settings

from sandbox.models import SandboxDelivery
from sandbox.services import customer_send_dm, user_follow
from sandbox.signatures import sign
from tests.helpers import wait_until

pytestmark = pytest.mark.worker
ENV = "account_activity/all/prod"


@pytest.fixture
def hooked(twitter, owner_auth, receiver, brand_auth, fast_retries):
    """The receiver registered as the webhook and the brand subscribed to it."""
    assert twitter.call("POST", f"{ENV}/webhooks.json", auth=owner_auth, params={"url": receiver.url}).ok
    assert twitter.call("POST", f"{ENV}/subscriptions.json", auth=brand_auth).status_code == 204
    return receiver


def send_dm(twitter, auth, recipient, **message_data):
    event = {
        "type": "message_create",
        "message_create": {"target": {"recipient_id": str(recipient.id)}, "message_data": message_data},
    }
    response = twitter.call("POST", "direct_messages/events/new.json", auth=auth, json={"event": event})
    assert response.status_code == 200, response.text
    return response.json()["event"]


def test_a_sent_dm_is_echoed_to_the_sender_signed_with_the_consumer_secret(
    celery_worker, twitter, hooked, brand, brand_auth, customer
):
    options = [{"label": "Order status", "description": "Check an order", "metadata": "order_status"}]
    ctas = [{"type": "web_url", "label": "Track", "url": "https://example.com/track"}]
    sent = send_dm(
        twitter,
        brand_auth,
        customer,
        text="How can we help?",
        quick_reply={"type": "options", "options": options},
        ctas=ctas,
    )
    post = wait_until(lambda: hooked.posts and hooked.posts[0], what="the echo")
    assert post["headers"]["X-Twitter-Webhooks-Signature"] == sign(settings.TWITTER_CONSUMER_SECRET, post["raw"])
    body = post["json"]
    assert body["for_user_id"] == str(brand.id)
    assert set(body) == {"for_user_id", "direct_message_events", "apps", "users"}
    event = body["direct_message_events"][0]
    assert event["id"] == sent["id"]
    message_create = event["message_create"]
    assert message_create["sender_id"] == str(brand.id) == body["for_user_id"]
    assert message_create["source_app_id"] == settings.TWITTER_APP_ID
    assert message_create["message_data"]["quick_reply"]["options"] == options
    assert message_create["message_data"]["ctas"][0]["url"] == "https://example.com/track"
    assert set(body["users"]) == {str(brand.id), str(customer.id)}
    assert body["apps"][settings.TWITTER_APP_ID]["id"] == settings.TWITTER_APP_ID
    delivery = SandboxDelivery.objects.get()
    wait_until(lambda: SandboxDelivery.objects.get(pk=delivery.pk).status == "delivered", what="delivered")


def test_a_customer_message_reaches_the_brand_and_both_subscribed_sides_get_a_copy(
    celery_worker, twitter, hooked, brand, customer
):
    from tests.sandbox.conftest import subscribe

    subscribe(customer)
    dm = customer_send_dm(sender=customer, recipient=brand, text="Where is my order?")
    wait_until(lambda: len(hooked.posts) == 2, what="two copies")
    by_user = {post["json"]["for_user_id"]: post["json"] for post in hooked.posts}
    assert set(by_user) == {str(brand.id), str(customer.id)}
    event = by_user[str(brand.id)]["direct_message_events"][0]
    assert event["id"] == str(dm.id)
    assert event["message_create"]["source_app_id"] == "3033300"
    assert event["message_create"]["target"]["recipient_id"] == str(brand.id)


def test_a_failed_delivery_is_retried_until_it_succeeds(celery_worker, hooked, brand, customer):
    hooked.fail_posts = 2
    customer_send_dm(sender=customer, recipient=brand, text="Hello?")
    delivery = wait_until(
        lambda: SandboxDelivery.objects.filter(status="delivered").first(), what="the third attempt to succeed"
    )
    assert delivery.attempts == 3
    assert len(hooked.posts) == 3
    assert len({post["raw"] for post in hooked.posts}) == 1  # the same body every time


def test_after_the_last_retry_the_delivery_is_marked_failed(celery_worker, hooked, brand, customer):
    hooked.fail_posts = 100
    customer_send_dm(sender=customer, recipient=brand, text="Anyone?")
    delivery = wait_until(lambda: SandboxDelivery.objects.filter(status="failed").first(), what="failed")
    assert delivery.attempts == 4  # the first try and 3 retries
    assert "HTTP 500" in delivery.last_error


def test_events_reach_roosts_own_receiver_which_accepts_their_signature(
    celery_worker, twitter, owner_auth, live_server, brand, brand_auth, customer, fast_retries
):
    url = f"{live_server.url}/webhooks/twitter/"
    assert twitter.call("POST", f"{ENV}/webhooks.json", auth=owner_auth, params={"url": url}).ok
    assert twitter.call("POST", f"{ENV}/subscriptions.json", auth=brand_auth).status_code == 204
    user_follow(source=customer, target=brand)
    delivery = wait_until(lambda: SandboxDelivery.objects.filter(status="delivered").first(), what="delivered")
    assert delivery.event_type == "follow_events"
    assert delivery.attempts == 1


def test_the_sweep_sends_a_delivery_whose_task_was_lost(celery_worker, hooked, brand, customer, monkeypatch):
    from config import queue
    from sandbox.services.deliveries import deliveries_sweep

    monkeypatch.setattr(queue, "enqueue_now", lambda *args, **kwargs: False)  # the broker "loses" it
    customer_send_dm(sender=customer, recipient=brand, text="Lost doorbell")
    assert SandboxDelivery.objects.get().status == "pending"
    monkeypatch.undo()
    assert deliveries_sweep() == 1
    wait_until(lambda: SandboxDelivery.objects.filter(status="delivered").exists(), what="the swept delivery")
