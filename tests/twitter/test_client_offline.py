"""The client's own behaviour, with HTTP stubbed at the one seam (`responses`).

The same operations run against the real sandbox over HTTP in test_client_sandbox.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import requests
import responses
from oauthlib.oauth1 import Client as OAuthClient
from oauthlib.oauth1.rfc5849 import signature

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
    TwitterValidationError,
    UserCredentials,
)
from integrations.twitter.v1 import V11Client

API = "https://api.example.test"
UPLOAD = "https://upload.example.test"
USER = UserCredentials("1234-usertoken", "usersecret")
SEND = f"{API}/1.1/direct_messages/events/new.json"


@pytest.fixture
def client():
    return V11Client(
        api_url=API,
        upload_url=UPLOAD,
        consumer_key="consumerkey",
        consumer_secret="consumersecret",
        bearer_token="bearer-token",
        owner=UserCredentials("1-owner", "ownersecret"),
        env_name="prod",
    )


def twitter_error(status: int, code: int, message: str, **headers: str):
    return responses.Response(
        responses.POST, SEND, status=status, json={"errors": [{"code": code, "message": message}]}, headers=headers
    )


def sent_event(event_id: str = "1150493286110552068") -> dict:
    return {"event": {"type": "message_create", "id": event_id, "created_timestamp": "1563133949197"}}


@responses.activate
def test_a_dm_is_sent_as_json_with_every_element(client):
    responses.post(SEND, json=sent_event())
    sent = client.dm_send(
        USER,
        recipient_id="3001969357",
        text="What colour?",
        quick_replies=[QuickReplyOption("Red", "A red bird", "red"), QuickReplyOption("Blue", "A blue bird", "blue")],
        buttons=[Button("See details", "https://example.com/x")],
        media_id="1149914661267148800",
        custom_profile_id="100001",
    )
    assert sent.id == "1150493286110552068"
    assert sent.created_at == datetime(2019, 7, 14, 19, 52, 29, 197000, tzinfo=UTC)
    request = responses.calls[0].request
    assert header(request, "Content-Type") == "application/json"
    create = json.loads(request.body)["event"]["message_create"]
    assert create["target"] == {"recipient_id": "3001969357"}
    assert create["custom_profile_id"] == "100001"
    data = create["message_data"]
    assert data["quick_reply"]["options"][1] == {"label": "Blue", "description": "A blue bird", "metadata": "blue"}
    assert data["ctas"] == [{"type": "web_url", "label": "See details", "url": "https://example.com/x"}]
    assert data["attachment"] == {"type": "media", "media": {"id": "1149914661267148800"}}


def header(request, name: str) -> str:
    value = request.headers[name]
    return value.decode() if isinstance(value, bytes) else value


def signature_verifies(request, *, with_body: bool) -> bool:
    """Recompute the OAuth 1.0a signature as Twitter would, with or without the body."""
    params = signature.collect_parameters(
        uri_query=urlsplit(request.url).query,
        body=(request.body.decode() if isinstance(request.body, bytes) else request.body) if with_body else "",
        headers={"Authorization": header(request, "Authorization")},
        exclude_oauth_signature=True,
    )
    base = signature.signature_base_string(
        request.method, signature.base_string_uri(request.url), signature.normalize_parameters(params)
    )
    expected = signature.sign_hmac_sha1_with_client(
        base, OAuthClient("consumerkey", "consumersecret", USER.token, USER.secret)
    )
    sent = dict(
        signature.collect_parameters(
            headers={"Authorization": header(request, "Authorization")}, exclude_oauth_signature=False
        )
    )
    return sent["oauth_signature"] == expected


@responses.activate
def test_json_bodies_are_left_out_of_the_oauth_signature(client):
    responses.post(SEND, json=sent_event())
    client.dm_send(USER, recipient_id="1", text="hello")
    request = responses.calls[0].request
    assert signature_verifies(request, with_body=False)


@responses.activate
def test_form_bodies_are_signed(client):
    responses.post(f"{API}/1.1/statuses/update.json", json={"id_str": "77", "text": "hi there"})
    client.status_update(USER, text="hi there")
    request = responses.calls[0].request
    assert header(request, "Content-Type") == "application/x-www-form-urlencoded"
    assert signature_verifies(request, with_body=True)
    assert not signature_verifies(request, with_body=False)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "x" * 10_001}, "text"),
        ({"text": ""}, "text"),
        ({"text": "hi", "quick_replies": [QuickReplyOption(f"o{n}") for n in range(21)]}, "quick_replies"),
        ({"text": "hi", "quick_replies": [QuickReplyOption("x" * 37)]}, "quick_replies[0].label"),
        ({"text": "hi", "quick_replies": [QuickReplyOption("ok", "d" * 73)]}, "quick_replies[0].description"),
        ({"text": "hi", "quick_replies": [QuickReplyOption("ok", "d"), QuickReplyOption("no")]}, "quick_replies"),
        ({"text": "hi", "quick_replies": [QuickReplyOption("ok", metadata="m" * 1001)]}, "quick_replies[0].metadata"),
        ({"text": "hi", "quick_replies": [QuickReplyOption("see https://x.co")]}, "quick_replies[0].label"),
        ({"text": "hi", "buttons": [Button(f"b{n}", "https://x.co") for n in range(4)]}, "buttons"),
        ({"text": "hi", "buttons": [Button("x" * 37, "https://x.co")]}, "buttons[0].label"),
        ({"text": "hi", "buttons": [Button("go", "javascript:alert(1)")]}, "buttons[0].url"),
    ],
)
@responses.activate
def test_limits_are_checked_before_a_request_leaves(client, kwargs, field):
    with pytest.raises(TwitterValidationError) as error:
        client.dm_send(USER, recipient_id="1", **kwargs)
    assert error.value.field == field
    assert len(responses.calls) == 0


@responses.activate
def test_a_media_only_dm_needs_no_text(client):
    responses.post(SEND, json=sent_event())
    client.dm_send(USER, recipient_id="1", text="", media_id="5")
    assert json.loads(responses.calls[0].request.body)["event"]["message_create"]["message_data"]["text"] == ""


def test_welcome_message_text_is_limited_to_9990(client):
    with pytest.raises(TwitterValidationError, match="9,990"):
        client.welcome_message_create(USER, name="welcome", text="x" * 9_991)


def test_custom_profile_names_are_limited_to_48(client):
    with pytest.raises(TwitterValidationError) as error:
        client.custom_profile_create(USER, name="x" * 49, avatar_media_id="1")
    assert error.value.field == "name"


def test_media_of_a_type_its_category_does_not_take_is_refused(client):
    with pytest.raises(TwitterValidationError, match="not accepted"):
        client.media_upload(USER, content=b"x", media_type="application/pdf", category="dm_image")


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (429, 88, RateLimited),
        (401, 32, AuthenticationFailed),
        (403, 89, AuthenticationFailed),
        (401, 135, AuthenticationFailed),
        (403, 93, NotPermitted),
        (403, 150, NotPermitted),
        (403, 349, NotPermitted),
        (403, 214, NotPermitted),
        (404, 34, NotFound),
        (409, 355, Conflict),
        (403, 187, Conflict),
        (403, 354, InvalidRequest),
        (400, 324, InvalidRequest),
        (503, 130, Retryable),
        (500, 131, Retryable),
        (502, 0, Retryable),
    ],
)
@responses.activate
def test_errors_map_to_types_carrying_twitters_code(client, status, code, kind):
    responses.add(twitter_error(status, code, "Twitter says no"))
    with pytest.raises(kind) as error:
        client.dm_send(USER, recipient_id="1", text="hi")
    assert error.value.code == code
    assert error.value.status == status
    assert "Twitter says no" in str(error.value)


@responses.activate
def test_a_token_twitter_no_longer_accepts_is_recognised(client):
    responses.add(twitter_error(401, 89, "Invalid or expired token."))
    with pytest.raises(AuthenticationFailed) as error:
        client.dm_send(USER, recipient_id="1", text="hi")
    assert error.value.token_rejected


@responses.activate
def test_a_rate_limit_carries_the_reset_time(client):
    responses.add(
        twitter_error(
            429, 88, "Rate limit exceeded", **{"x-rate-limit-reset": "1900000000", "x-rate-limit-remaining": "0"}
        )
    )
    with pytest.raises(RateLimited) as error:
        client.dm_send(USER, recipient_id="1", text="hi")
    assert error.value.reset_at == datetime.fromtimestamp(1900000000, tz=UTC)
    assert error.value.rate_limit.remaining == 0


@responses.activate
def test_the_legacy_error_shape_is_understood(client):
    responses.post(SEND, status=500, json={"error": "Something broke"})
    with pytest.raises(Retryable, match="Something broke"):
        client.dm_send(USER, recipient_id="1", text="hi")


def test_a_refused_connection_was_certainly_not_sent():
    dead = V11Client(api_url="http://127.0.0.1:1", consumer_key="k", consumer_secret="s", bearer_token="b")
    with pytest.raises(TransportError) as error:
        dead.dm_send(USER, recipient_id="1", text="hi")
    assert error.value.maybe_sent is False


@responses.activate
def test_a_read_timeout_may_have_been_sent(client):
    responses.post(SEND, body=requests.ReadTimeout("slow"))
    with pytest.raises(TransportError) as error:
        client.dm_send(USER, recipient_id="1", text="hi")
    assert error.value.maybe_sent is True


@responses.activate
def test_timeouts_and_broken_connections_are_retryable(client):
    responses.post(SEND, body=requests.ConnectTimeout("slow"))
    with pytest.raises(TransportError):
        client.dm_send(USER, recipient_id="1", text="hi")
    responses.replace(responses.POST, SEND, body=requests.ConnectionError("refused"))
    with pytest.raises(Retryable):
        client.dm_send(USER, recipient_id="1", text="hi")


@responses.activate
def test_every_call_has_connect_and_read_timeouts(client, monkeypatch):
    seen = {}
    original = requests.Session.request

    def spy(self, method, url, **kwargs):
        seen["timeout"] = kwargs.get("timeout")
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    responses.post(SEND, json=sent_event())
    client.dm_send(USER, recipient_id="1", text="hi")
    connect, read = seen["timeout"]
    assert 0 < connect <= 5
    assert 0 < read <= 60


@responses.activate
def test_already_subscribed_counts_as_success(client):
    url = f"{API}/1.1/account_activity/all/prod/subscriptions.json"
    responses.post(url, status=409, json={"errors": [{"code": 355, "message": "Subscription already exists."}]})
    assert client.subscription_add(USER) is False


@responses.activate
def test_app_only_calls_use_the_bearer_token(client):
    responses.get(
        f"{API}/1.1/account_activity/all/subscriptions/count.json",
        json={"subscriptions_count": "2", "provisioned_count": "15"},
    )
    count = client.subscriptions_count()
    assert (count.subscriptions, count.provisioned, count.remaining) == (2, 15, 13)
    assert header(responses.calls[0].request, "Authorization") == "Bearer bearer-token"


def test_media_is_only_downloaded_from_twitter_hosts(client):
    with pytest.raises(NotPermitted):
        client.media_download(USER, "https://evil.example/steal?x=1")
    with pytest.raises(NotPermitted):
        client.media_download(USER, "http://ton.twitter.com/1.1/ton/data/dm/1/2/a.jpg")  # not https


def test_credentials_never_show_their_secret():
    assert "usersecret" not in repr(USER)
