"""On a wire without quick replies, buttons, custom profiles, welcome messages, typing and read
receipts (X API v2), Roost says so where people work and rewrites replies as text, never
dropping anything in silence. The v1.1 twin of each check shows nothing changes there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import CustomProfile, Message, SyncState, WelcomeMessage
from engagement.services.custom_profiles import custom_profile_create, custom_profile_delete
from engagement.services.inbound import direct_message_record
from engagement.services.receipts import conversation_indicate_typing, conversation_mark_read
from engagement.services.welcome import welcome_message_create
from engagement.services.wire import message_delivered_text, typed_option_answer
from tests.engagement.support import admin_url
from tests.factories import ConversationFactory, CustomProfileFactory, MessageFactory, TwitterAccountFactory
from webhooks.parsing import DirectMessage

pytestmark = pytest.mark.django_db

MENU = [
    {"label": "Order status", "description": "Where is my order?", "metadata": "menu:orders"},
    {"label": "Returns", "description": "Send something back", "metadata": "menu:returns"},
    {"label": "Talk to a person", "description": "Someone answers", "metadata": "menu:human"},
]


@pytest.fixture
def v2(settings):
    settings.TWITTER_API_VERSION = "2"


@pytest.fixture
def conversation(brand_a):
    return ConversationFactory(account=TwitterAccountFactory(brand=brand_a))


def offer_menu(conversation, **fields) -> Message:
    values = {"text": "How can we help?", "quick_replies": MENU, "direction": "outbound", "origin": "bot"}
    values.update(status="sent", sent_at=timezone.now())
    return MessageFactory(conversation=conversation, **{**values, **fields})


def customer_types(conversation, text: str) -> Message:
    event = DirectMessage(
        id=str(9_100_000_000 + Message.objects.count()),
        created_at=timezone.now(),
        sender_id=conversation.contact.twitter_user_id,
        recipient_id=conversation.account.twitter_user_id,
        text=text,
    )
    return direct_message_record(account=conversation.account, event=event, users={}).message


# -- typed answers -------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "metadata"), [("2", "menu:returns"), ("talk to a person", "menu:human")])
def test_on_v2_a_typed_number_or_label_counts_as_tapping_that_option(v2, conversation, typed, metadata):
    offer_menu(conversation)
    message = customer_types(conversation, typed)
    assert message.quick_reply_response["metadata"] == metadata
    assert message.quick_reply_response["typed"] is True


def test_on_v2_text_naming_no_option_stays_plain_text(v2, conversation):
    offer_menu(conversation)
    assert customer_types(conversation, "7").quick_reply_response is None
    assert customer_types(conversation, "I have a question").quick_reply_response is None


def test_on_v2_only_the_latest_recent_menu_is_answered(v2, conversation):
    offer_menu(conversation, sent_at=timezone.now() - timedelta(hours=30))
    assert typed_option_answer(conversation=conversation, text="2") is None
    offer_menu(conversation, quick_replies=[{"label": "Yes", "metadata": "yes"}, {"label": "No", "metadata": "no"}])
    assert typed_option_answer(conversation=conversation, text="2")["metadata"] == "no"


@pytest.mark.wire_1_1
def test_on_v1_1_customers_tap_so_typed_numbers_stay_text(conversation):
    offer_menu(conversation)
    assert customer_types(conversation, "2").quick_reply_response is None


def test_the_thread_says_an_option_was_chosen_by_typing(v2, client, bob, conversation):
    offer_menu(conversation)
    customer_types(conversation, "2")
    client.force_login(bob)
    page = client.get(reverse("conversation", args=[conversation.public_id])).text
    assert "Chose option 2, “Returns”, by typing it" in page


# -- what is delivered, and matching our own messages by it --------------------------------


def test_the_delivered_text_is_what_the_wire_sends(v2, conversation):
    profile = CustomProfileFactory(account=conversation.account, name="Jon C")
    message = offer_menu(
        conversation, custom_profile=profile, buttons=[{"label": "Track", "url": "https://example.com/t"}]
    )
    assert message_delivered_text(message) == (
        "How can we help?\n\n1. Order status (Where is my order?)\n2. Returns (Send something back)\n"
        "3. Talk to a person (Someone answers)\nReply with a number or an option's name.\n\n"
        "Track: https://example.com/t\n\n— Jon C"
    )


def test_on_v2_an_echo_carrying_the_numbered_list_settles_the_send_in_flight(v2, conversation, settings):
    settings.TWITTER_APP_ID = "777"
    message = offer_menu(conversation, status="sending", sent_at=None, claimed_at=timezone.now(), external_id=None)
    echo = DirectMessage(
        id="9200000000001",
        created_at=timezone.now(),
        sender_id=conversation.account.twitter_user_id,
        recipient_id=conversation.contact.twitter_user_id,
        text=message_delivered_text(message),
        source_app_id="777",
    )
    recorded = direct_message_record(account=conversation.account, event=echo, users={})
    message.refresh_from_db()
    assert recorded.message == message
    assert (message.status, message.external_id) == ("sent", "9200000000001")
    assert conversation.messages.count() == 1


# -- the composer ----------------------------------------------------------------------------


def test_on_v2_the_composer_previews_exactly_what_the_customer_receives(v2, client, bob, conversation):
    client.force_login(bob)
    page = client.get(reverse("conversation", args=[conversation.public_id])).text
    assert "X API v2" in page and "numbered list" in page
    preview = client.post(
        reverse("composer_preview", args=[conversation.public_id]),
        {"text": "Pick one", "quick_replies": "Small\nLarge", "buttons": "Shop | https://example.com/shop"},
    )
    assert preview.status_code == 200
    assert (
        "Pick one\n\n1. Small\n2. Large\nReply with a number or an option&#x27;s name.\n\nShop: https://example.com/shop"
        in (preview.text)
    )


def test_the_preview_names_what_is_wrong_and_still_renders(v2, client, bob, conversation):
    client.force_login(bob)
    preview = client.post(
        reverse("composer_preview", args=[conversation.public_id]), {"text": "Hi", "buttons": "Shop | ftp://x"}
    )
    assert preview.status_code == 200 and 'role="alert"' in preview.text and "Hi" in preview.text


@pytest.mark.wire_1_1
def test_on_v1_1_the_composer_has_no_preview(client, bob, conversation):
    client.force_login(bob)
    page = client.get(reverse("conversation", args=[conversation.public_id])).text
    assert "composer-preview" not in page and "numbered list" not in page


def test_the_outsider_gets_no_preview_of_our_conversation(v2, client, charlie, conversation):
    client.force_login(charlie)
    response = client.post(reverse("composer_preview", args=[conversation.public_id]), {"text": "Hi"})
    assert response.status_code == 404


# -- welcome messages, custom profiles, typing and read receipts ----------------------------


def test_on_v2_welcome_messages_are_read_only_with_the_reason(v2, client, alice, conversation):
    WelcomeMessage.objects.create(brand=conversation.brand, account=conversation.account, name="hello", text="Hi")
    client.force_login(alice)
    listing = client.get(admin_url(WelcomeMessage, "changelist"))
    assert "Welcome messages are not available on X API v2" in listing.text
    assert client.get(admin_url(WelcomeMessage, "add")).status_code == 403
    with pytest.raises(Exception, match="not available on X API v2"):
        welcome_message_create(account=conversation.account, name="new", text="Hi")
    assert WelcomeMessage.objects.count() == 1


def test_on_v2_a_custom_profile_is_a_name_used_as_a_signature(v2, client, alice, bob, conversation, settings):
    profile = custom_profile_create(account=conversation.account, name="Jon C", avatar=None)
    assert profile.sync_state == SyncState.PENDING and profile.twitter_id is None  # nothing to sync
    client.force_login(alice)
    assert (
        "sent as one ends with its name as a signature line" in client.get(admin_url(CustomProfile, "changelist")).text
    )
    client.force_login(bob)
    page = client.get(reverse("conversation", args=[conversation.public_id])).text
    assert "Jon C" in page and "signed with the name" in page
    assert custom_profile_delete(custom_profile=profile) is True
    assert not CustomProfile.objects.exists()


def test_on_v2_no_typing_indicator_or_read_receipt_is_queued(v2, conversation, django_capture_on_commit_callbacks):
    MessageFactory(conversation=conversation, text="Hello?")
    with django_capture_on_commit_callbacks() as callbacks:
        assert conversation_indicate_typing(conversation=conversation) is False
        assert conversation_mark_read(conversation=conversation) is False
    assert callbacks == []
