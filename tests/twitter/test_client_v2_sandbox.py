"""V2Client against the sandbox's X API v2, over real HTTP: the same operations and return
types as V11Client, v2 paths and bodies underneath."""

from __future__ import annotations

import time

import pytest

from integrations.twitter import (
    AuthenticationFailed,
    Button,
    Conflict,
    InvalidRequest,
    NotFound,
    NotPermitted,
    QuickReplyOption,
    RateLimited,
    Retryable,
    UnsupportedOnThisWire,
    V2Client,
    WebhookNotRegistered,
    twitter_client,
)
from integrations.twitter.plain_text import ANSWER_HINT
from sandbox.models import SandboxDirectMessage, SandboxSubscription, SandboxTweet
from sandbox.services import (
    customer_send_dm,
    fault_inject,
    sandbox_bootstrap,
    user_revoke_app,
)
from tests.sandbox.support import PNG_1x1
from tests.twitter.test_client_sandbox import authorise_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(live_server, settings) -> V2Client:
    settings.TWITTER_API_VERSION = "2"
    settings.TWITTER_API_URL = f"{live_server.url}/sandbox/api"
    settings.TWITTER_UPLOAD_URL = f"{live_server.url}/sandbox/upload"
    settings.PUBLIC_URL = live_server.url
    settings.SANDBOX_MEDIA_PROCESSING_SECONDS = 0.2
    sandbox_bootstrap()
    return twitter_client()


@pytest.fixture
def our_webhook(client, live_server):
    return client.webhook_register(f"{live_server.url}/webhooks/twitter/")


def test_the_configured_wire_gives_the_v2_client(client):
    assert isinstance(client, V2Client)
    assert not client.capabilities.quick_replies


# --- Sign-in -------------------------------------------------------------------------------
def test_sign_in_is_oauth1_and_verify_credentials_asks_users_me(client, customer, live_server):
    request_token = client.request_token(callback_url=f"{live_server.url}/accounts/twitter/login/callback/")
    callback = authorise_in_browser(client.authenticate_url(request_token.token), customer.id)
    access = client.access_token(request_token=request_token, verifier=callback["oauth_verifier"])
    me = client.verify_credentials(access.credentials)
    assert (me.id, me.screen_name, me.name) == (str(customer.id), "jordan", "Jordan Brinks")
    assert me.can_direct_message
    assert me.raw["screen_name"] == "jordan"  # v1.1's shape, as callers read it


def test_a_revoked_token_is_recognised_as_rejected(client, brand, brand_token):
    user_revoke_app(user=brand)
    with pytest.raises(AuthenticationFailed) as error:
        client.verify_credentials(brand_token)
    assert error.value.status == 401 and error.value.token_rejected


def test_wrong_app_keys_do_not_blame_the_accounts_token(client, brand_token):
    with pytest.raises(AuthenticationFailed) as error:
        V2Client(consumer_secret="not-the-apps-secret").verify_credentials(brand_token)
    assert not error.value.token_rejected


# --- Webhooks and subscriptions ------------------------------------------------------------
def test_webhook_register_list_crc_and_delete(client, live_server):
    url = f"{live_server.url}/webhooks/twitter/"
    webhook = client.webhook_register(url)
    assert (webhook.url, webhook.valid) == (url, True)
    assert webhook.created_at.endswith("Z")
    assert [w.id for w in client.webhooks_list()] == [webhook.id]
    client.webhook_trigger_crc(webhook.id)
    client.webhook_delete(webhook.id)
    assert client.webhooks_list() == []


def test_a_webhook_that_fails_the_crc_is_refused(client):
    from tests.sandbox.support import Receiver

    receiver = Receiver(crc_mode="wrong").start()
    try:
        with pytest.raises(NotPermitted) as error:
            client.webhook_register(receiver.url)
    finally:
        receiver.stop()
    assert "Invalid CRC token or json response format" in error.value.message
    assert client.webhooks_list() == []


def test_subscriptions_find_our_webhook_by_its_url(client, our_webhook, brand, brand_token):
    assert client.subscription_add(brand_token) is True
    assert client.subscription_add(brand_token) is False  # a duplicate is fine
    assert client.subscription_check(brand_token) is True
    assert client.subscriptions_list() == [str(brand.id)]
    count = client.subscriptions_count()
    assert (count.subscriptions, count.provisioned) == (1, 15)
    client.subscription_remove(str(brand.id))
    assert client.subscription_check(brand_token) is False
    assert not SandboxSubscription.objects.exists()
    with pytest.raises(NotFound):
        client.subscription_remove(str(brand.id))


def test_subscribing_with_no_webhook_says_to_register_one(client, brand_token):
    with pytest.raises(WebhookNotRegistered) as error:
        client.subscription_add(brand_token)
    assert "twitter_webhook register" in str(error.value)
    assert error.value.code == 34


def test_a_webhook_registered_again_is_found_again(client, our_webhook, live_server, brand_token):
    assert client.subscription_check(brand_token) is False  # remembers the webhook id
    client.webhook_delete(our_webhook.id)
    client.webhook_register(f"{live_server.url}/webhooks/twitter/")
    assert client.subscription_add(brand_token) is True


# --- Direct Messages -----------------------------------------------------------------------
def test_a_dm_carries_text_and_one_attachment(client, brand, brand_token, customer):
    media = client.media_upload(brand_token, content=PNG_1x1, media_type="image/png", category="dm_image")
    sent = client.dm_send(brand_token, recipient_id=str(customer.id), text="Here it is", media_id=media.media_id)
    stored = SandboxDirectMessage.objects.get(pk=sent.id)
    assert (stored.text, stored.media_id, stored.recipient_id) == ("Here it is", int(media.media_id), customer.id)
    assert sent.raw["dm_conversation_id"] == "-".join(sorted([str(brand.id), str(customer.id)], key=int))


