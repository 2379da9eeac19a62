"""Direct Messages over HTTP: every documented limit (twitter-api.md §6.1), the DM rate
limit, listing and deleting, typing and read receipts."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from sandbox.models import SandboxDelivery, SandboxDirectMessage
from sandbox.services import customer_send_dm
from tests.sandbox.conftest import subscribe
from tests.sandbox.support import PNG_1x1

NEW = "direct_messages/events/new.json"


def dm(twitter, auth, recipient, **message_data):
    event = {
        "type": "message_create",
        "message_create": {"target": {"recipient_id": str(recipient.id)}, "message_data": message_data},
    }
    return twitter.call("POST", NEW, auth=auth, json={"event": event})


def refused(response, status: int, code: int) -> str:
    assert response.status_code == status, response.text
    error = response.json()["errors"][0]
    assert error["code"] == code
    return error["message"]


def options(count: int = 1, **fields):
    return {"type": "options", "options": [{"label": f"Option {i}", **fields} for i in range(count)]}


def test_text_up_to_10000_characters_is_sent(twitter, brand_auth, customer):
    assert dm(twitter, brand_auth, customer, text="x" * 10_000).status_code == 200


def test_text_over_10000_characters_is_354_and_nothing_is_sent(twitter, brand_auth, customer):
    message = refused(dm(twitter, brand_auth, customer, text="x" * 10_001), 403, 354)
    assert message == "The text of your direct message is over the max character limit."
    assert not SandboxDirectMessage.objects.exists()


@pytest.mark.parametrize("text", ["", "   \n"])
def test_a_message_with_no_text_and_no_attachment_is_151_and_nothing_is_sent(twitter, brand_auth, customer, text):
    message = refused(dm(twitter, brand_auth, customer, text=text), 403, 151)
    assert message == (
        "There was an error sending your message: "
        "message_data.text is required: a message without an attachment needs text."
    )
    assert not SandboxDirectMessage.objects.exists()


def test_an_attachment_may_stand_in_for_the_text(twitter, brand_auth, customer):
    media_id = twitter.call(
        "POST",
        "media/upload.json",
        auth=brand_auth,
        files={"media": ("a.png", PNG_1x1)},
        data={"media_category": "dm_image"},
    ).json()["media_id_string"]
    attachment = {"type": "media", "media": {"id": media_id}}
    response = dm(twitter, brand_auth, customer, text="", attachment=attachment)
    assert response.status_code == 200, response.text
    assert SandboxDirectMessage.objects.get().media_id == int(media_id)


@pytest.mark.parametrize(
    ("quick_reply", "accepted"),
    [
        (options(20), True),
        (options(21), False),
        ({"type": "options", "options": [{"label": "x" * 36}]}, True),
        ({"type": "options", "options": [{"label": "x" * 37}]}, False),
        ({"type": "options", "options": [{"label": "a", "description": "d" * 72}]}, True),
        ({"type": "options", "options": [{"label": "a", "description": "d" * 73}]}, False),
        ({"type": "options", "options": [{"label": "a", "description": "d"}, {"label": "b"}]}, False),
        ({"type": "options", "options": [{"label": "a", "metadata": "m" * 1000}]}, True),
        ({"type": "options", "options": [{"label": "a", "metadata": "m" * 1001}]}, False),
        ({"type": "options", "options": [{"label": "see https://example.com"}]}, False),
        ({"type": "text_input"}, False),
        ({"type": "options", "options": []}, False),
    ],
)
def test_quick_reply_limits(twitter, brand_auth, customer, quick_reply, accepted):
    response = dm(twitter, brand_auth, customer, text="Pick one", quick_reply=quick_reply)
    if accepted:
        assert response.status_code == 200, response.text
    else:
        assert refused(response, 403, 151).startswith("There was an error sending your message: ")
        assert not SandboxDirectMessage.objects.exists()


@pytest.mark.parametrize(
    ("ctas", "accepted"),
    [
        ([{"type": "web_url", "label": f"B{i}", "url": "https://example.com"} for i in range(3)], True),
        ([{"type": "web_url", "label": f"B{i}", "url": "https://example.com"} for i in range(4)], False),
        ([{"type": "web_url", "label": "x" * 36, "url": "http://example.com"}], True),
        ([{"type": "web_url", "label": "x" * 37, "url": "https://example.com"}], False),
        ([{"type": "web_url", "label": "Go", "url": "javascript:alert(1)"}], False),
        ([{"type": "web_url", "label": "Go", "url": "example.com"}], False),
        ([{"type": "postback", "label": "Go", "url": "https://example.com"}], False),
        ([], False),
    ],
)
def test_button_limits(twitter, brand_auth, customer, ctas, accepted):
    response = dm(twitter, brand_auth, customer, text="Buttons", ctas=ctas)
    assert (response.status_code == 200) is accepted, response.text
    if not accepted:
        refused(response, 403, 151)


def test_the_response_is_the_created_event(twitter, brand, brand_auth, customer):
    event = dm(twitter, brand_auth, customer, text="Hello #order @jordan").json()["event"]
    stored = SandboxDirectMessage.objects.get()
    assert event["id"] == str(stored.id)
    assert event["type"] == "message_create"
    assert event["created_timestamp"].isdigit()
    assert event["message_create"]["sender_id"] == str(brand.id)
    assert event["message_create"]["target"] == {"recipient_id": str(customer.id)}
    entities = event["message_create"]["message_data"]["entities"]
    assert entities["hashtags"][0]["text"] == "order"
    assert entities["user_mentions"][0]["id_str"] == str(customer.id)


@pytest.mark.parametrize("recipient_id", ["42", "99999999999999999999999"], ids=["unknown", "beyond any id"])
def test_an_unknown_recipient_is_349(twitter, brand_auth, recipient_id):
    event = {
        "type": "message_create",
        "message_create": {"target": {"recipient_id": recipient_id}, "message_data": {"text": "?"}},
    }
    refused(twitter.call("POST", NEW, auth=brand_auth, json={"event": event}), 403, 349)
    assert not SandboxDirectMessage.objects.exists()


@pytest.mark.parametrize(
    "message_data",
    [
        {"text": "a\u0000b"},
        {"text": "half an emoji \ud83d"},
        {"text": "ok", "quick_reply": {"type": "options", "options": [{"label": "x", "metadata": "\ud800"}]}},
    ],
)
def test_text_the_database_cannot_store_is_refused_with_44(twitter, brand_auth, customer, message_data):
    # JSON escapes make NUL and unpaired surrogates; PostgreSQL stores neither (it was a 500).
    message = refused(dm(twitter, brand_auth, customer, **message_data), 400, 44)
    assert "NUL" in message
    assert not SandboxDirectMessage.objects.exists()


def test_an_escaped_backslash_is_only_text(twitter, brand_auth, customer):
    assert dm(twitter, brand_auth, customer, text="C:\\u0000 is a path").status_code == 200
    assert SandboxDirectMessage.objects.get().text == "C:\\u0000 is a path"


def test_a_recipient_with_closed_dms_who_does_not_follow_is_150(twitter, brand_auth, customer):
    customer.accepts_dms_from_anyone = False
    customer.save()
    refused(dm(twitter, brand_auth, customer, text="Hi"), 403, 150)


def test_a_form_encoded_body_is_refused_like_twitter_does(twitter, brand_auth, customer):
    response = twitter.call("POST", NEW, auth=brand_auth, data={"text": "hi", "recipient_id": str(customer.id)})
    refused(response, 401, 32)


def test_a_custom_profile_of_someone_else_is_refused(twitter, brand_auth, customer):
    event = {
        "type": "message_create",
        "message_create": {
            "target": {"recipient_id": str(customer.id)},
            "message_data": {"text": "Hi"},
            "custom_profile_id": "123",
        },
    }
    refused(twitter.call("POST", NEW, auth=brand_auth, json={"event": event}), 403, 151)


# --- the DM rate limit -----------------------------------------------------------------------
def test_the_daily_limit_is_429_with_rate_limit_headers(twitter, brand_auth, customer, settings):
    settings.SANDBOX_DM_DAILY_LIMIT = 3
    for number in range(3):
        assert dm(twitter, brand_auth, customer, text=f"Hello {number}").status_code == 200
    response = dm(twitter, brand_auth, customer, text="One too many")
    assert response.status_code == 429
    assert response.json() == {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}
    assert response.headers["x-rate-limit-limit"] == "3"
    assert response.headers["x-rate-limit-remaining"] == "0"
    reset = int(response.headers["x-rate-limit-reset"])
    assert 0 < reset - timezone.now().timestamp() <= 24 * 3600 + 1
    assert SandboxDirectMessage.objects.count() == 3


def test_five_replies_after_an_incoming_message_do_not_count(twitter, brand, brand_auth, customer, settings):
    settings.SANDBOX_DM_DAILY_LIMIT = 1
    assert dm(twitter, brand_auth, customer, text="Counted").status_code == 200
    assert dm(twitter, brand_auth, customer, text="Over").status_code == 429
    customer_send_dm(sender=customer, recipient=brand, text="Help me")
    for number in range(5):
        assert dm(twitter, brand_auth, customer, text=f"Free reply {number}").status_code == 200
    assert dm(twitter, brand_auth, customer, text="Sixth reply").status_code == 429
    customer_send_dm(sender=customer, recipient=brand, text="Still there?")
    assert dm(twitter, brand_auth, customer, text="A new allowance").status_code == 200


def test_the_limit_rolls_over_after_24_hours(twitter, brand, brand_auth, customer, settings):
    settings.SANDBOX_DM_DAILY_LIMIT = 1
    with time_machine.travel(timezone.now() - timezone.timedelta(hours=25)):
        assert dm(twitter, brand_auth, customer, text="Yesterday").status_code == 200
    assert dm(twitter, brand_auth, customer, text="New day").status_code == 200
    assert dm(twitter, brand_auth, customer, text="Over again").status_code == 429


# --- list, show, destroy, typing, read ---------------------------------------------------------
def test_list_pages_newest_first_with_a_cursor(twitter, brand_auth, customer):
    for number in range(3):
        dm(twitter, brand_auth, customer, text=f"m{number}")
    first = twitter.call("GET", "direct_messages/events/list.json", auth=brand_auth, params={"count": 2}).json()
    assert [event["message_create"]["message_data"]["text"] for event in first["events"]] == ["m2", "m1"]
    rest = twitter.call(
        "GET", "direct_messages/events/list.json", auth=brand_auth, params={"count": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [event["message_create"]["message_data"]["text"] for event in rest["events"]] == ["m0"]
    assert "next_cursor" not in rest


def test_show_and_destroy_only_from_the_callers_view(twitter, brand, brand_auth, customer):
    from sandbox.services import sandbox_token_issue

    event_id = dm(twitter, brand_auth, customer, text="Delete me").json()["event"]["id"]
    shown = twitter.call("GET", "direct_messages/events/show.json", auth=brand_auth, params={"id": event_id})
    assert shown.json()["event"]["id"] == event_id
    assert (
        twitter.call(
            "DELETE", "direct_messages/events/destroy.json", auth=brand_auth, params={"id": event_id}
        ).status_code
        == 204
    )
    gone = twitter.call("GET", "direct_messages/events/show.json", auth=brand_auth, params={"id": event_id})
    refused(gone, 404, 34)
    customer_auth = sandbox_token_issue(user=customer)
    kept = twitter.call("GET", "direct_messages/events/show.json", auth=customer_auth, params={"id": event_id})
    assert kept.status_code == 200


def test_show_needs_an_id(twitter, brand_auth):
    message = refused(twitter.call("GET", "direct_messages/events/show.json", auth=brand_auth), 400, 38)
    assert message == "id parameter is missing."


def test_typing_and_read_receipts_are_delivered_to_the_subscribed_customer(twitter, brand, brand_auth, customer):
    subscribe(customer)
    incoming = customer_send_dm(sender=customer, recipient=brand, text="Hi")
    SandboxDelivery.objects.all().delete()
    typing = twitter.call(
        "POST", "direct_messages/indicate_typing.json", auth=brand_auth, data={"recipient_id": customer.id}
    )
    assert typing.status_code == 204
    read = twitter.call(
        "POST",
        "direct_messages/mark_read.json",
        auth=brand_auth,
        data={"recipient_id": customer.id, "last_read_event_id": incoming.id},
    )
    assert read.status_code == 204
    bodies = [json.loads(row.body) for row in SandboxDelivery.objects.order_by("id")]
    assert [body["for_user_id"] for body in bodies] == [str(customer.id), str(customer.id)]
    typing_event = bodies[0]["direct_message_indicate_typing_events"][0]
    assert typing_event["sender_id"] == str(brand.id)
    assert typing_event["target"] == {"recipient_id": str(customer.id)}
    read_event = bodies[1]["direct_message_mark_read_events"][0]
    assert read_event["last_read_event_id"] == str(incoming.id)
    assert set(bodies[1]["users"]) == {str(brand.id), str(customer.id)}


def test_typing_needs_a_recipient(twitter, brand_auth):
    refused(twitter.call("POST", "direct_messages/indicate_typing.json", auth=brand_auth), 400, 38)


def test_mark_read_refuses_a_message_from_another_conversation(twitter, brand_auth, customer):
    refused(
        twitter.call(
            "POST",
            "direct_messages/mark_read.json",
            auth=brand_auth,
            data={"recipient_id": customer.id, "last_read_event_id": "123"},
        ),
        400,
        44,
    )


def test_the_first_dm_after_a_welcome_message_carries_initiated_via(brand, customer):
    from sandbox.models import SandboxWelcomeMessage

    welcome = SandboxWelcomeMessage.objects.create(owner=brand, message_data={"text": "Welcome!"})
    sent = customer_send_dm(sender=customer, recipient=brand, text="Hi", welcome_message_id=welcome.id)
    assert sent.initiated_via == {"welcome_message_id": str(welcome.id)}


def test_unsubscribed_accounts_get_no_events(brand, customer):
    customer_send_dm(sender=customer, recipient=brand, text="Nobody listens")
    assert not SandboxDelivery.objects.exists()
    assert settings.TWITTER_APP_ID
