"""Every client operation against the running sandbox, over real HTTP (Django's live_server)."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone

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
    TransportError,
    UserCredentials,
)
from integrations.twitter import http as twitter_http
from integrations.twitter.v1 import V11Client
from sandbox.models import (
    SandboxCustomProfile,
    SandboxDelivery,
    SandboxDirectMessage,
    SandboxSubscription,
    SandboxThreadState,
    SandboxWelcomeMessageRule,
)
from sandbox.services import (
    customer_send_dm,
    fault_inject,
    sandbox_bootstrap,
    sandbox_token_issue,
    sandbox_user_create,
    user_revoke_app,
)
from tests.sandbox.conftest import subscribe
from tests.sandbox.support import PNG_1x1, Receiver

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(live_server, settings) -> V11Client:
    settings.TWITTER_API_URL = f"{live_server.url}/sandbox/api"
    settings.TWITTER_UPLOAD_URL = f"{live_server.url}/sandbox/upload"
    settings.PUBLIC_URL = live_server.url
    settings.SANDBOX_MEDIA_PROCESSING_SECONDS = 0.2
    sandbox_bootstrap()
    return V11Client()


def authorise_in_browser(url: str, user_id: int) -> dict[str, str]:
    """What a person does on the sandbox's authorise page; returns the callback's query."""
    browser = requests.Session()
    page = browser.get(url, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    token = parse_qs(urlsplit(url).query)["oauth_token"][0]
    answer = browser.post(
        page.url,
        data={"csrfmiddlewaretoken": csrf, "oauth_token": token, "user_id": user_id, "action": "authorize"},
        allow_redirects=False,
        timeout=10,
    )
    return {key: values[0] for key, values in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


# --- Sign-in -------------------------------------------------------------------------------
def test_sign_in_three_legs_and_verify_credentials(client, customer, live_server):
    request_token = client.request_token(callback_url=f"{live_server.url}/accounts/twitter/login/callback/")
    assert request_token.callback_confirmed
    callback = authorise_in_browser(client.authenticate_url(request_token.token), customer.id)
    access = client.access_token(request_token=request_token, verifier=callback["oauth_verifier"])
    assert (access.user_id, access.screen_name) == (str(customer.id), "jordan")
    me = client.verify_credentials(access.credentials)
    assert (me.id, me.screen_name, me.name) == (str(customer.id), "jordan", "Jordan Brinks")
    assert me.can_direct_message


def test_authorize_url_always_prompts(client):
    assert "/oauth/authorize?oauth_token=abc" in client.authorize_url("abc")


def test_a_revoked_token_is_rejected_with_89(client, brand, brand_token):
    user_revoke_app(user=brand)
    with pytest.raises(AuthenticationFailed) as error:
        client.verify_credentials(brand_token)
    assert error.value.token_rejected


def test_a_token_without_dm_permission_is_recognised(client, customer):
    token = UserCredentials(*sandbox_token_issue(user=customer, access_level="read-write"))
    assert not client.verify_credentials(token).can_direct_message


# --- Account Activity ----------------------------------------------------------------------
def test_webhook_register_list_crc_and_delete(client, live_server):
    url = f"{live_server.url}/webhooks/twitter/"
    webhook = client.webhook_register(url)
    assert (webhook.url, webhook.valid) == (url, True)
    assert [w.id for w in client.webhooks_list()] == [webhook.id]
    client.webhook_trigger_crc(webhook.id)
    client.webhook_delete(webhook.id)
    assert client.webhooks_list() == []


def test_a_webhook_that_fails_the_crc_is_refused_with_214(client):
    receiver = Receiver(crc_mode="wrong").start()
    try:
        with pytest.raises(NotPermitted) as error:
            client.webhook_register(receiver.url)
    finally:
        receiver.stop()
    assert error.value.code == 214
    assert "Invalid CRC token or json response format" in error.value.message
    assert client.webhooks_list() == []


def test_subscriptions_add_check_list_count_remove(client, live_server, brand, brand_token):
    client.webhook_register(f"{live_server.url}/webhooks/twitter/")
    assert client.subscription_add(brand_token) is True
    assert client.subscription_add(brand_token) is False  # 355: already subscribed is fine
    assert client.subscription_check(brand_token) is True
    assert client.subscriptions_list() == [str(brand.id)]
    count = client.subscriptions_count()
    assert (count.subscriptions, count.provisioned) == (1, 15)
    client.subscription_remove(str(brand.id))
    assert client.subscription_check(brand_token) is False
    assert not SandboxSubscription.objects.exists()
    with pytest.raises(NotFound):
        client.subscription_remove(str(brand.id))


# --- Direct Messages -----------------------------------------------------------------------
def test_a_dm_with_every_element_reaches_the_customer_once(client, brand, brand_token, customer):
    customer_send_dm(sender=customer, recipient=brand, text="Hi!")
    avatar = client.media_upload(brand_token, content=PNG_1x1, media_type="image/png", category="dm_image", shared=True)
    profile = client.custom_profile_create(brand_token, name="Jon C, Support", avatar_media_id=avatar.media_id)
    media = client.media_upload(brand_token, content=PNG_1x1, media_type="image/png", category="dm_image")
    sent = client.dm_send(
        brand_token,
        recipient_id=str(customer.id),
        text="What colour?",
        quick_replies=[QuickReplyOption("Red", "A red bird", "red"), QuickReplyOption("Blue", "A blue bird", "blue")],
        buttons=[Button("Order status", "https://example.com/orders")],
        media_id=media.media_id,
        custom_profile_id=profile.id,
    )
    stored = SandboxDirectMessage.objects.get(pk=sent.id)
    assert stored.text == "What colour?"
    assert SandboxDirectMessage.objects.filter(sender=brand).count() == 1
    assert sent.created_at is not None
    shown = client.dm_show(brand_token, sent.id)
    assert shown["message_create"]["custom_profile_id"] == profile.id
    assert shown["message_create"]["message_data"]["quick_reply"]["options"][1]["metadata"] == "blue"


def test_dm_list_pages_with_cursors_and_destroy(client, brand, brand_token, customer, settings):
    settings.SANDBOX_RATE_LIMITS_ENABLED = False
    for n in range(55):
        customer_send_dm(sender=customer, recipient=brand, text=f"message {n}")
    first = client.dm_list(brand_token)
    assert len(first.events) == 50 and first.next_cursor
    everything = [event for event, _apps in client.dm_iter(brand_token)]
    assert len(everything) == 55
    newest = everything[0]
    client.dm_destroy(brand_token, newest["id"])
    with pytest.raises(NotFound):
        client.dm_show(brand_token, newest["id"])


def test_typing_and_read_receipts(client, brand, brand_token, customer):
    subscribe(customer)
    incoming = customer_send_dm(sender=customer, recipient=brand, text="Hello?")
    SandboxDelivery.objects.all().delete()
    client.typing_indicate(brand_token, recipient_id=str(customer.id))
    client.mark_read(brand_token, recipient_id=str(customer.id), last_read_event_id=str(incoming.id))
    # The sandbox recorded both for the conversation, and queued both events for the customer.
    state = SandboxThreadState.objects.get(user=brand, other=customer)
    assert state.typing_until > timezone.now()
    assert state.last_read_event_id == incoming.id
    bodies = [json.loads(row.body) for row in SandboxDelivery.objects.order_by("id")]
    assert [body["for_user_id"] for body in bodies] == [str(customer.id)] * 2
    typing = bodies[0]["direct_message_indicate_typing_events"][0]
    assert (typing["sender_id"], typing["target"]) == (str(brand.id), {"recipient_id": str(customer.id)})
    read = bodies[1]["direct_message_mark_read_events"][0]
    assert (read["sender_id"], read["last_read_event_id"]) == (str(brand.id), str(incoming.id))


def test_media_from_a_customers_dm_is_downloaded_with_a_signed_request(client, brand, brand_token, customer):
    message = customer_send_dm(sender=customer, recipient=brand, text="see", image=PNG_1x1)
    event = client.dm_show(brand_token, str(message.id))
    url = event["message_create"]["message_data"]["attachment"]["media"]["media_url_https"]
    media = client.media_download(brand_token, url)
    assert media.content == PNG_1x1
    assert media.content_type.startswith("image/png")
    stranger = UserCredentials(*sandbox_token_issue(user=sandbox_user_create(screen_name="stranger")))
    with pytest.raises((NotFound, NotPermitted, AuthenticationFailed)):
        client.media_download(stranger, url)


def test_video_uploads_wait_for_processing(client, brand_token):
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4096
    uploaded = client.media_upload(brand_token, content=video, media_type="video/mp4", category="dm_video")
    assert uploaded.media_id
    assert client.media_status(brand_token, uploaded.media_id)["processing_info"]["state"] == "succeeded"


# --- Welcome messages ----------------------------------------------------------------------
def test_welcome_messages_and_the_single_default_rule(client, brand, brand_token):
    image = client.media_upload(brand_token, content=PNG_1x1, media_type="image/png", category="dm_image", shared=True)
    welcome = client.welcome_message_create(
        brand_token,
        name="spring welcome",
        text="Hi! How can we help?",
        quick_replies=[QuickReplyOption("Order status"), QuickReplyOption("Talk to a human")],
        buttons=[Button("Store", "https://example.com")],
        media_id=image.media_id,
    )
    assert welcome.name == "spring welcome"
    assert client.welcome_message_show(brand_token, welcome.id).id == welcome.id
    assert [item["id"] for item in client.welcome_messages_list(brand_token).items] == [welcome.id]
    updated = client.welcome_message_update(brand_token, welcome.id, text="Hello again")
    assert "quick_reply" not in updated.raw["message_data"]  # an atomic replace
    other = client.welcome_message_create(brand_token, name="other", text="Other")
    client.welcome_message_make_default(brand_token, welcome_message_id=welcome.id)
    rule = client.welcome_message_make_default(brand_token, welcome_message_id=other.id)
    assert [r.id for r in client.welcome_rules_list(brand_token)] == [rule.id]
    assert SandboxWelcomeMessageRule.objects.get().welcome_message_id == int(other.id)
    client.welcome_rule_destroy(brand_token, rule.id)
    assert client.welcome_rules_list(brand_token) == []
    client.welcome_message_destroy(brand_token, welcome.id)
    with pytest.raises(NotFound):
        client.welcome_message_show(brand_token, welcome.id)


# --- Custom profiles -----------------------------------------------------------------------
def test_custom_profiles_create_show_list_destroy(client, brand_token):
    avatar = client.media_upload(brand_token, content=PNG_1x1, media_type="image/png", category="dm_image", shared=True)
    profile = client.custom_profile_create(brand_token, name="Ana, Support", avatar_media_id=avatar.media_id)
    assert profile.avatar_url.startswith("http")
    assert client.custom_profile_show(brand_token, profile.id).name == "Ana, Support"
    assert [item["id"] for item in client.custom_profiles_list(brand_token).items] == [profile.id]
    client.custom_profile_destroy(brand_token, profile.id)
    assert SandboxCustomProfile.objects.get().deleted_at is not None
    with pytest.raises(NotFound):
        client.custom_profile_show(brand_token, profile.id)


# --- Tweets and users ----------------------------------------------------------------------
def test_tweets_replies_and_duplicates(client, brand_token, customer):
    from sandbox.services import customer_tweet

    question = customer_tweet(user=customer, text="@acme_help where is my order?")
    reply = client.status_update(
        brand_token, text="We're on it!", in_reply_to_status_id=str(question.id), auto_populate_reply_metadata=True
    )
    assert reply.raw["in_reply_to_status_id_str"] == str(question.id)
    with pytest.raises(Conflict) as error:
        client.status_update(
            brand_token, text="We're on it!", in_reply_to_status_id=str(question.id), auto_populate_reply_metadata=True
        )
    assert error.value.code == 187


def test_users_lookup(client, brand_token, customer):
    found = client.users_lookup(brand_token, user_ids=[str(customer.id)], screen_names=["acme_help"])
    assert {user.screen_name for user in found} == {"jordan", "acme_help"}
    with pytest.raises(NotFound) as error:
        client.users_lookup(brand_token, screen_names=["nobody_here_at_all"])
    assert error.value.code == 17


# --- Each error type -----------------------------------------------------------------------
def test_rate_limited_carries_the_reset(client, brand_token, customer):
    reset = int(time.time()) + 900
    fault_inject(
        endpoint="POST direct_messages/events/new",
        status=429,
        code=88,
        message="Rate limit exceeded",
        rate_limit_reset=reset,
    )
    with pytest.raises(RateLimited) as error:
        client.dm_send(brand_token, recipient_id=str(customer.id), text="hi")
    assert int(error.value.reset_at.timestamp()) == reset


def test_the_real_daily_dm_limit_is_a_429(client, brand_token, brand, customer, settings):
    settings.SANDBOX_DM_DAILY_LIMIT = 1
    settings.SANDBOX_DM_REPLY_ALLOWANCE = 0
    client.dm_send(brand_token, recipient_id=str(customer.id), text="one")
    with pytest.raises(RateLimited) as error:
        client.dm_send(brand_token, recipient_id=str(customer.id), text="two")
    assert error.value.code == 88 and error.value.reset_at is not None


@pytest.mark.parametrize(("status", "code"), [(503, 130), (500, 131), (502, None)])
def test_server_trouble_is_retryable(client, brand_token, customer, status, code):
    fault_inject(endpoint="POST direct_messages/events/new", status=status, code=code, message="Over capacity")
    with pytest.raises(Retryable):
        client.dm_send(brand_token, recipient_id=str(customer.id), text="hi")
    assert not SandboxDirectMessage.objects.filter(text="hi").exists()


def test_a_recipient_who_does_not_accept_dms_is_not_permitted(client, brand_token, customer):
    customer.accepts_dms_from_anyone = False
    customer.save()
    with pytest.raises(NotPermitted) as error:
        client.dm_send(brand_token, recipient_id=str(customer.id), text="hi")
    assert error.value.code in (150, 349)


def test_a_bad_media_id_is_an_invalid_request(client, brand_token, customer):
    # §11.2: 325 "media id not found" is HTTP 400, a request Twitter will never accept as it is.
    with pytest.raises(InvalidRequest) as error:
        client.dm_send(brand_token, recipient_id=str(customer.id), text="hi", media_id="123456")
    assert (error.value.status, error.value.code) == (400, 325)


def test_a_slow_twitter_is_a_transport_error(client, brand_token, customer, monkeypatch):
    monkeypatch.setattr(twitter_http, "READ_TIMEOUT", 0.3)
    fault_inject(endpoint="POST direct_messages/events/new", status=None, delay_seconds=1.5)
    with pytest.raises(TransportError):
        client.dm_send(brand_token, recipient_id=str(customer.id), text="hi")


def test_nothing_listening_is_a_transport_error(brand_token):
    dead = V11Client(api_url="http://127.0.0.1:1/sandbox/api")
    with pytest.raises(TransportError):
        dead.dm_send(brand_token, recipient_id="1", text="hi")
