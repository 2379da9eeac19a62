"""GET and POST /conversations/{id}/messages, and POST /media for a reply's file."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import TwitterAccount
from engagement.models import Attachment, Conversation, CustomProfile, Message, SyncState
from tests.api.conftest import error_fields, png, url
from tests.factories import ConversationFactory, CustomProfileFactory, MessageFactory, TwitterAccountFactory

pytestmark = pytest.mark.django_db

MESSAGE_FIELDS = {
    "id",
    "direction",
    "text",
    "status",
    "error",
    "external_id",
    "quick_replies",
    "quick_reply_response",
    "buttons",
    "custom_profile_id",
    "attachments",
    "created_at",
    "sent_at",
}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": tmp_path}},
    }


def messages_url(conversation: Conversation) -> str:
    return f"/conversations/{conversation.public_id}/messages"


def outbound() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUTBOUND))


# -- reading the thread --------------------------------------------------------------------


def test_every_role_reads_the_thread_with_each_message_as_documented(api_as, member, conversation):
    tapped = MessageFactory(
        conversation=conversation,
        text="Track it",
        quick_reply_response={"type": "options", "metadata": "track"},
        sent_at=datetime(2030, 1, 1, 9, 0, tzinfo=UTC),
    )

    response = api_as(member).get(messages_url(conversation))

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert [item["text"] for item in body["results"]] == ["Where is my parcel?", "Track it"]
    item = body["results"][1]
    assert set(item) == MESSAGE_FIELDS
    assert item == {
        "id": str(tapped.public_id),
        "direction": "inbound",
        "text": "Track it",
        "status": "received",
        "error": "",
        "external_id": tapped.external_id,
        "quick_replies": [],
        "quick_reply_response": {"type": "options", "metadata": "track"},
        "buttons": [],
        "custom_profile_id": None,
        "attachments": [],
        "created_at": item["created_at"],
        "sent_at": "2030-01-01T09:00:00Z",
    }


def test_only_web_links_are_shown_as_buttons(api_as, bob, conversation):
    MessageFactory(
        conversation=conversation,
        direction="outbound",
        origin="other_client",
        status="sent",
        buttons=[
            {"label": "Track", "url": "https://example.com/t"},
            {"label": "Click", "url": " JavaScript:alert(1)"},
            {"label": "Data", "url": "data:text/html,<script>alert(1)</script>"},
        ],
    )

    [_, message] = api_as(bob).get(messages_url(conversation)).json()["results"]

    assert message["buttons"] == [{"label": "Track", "url": "https://example.com/t"}]


def test_the_outsider_gets_404_for_our_thread(outsider, conversation):
    response = outsider.get(messages_url(conversation))

    assert response.status_code == 404
    assert "Where is my parcel?" not in response.text


def test_the_thread_pages_back_to_older_messages(api_as, bob, account_a):
    conversation = ConversationFactory(account=account_a)
    start = datetime(2030, 1, 1, tzinfo=UTC)
    for n in range(5):
        MessageFactory(conversation=conversation, text=f"m{n}", sent_at=start + timedelta(minutes=n))
    api = api_as(bob)

    first = api.get(messages_url(conversation), {"limit": 2}).json()
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()

    assert [m["text"] for m in first["results"]] == ["m3", "m4"]  # the newest, oldest first
    assert [m["text"] for m in second["results"]] == ["m1", "m2"]
    assert [m["text"] for m in third["results"]] == ["m0"]
    assert third["next"] is None


def test_reading_a_long_thread_costs_the_same_queries(api_as, bob, conversation, django_assert_max_num_queries):
    profile = CustomProfileFactory(account=conversation.account, twitter_id="1", sync_state=SyncState.SYNCED)
    for _ in range(20):
        message = MessageFactory(conversation=conversation, custom_profile=profile)
        Attachment.objects.create(brand=conversation.brand, message=message, kind="photo", content_type="image/png")
    api = api_as(bob)

    # The token (and its last use), the conversation, the page and its attachments.
    with django_assert_max_num_queries(6):
        assert len(api.get(messages_url(conversation)).json()["results"]) == 21


def test_a_bad_thread_cursor_or_limit_is_a_400(api_as, bob, conversation):
    api = api_as(bob)

    assert list(error_fields(api.get(messages_url(conversation), {"cursor": "nope"}))) == ["cursor"]
    assert list(error_fields(api.get(messages_url(conversation), {"limit": 500}))) == ["limit"]


# -- replying ------------------------------------------------------------------------------


def test_every_role_replies_and_gets_202_with_the_queued_message(
    api_as, member, conversation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_as(member).post(messages_url(conversation), {"text": "On its way!"})

    assert response.status_code == 202
    [message] = outbound()
    body = response.json()
    assert set(body) == MESSAGE_FIELDS
    assert (body["id"], body["status"], body["direction"], body["text"]) == (
        str(message.public_id),
        "queued",
        "outbound",
        "On its way!",
    )
    assert (message.origin, message.sender_user, message.status) == ("api", member, "queued")
    assert len(callbacks) == 1  # the send task, published after commit


def test_a_reply_carries_quick_replies_buttons_and_a_custom_profile(api_as, bob, conversation):
    profile = CustomProfileFactory(account=conversation.account, twitter_id="77", sync_state=SyncState.SYNCED)

    response = api_as(bob).post(
        messages_url(conversation),
        {
            "text": "Anything else?",
            "quick_replies": [
                {"label": "Yes", "description": "Ask more", "metadata": "more"},
                {"label": "No", "description": "All done"},
            ],
            "buttons": [{"label": "Track", "url": "https://example.com/track"}],
            "custom_profile_id": str(profile.public_id),
        },
    )

    assert response.status_code == 202
    [message] = outbound()
    assert message.quick_replies == [
        {"label": "Yes", "description": "Ask more", "metadata": "more"},
        {"label": "No", "description": "All done"},
    ]
    assert message.buttons == [{"label": "Track", "url": "https://example.com/track"}]
    assert message.custom_profile == profile
    body = response.json()
    assert body["quick_replies"][1] == {"label": "No", "description": "All done", "metadata": ""}
    assert body["buttons"] == [{"label": "Track", "url": "https://example.com/track"}]
    assert body["custom_profile_id"] == str(profile.public_id)


def test_a_reply_without_a_custom_profile_goes_out_as_the_members_default(api_as, bob, conversation):
    profile = CustomProfileFactory(account=conversation.account, twitter_id="77", sync_state=SyncState.SYNCED)
    bob.memberships.update(default_custom_profile=profile)

    response = api_as(bob).post(messages_url(conversation), {"text": "On its way!"})

    assert response.status_code == 202
    assert response.json()["custom_profile_id"] == str(profile.public_id)
    [message] = outbound()
    assert message.custom_profile == profile


def test_a_reply_with_a_null_custom_profile_goes_out_as_the_account_itself(api_as, bob, conversation):
    profile = CustomProfileFactory(account=conversation.account, twitter_id="77", sync_state=SyncState.SYNCED)
    bob.memberships.update(default_custom_profile=profile)

    response = api_as(bob).post(messages_url(conversation), {"text": "On its way!", "custom_profile_id": None})

    assert response.status_code == 202
    assert response.json()["custom_profile_id"] is None
    [message] = outbound()
    assert message.custom_profile is None


def test_a_default_custom_profile_of_another_account_is_not_used(api_as, bob, conversation):
    elsewhere = CustomProfileFactory(
        account=TwitterAccountFactory(brand=conversation.brand), twitter_id="5", sync_state=SyncState.SYNCED
    )
    bob.memberships.update(default_custom_profile=elsewhere)

    response = api_as(bob).post(messages_url(conversation), {"text": "On its way!"})

    assert response.status_code == 202
    [message] = outbound()
    assert message.custom_profile is None


def test_a_public_reply_leaves_out_the_members_default_custom_profile(api_as, bob, account_a):
    mention = ConversationFactory(account=account_a, kind=Conversation.Kind.MENTION)
    profile = CustomProfileFactory(account=account_a, twitter_id="77", sync_state=SyncState.SYNCED)
    bob.memberships.update(default_custom_profile=profile)

    response = api_as(bob).post(messages_url(mention), {"text": "We're on it, DM us your order number"})

    assert response.status_code == 202
    [message] = outbound()
    assert message.custom_profile is None


def test_the_outsider_gets_404_replying_in_our_conversation_and_nothing_is_sent(outsider, conversation):
    response = outsider.post(messages_url(conversation), {"text": "hijack"})

    assert response.status_code == 404
    assert outbound() == []


@pytest.mark.parametrize(
    ("reply", "field"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"text": 42}, "text"),
        ({"text": "nul \x00 here"}, "text"),
        ({"text": "lone \ud800 surrogate"}, "text"),
        ({"text": "hi", "quick_replies": [{"label": "ok", "metadata": "\x00"}]}, "quick_replies"),
        ({"text": "hi", "quick_replies": [{"label": "x" * 37}]}, "quick_replies"),
        ({"text": "hi", "quick_replies": [{"label": "ok"}] * 21}, "quick_replies"),
        ({"text": "hi", "quick_replies": [{"label": "a", "description": "d"}, {"label": "b"}]}, "quick_replies"),
        ({"text": "hi", "quick_replies": [{"description": "no label"}]}, "quick_replies"),
        ({"text": "hi", "quick_replies": [{"label": "a", "colour": "red"}]}, "quick_replies"),
        ({"text": "hi", "buttons": [{"label": "Go", "url": "ftp://example.com"}]}, "buttons"),
        ({"text": "hi", "buttons": [{"label": "Go", "url": "https://example.com"}] * 4}, "buttons"),
        ({"text": "hi", "custom_profile_id": "not-a-uuid"}, "custom_profile_id"),
        ({"text": "hi", "custom_profile_id": "00000000-0000-0000-0000-000000000000"}, "custom_profile_id"),
        ({"text": "hi", "media_id": "00000000-0000-0000-0000-000000000000"}, "media_id"),
        ({"text": "hi", "sender": "someone"}, "sender"),
    ],
)
def test_an_invalid_reply_is_a_400_naming_the_field_and_nothing_is_queued(api_as, bob, conversation, reply, field):
    response = api_as(bob).post(messages_url(conversation), reply)

    assert response.status_code == 400
    assert list(error_fields(response)) == [field]
    assert outbound() == []


@pytest.mark.needs_wire("custom_profiles")
def test_a_profile_that_is_not_synced_or_of_another_account_is_refused(api_as, bob, conversation):
    pending = CustomProfileFactory(account=conversation.account, sync_state=SyncState.PENDING)
    elsewhere = CustomProfileFactory(
        account=TwitterAccountFactory(brand=conversation.brand), twitter_id="5", sync_state=SyncState.SYNCED
    )
    api = api_as(bob)

    for profile in (pending, elsewhere):
        response = api.post(messages_url(conversation), {"text": "hi", "custom_profile_id": str(profile.public_id)})
        assert error_fields(response) == {
            "custom_profile_id": ["choose a custom profile of this account that is synced with Twitter"]
        }
    assert outbound() == []


def test_on_a_wire_without_custom_profiles_any_but_a_deleting_profile_signs_the_reply(
    api_as, bob, conversation, settings
):
    # On X API v2 a custom profile is only a signature line: nothing syncs, so "pending" is fine.
    settings.TWITTER_API_VERSION = "2"
    pending = CustomProfileFactory(account=conversation.account, sync_state=SyncState.PENDING)
    deleting = CustomProfileFactory(account=conversation.account, twitter_id="6", sync_state=SyncState.DELETING)
    api = api_as(bob)

    refused = api.post(messages_url(conversation), {"text": "hi", "custom_profile_id": str(deleting.public_id)})
    assert error_fields(refused) == {
        "custom_profile_id": ["choose a custom profile of this account that is not being deleted"]
    }
    assert outbound() == []
    accepted = api.post(messages_url(conversation), {"text": "hi", "custom_profile_id": str(pending.public_id)})
    assert accepted.status_code == 202
    assert [m.custom_profile_id for m in outbound()] == [pending.pk]


def test_another_brands_custom_profile_is_refused_as_unknown(api_as, bob, conversation, brand_b):
    theirs = CustomProfile.objects.create(
        brand=brand_b, account=TwitterAccountFactory(brand=brand_b), name="B", sync_state=SyncState.SYNCED
    )

    response = api_as(bob).post(messages_url(conversation), {"text": "hi", "custom_profile_id": str(theirs.public_id)})

    assert error_fields(response) == {"custom_profile_id": ["no such custom profile"]}


def test_a_public_reply_cannot_carry_quick_replies(api_as, bob, account_a):
    mention = ConversationFactory(account=account_a, kind=Conversation.Kind.MENTION)

    response = api_as(bob).post(messages_url(mention), {"text": "Thanks!", "quick_replies": [{"label": "ok"}]})

    assert response.status_code == 400
    assert list(error_fields(response)) == ["text"]


def test_a_disconnected_account_cannot_reply(api_as, bob, conversation):
    TwitterAccount.objects.filter(pk=conversation.account_id).update(state=TwitterAccount.State.DISCONNECTED)

    response = api_as(bob).post(messages_url(conversation), {"text": "hello?"})

    assert response.status_code == 400
    assert "disconnected" in error_fields(response)["account"][0]


# -- Idempotency-Key -----------------------------------------------------------------------


def test_a_repeated_idempotency_key_answers_the_first_message_without_sending_again(
    api_as, bob, conversation, django_capture_on_commit_callbacks
):
    api = api_as(bob)
    with django_capture_on_commit_callbacks() as callbacks:
        first = api.post(messages_url(conversation), {"text": "Once"}, **{"Idempotency-Key": "order-4411-reply"})
        again = api.post(messages_url(conversation), {"text": "Once"}, **{"Idempotency-Key": "order-4411-reply"})

    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json()
    assert len(outbound()) == 1
    assert len(callbacks) == 1


def test_different_keys_or_no_key_send_separate_replies(api_as, bob, conversation):
    api = api_as(bob)

    api.post(messages_url(conversation), {"text": "One"}, **{"Idempotency-Key": "a"})
    api.post(messages_url(conversation), {"text": "Two"}, **{"Idempotency-Key": "b"})
    api.post(messages_url(conversation), {"text": "Three"})
    api.post(messages_url(conversation), {"text": "Four"})

    assert len(outbound()) == 4


def test_a_key_used_in_another_conversation_is_a_400(api_as, bob, conversation, account_a):
    other = ConversationFactory(account=account_a)
    api = api_as(bob)
    api.post(messages_url(conversation), {"text": "hi"}, **{"Idempotency-Key": "k-1"})

    response = api.post(messages_url(other), {"text": "hi"}, **{"Idempotency-Key": "k-1"})

    assert response.status_code == 400
    assert list(error_fields(response)) == ["Idempotency-Key"]
    assert len(outbound()) == 1


def test_keys_belong_to_their_brand(api_as, bob, outsider, conversation, brand_b):
    theirs = ConversationFactory(account=TwitterAccountFactory(brand=brand_b))
    api_as(bob).post(messages_url(conversation), {"text": "ours"}, **{"Idempotency-Key": "same"})

    response = outsider.post(messages_url(theirs), {"text": "theirs"}, **{"Idempotency-Key": "same"})

    assert response.status_code == 202
    assert response.json()["text"] == "theirs"


def test_an_overlong_key_is_a_400(api_as, bob, conversation):
    response = api_as(bob).post(messages_url(conversation), {"text": "hi"}, **{"Idempotency-Key": "k" * 129})

    assert list(error_fields(response)) == ["Idempotency-Key"]
    assert outbound() == []


# -- media ---------------------------------------------------------------------------------


def test_every_role_uploads_an_image_then_replies_with_it(api_as, member, client, conversation):
    api = api_as(member)

    uploaded = api.upload("/media", {"file": png()})

    assert uploaded.status_code == 201
    media = uploaded.json()
    assert (media["kind"], media["content_type"], media["size"]) == ("photo", "image/png", 70)
    reply = api.post(messages_url(conversation), {"text": "Here it is", "media_id": media["media_id"]})
    assert reply.status_code == 202
    [attachment] = reply.json()["attachments"]
    assert attachment == {
        "id": media["media_id"],
        "kind": "photo",
        "content_type": "image/png",
        "url": f"http://testserver/api/v1/media/{media['media_id']}",
    }
    assert Attachment.objects.get().message == Message.objects.get(public_id=reply.json()["id"])
    # The URL answers the same token with the file, never letting it run as a page.
    served = api.get(attachment["url"])
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png" and "sandbox" in served["Content-Security-Policy"]
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


def test_an_attachment_downloads_only_with_a_token_of_its_brand(api_as, bob, outsider, client):
    media_id = api_as(bob).upload("/media", {"file": png()}).json()["media_id"]

    assert outsider.get(f"/media/{media_id}").status_code == 404
    assert client.get(url(f"/media/{media_id}")).status_code == 401
    assert api_as(bob).get(f"/media/{uuid.uuid4()}").status_code == 404
    assert api_as(bob).get("/media/not-an-id").status_code == 404


def test_a_reply_may_be_media_alone(api_as, bob, conversation):
    api = api_as(bob)
    media_id = api.upload("/media", {"file": png()}).json()["media_id"]

    assert api.post(messages_url(conversation), {"media_id": media_id}).status_code == 202


def test_media_is_used_once(api_as, bob, conversation):
    api = api_as(bob)
    media_id = api.upload("/media", {"file": png()}).json()["media_id"]
    api.post(messages_url(conversation), {"text": "first", "media_id": media_id})

    response = api.post(messages_url(conversation), {"text": "second", "media_id": media_id})

    assert list(error_fields(response)) == ["media_id"]
    assert len(outbound()) == 1


def test_another_brands_upload_cannot_be_sent_in_ours(api_as, bob, outsider, conversation):
    theirs = outsider.upload("/media", {"file": png()})
    assert theirs.status_code == 201

    response = api_as(bob).post(messages_url(conversation), {"text": "hi", "media_id": theirs.json()["media_id"]})

    assert list(error_fields(response)) == ["media_id"]
    assert Attachment.objects.get().brand.slug == "bolt"
    assert outbound() == []


@pytest.mark.parametrize(
    "upload",
    [
        {},
        {"file": SimpleUploadedFile("notes.txt", b"just some text", content_type="image/png")},
        {"file": SimpleUploadedFile("empty.png", b"", content_type="image/png")},
    ],
)
def test_an_upload_that_is_missing_or_not_media_is_a_400_naming_file(api_as, bob, upload):
    response = api_as(bob).upload("/media", upload)

    assert response.status_code == 400
    assert list(error_fields(response)) == ["file"]
    assert not Attachment.objects.exists()


def test_a_repeated_upload_key_answers_the_first_upload(api_as, bob):
    api = api_as(bob)

    first = api.upload("/media", {"file": png()}, **{"Idempotency-Key": "pixel-1"})
    again = api.upload("/media", {"file": png()}, **{"Idempotency-Key": "pixel-1"})
    other = api.upload("/media", {"file": png()}, **{"Idempotency-Key": "pixel-2"})

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 201)
    assert again.json() == first.json()
    assert other.json()["media_id"] != first.json()["media_id"]
    assert Attachment.objects.count() == 2


def test_an_upload_without_a_token_is_refused(client):
    response = client.post("/api/v1/media", {"file": png()})

    assert response.status_code == 401
    assert not Attachment.objects.exists()


def test_a_malformed_multipart_upload_is_a_400(api_as, bob):
    api = api_as(bob)

    response = api.client.post(
        "/api/v1/media",
        b"--nothing",
        content_type="multipart/form-data",  # no boundary
        headers={"Authorization": f"Bearer {api.secret}"},
    )

    assert response.status_code == 400
    assert list(error_fields(response)) == ["file"]


def test_an_oversized_json_body_is_a_413(api_as, bob, conversation, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = api_as(bob).post(messages_url(conversation), {"text": "x" * 2000})

    assert response.status_code == 413
    error_fields(response)
    assert outbound() == []