def test_what_v2_cannot_carry_is_written_into_the_text(client, brand_token, customer):
    sent = client.dm_send(
        brand_token,
        recipient_id=str(customer.id),
        text="What colour?",
        quick_replies=[QuickReplyOption("Red", metadata="red"), QuickReplyOption("Blue", metadata="blue")],
        buttons=[Button("Order status", "https://example.com/orders")],
        custom_profile_id="123",
        signature="Ana",
    )
    text = SandboxDirectMessage.objects.get(pk=sent.id).text
    assert "1. Red\n2. Blue" in text and ANSWER_HINT in text
    assert "Order status: https://example.com/orders" in text
    assert text.endswith("— Ana")


def test_dm_list_pages_as_v1_events_and_destroy(client, brand, brand_token, customer, settings):
    settings.SANDBOX_RATE_LIMITS_ENABLED = False
    for n in range(55):
        customer_send_dm(sender=customer, recipient=brand, text=f"message {n}")
    first = client.dm_list(brand_token)
    assert len(first.events) == 50 and first.next_cursor
    everything = [event for event, _apps in client.dm_iter(brand_token)]
    assert len(everything) == 55
    newest = everything[0]
    assert newest["type"] == "message_create"
    assert newest["message_create"]["sender_id"] == str(customer.id)
    assert newest["message_create"]["target"]["recipient_id"] == str(brand.id)
    assert newest["message_create"]["message_data"]["text"] == "message 54"
    assert newest["created_timestamp"].isdigit()
    client.dm_destroy(brand_token, newest["id"])
    with pytest.raises(NotFound):
        client.dm_show(brand_token, newest["id"])


def test_media_from_a_customers_dm_is_downloaded(client, brand, brand_token, customer):
    message = customer_send_dm(sender=customer, recipient=brand, text="see", image=PNG_1x1)
    event = client.dm_show(brand_token, str(message.id))
    media = event["message_create"]["message_data"]["attachment"]["media"]
    assert media["id_str"] == str(message.media_id)
    assert client.media_download(brand_token, media["media_url_https"]).content == PNG_1x1


def test_video_uploads_wait_for_processing(client, brand_token):
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4096
    uploaded = client.media_upload(brand_token, content=video, media_type="video/mp4", category="dm_video")
    assert client.media_status(brand_token, uploaded.media_id)["processing_info"]["state"] == "succeeded"


@pytest.mark.parametrize(
    "call",
    [
        lambda c, t: c.typing_indicate(t, recipient_id="1"),
        lambda c, t: c.mark_read(t, recipient_id="1", last_read_event_id="2"),
        lambda c, t: c.welcome_message_create(t, name="w", text="hi"),
        lambda c, t: c.welcome_rules_list(t),
        lambda c, t: c.custom_profiles_list(t),
    ],
)
def test_what_v2_lacks_is_a_clear_error(client, brand_token, call):
    with pytest.raises(UnsupportedOnThisWire):
        call(client, brand_token)


# --- Tweets and users ----------------------------------------------------------------------
def test_tweet_replies_name_the_parent(client, brand_token, customer):
    from sandbox.services import customer_tweet

    question = customer_tweet(user=customer, text="@acme_help where is my order?")
    reply = client.status_update(
        brand_token, text="We're on it!", in_reply_to_status_id=str(question.id), auto_populate_reply_metadata=True
    )
    assert SandboxTweet.objects.get(pk=reply.id).in_reply_to_id == question.id
    with pytest.raises(Conflict) as error:  # v2 refuses duplicate content with a bare 403
        client.status_update(brand_token, text="We're on it!", in_reply_to_status_id=str(question.id))
    assert error.value.code == 187  # v1.1's code, which callers act on


def test_users_lookup_by_id_and_name(client, brand_token, customer):
    found = client.users_lookup(brand_token, user_ids=[str(customer.id)], screen_names=["acme_help"])
    assert {user.screen_name for user in found} == {"jordan", "acme_help"}
    assert client.users_lookup(brand_token, screen_names=["nobody_here_at_all"]) == []


# --- Errors --------------------------------------------------------------------------------
def test_rate_limited_carries_the_reset_from_the_header(client, brand_token, customer):
    reset = int(time.time()) + 900
    fault_inject(endpoint="POST direct_messages/events/new", status=429, rate_limit_reset=reset)
    with pytest.raises(RateLimited) as error:
        client.dm_send(brand_token, recipient_id=str(customer.id), text="hi")
    assert int(error.value.reset_at.timestamp()) == reset


@pytest.mark.parametrize("status", [500, 503])
def test_server_trouble_is_retryable(client, brand_token, customer, status):
    fault_inject(endpoint="POST 2/dm_conversations/with/:participant_id/messages", status=status)
    with pytest.raises(Retryable):
        client.dm_send(brand_token, recipient_id=str(customer.id), text="hi")
    assert not SandboxDirectMessage.objects.filter(text="hi").exists()


def test_a_recipient_who_does_not_accept_dms_is_not_permitted(client, brand_token, customer):
    customer.accepts_dms_from_anyone = False
    customer.save()
    with pytest.raises(NotPermitted):
        client.dm_send(brand_token, recipient_id=str(customer.id), text="hi")


def test_a_bad_media_id_is_refused(client, brand_token, customer):
    # v2's 400 problem for what v1.1 calls 325 (§11.1): an invalid request, never retried.
    with pytest.raises(InvalidRequest) as error:
        client.dm_send(brand_token, recipient_id=str(customer.id), text="hi", media_id="123456")
    assert error.value.status == 400
