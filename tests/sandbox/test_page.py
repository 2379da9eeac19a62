"""The customer's page at /sandbox/ (Django's test client)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sandbox.models import (
    SandboxAccessToken,
    SandboxCustomProfile,
    SandboxDelivery,
    SandboxDirectMessage,
    SandboxFollow,
    SandboxMedia,
    SandboxTweet,
    SandboxUser,
    SandboxWelcomeMessage,
    SandboxWelcomeMessageRule,
)
from sandbox.services import sandbox_token_issue, user_mark_read, user_typing
from sandbox.services.messages import dm_send
from sandbox.web.session import COOKIE
from tests.factories import UserFactory
from tests.sandbox.conftest import subscribe
from tests.sandbox.support import PNG_1x1


@pytest.fixture
def playing(client, customer) -> Client:
    """The browser, playing the customer."""
    response = client.post("/sandbox/session", {"user_id": customer.id})
    assert response.status_code == 302
    return client


def brand_says(brand, customer, text="Hi there", **message_data):
    event = {
        "type": "message_create",
        "message_create": {
            "target": {"recipient_id": str(customer.id)},
            "message_data": {"text": text, **message_data},
        },
    }
    return dm_send(sender=brand, event=event)


def test_the_page_asks_who_you_are_first(client, db):
    response = client.get("/sandbox/")
    assert response.status_code == 200
    assert b"Who are you on Twitter?" in response.content
    assert b"roost_demo" in response.content  # the app owner is there on a fresh database


def test_playing_a_customer_does_not_log_the_agent_out(client, customer):
    agent = UserFactory(username="agent", email="agent@example.com")
    client.force_login(agent)
    client.post("/sandbox/session", {"user_id": customer.id})
    assert COOKIE in client.cookies
    assert client.session["_auth_user_id"] == str(agent.pk)
    client.post("/sandbox/session/leave")
    assert client.session["_auth_user_id"] == str(agent.pk)


def test_creating_an_account_plays_it(client, db):
    client.post("/sandbox/session/new", {"screen_name": "new_person", "name": "New Person"})
    response = client.get("/sandbox/")
    assert b"Playing <strong>New Person</strong>" in response.content


def test_a_bad_screen_name_is_explained(client, db):
    response = client.post("/sandbox/session/new", {"screen_name": "no spaces allowed"}, follow=True)
    assert b"a screen name is 1 to 15 letters" in response.content


def test_a_forged_cookie_is_ignored(client, customer):
    client.cookies[COOKIE] = str(customer.id)  # unsigned
    assert b"Who are you on Twitter?" in client.get("/sandbox/").content


def test_forms_need_the_csrf_token(customer):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/sandbox/session", {"user_id": customer.id}).status_code == 403


def test_accounts_can_be_searched(playing, brand):
    response = playing.get("/sandbox/", {"q": "acm"})
    assert b"@acme" in response.content


def test_the_thread_shows_the_default_welcome_message_and_its_quick_replies(playing, brand, customer):
    options = {
        "type": "options",
        "options": [{"label": "Track my order", "metadata": "track", "description": "Where is it?"}],
    }
    welcome = SandboxWelcomeMessage.objects.create(
        owner=brand, message_data={"text": "Welcome to Acme!", "quick_reply": options}
    )
    SandboxWelcomeMessageRule.objects.create(owner=brand, welcome_message=welcome)
    page = playing.get(f"/sandbox/messages/{brand.id}/")
    assert b"Welcome to Acme!" in page.content
    assert b"Track my order" in page.content
    playing.post(f"/sandbox/messages/{brand.id}/send", {"source": f"welcome:{welcome.id}", "option": "0"})
    dm = SandboxDirectMessage.objects.get()
    assert dm.text == "Track my order"
    assert dm.message_data["quick_reply_response"] == {"type": "options", "metadata": "track"}
    assert dm.initiated_via == {"welcome_message_id": str(welcome.id)}
    assert dm.source_app_id == "3033300"
    assert b"Welcome to Acme!" not in playing.get(f"/sandbox/messages/{brand.id}/").content


def test_a_deep_link_names_the_welcome_message_and_prefills_text(playing, brand):
    default = SandboxWelcomeMessage.objects.create(owner=brand, message_data={"text": "The default"})
    SandboxWelcomeMessageRule.objects.create(owner=brand, welcome_message=default)
    special = SandboxWelcomeMessage.objects.create(owner=brand, message_data={"text": "From the campaign"})
    response = playing.get(
        "/sandbox/messages/compose",
        {"recipient_id": brand.id, "welcome_message_id": special.id, "text": "I saw your ad"},
        follow=True,
    )
    assert b"From the campaign" in response.content
    assert b"The default" not in response.content
    assert b"I saw your ad" in response.content
    playing.post(f"/sandbox/messages/{brand.id}/send", {"text": "Hello"})
    assert SandboxDirectMessage.objects.get().initiated_via == {"welcome_message_id": str(special.id)}


def test_a_brand_reply_shows_quick_replies_buttons_and_tapping_sends_the_label(playing, brand, customer):
    options = {
        "type": "options",
        "options": [{"label": "Yes", "metadata": "yes-1"}, {"label": "No", "metadata": "no-1"}],
    }
    ctas = [{"type": "web_url", "label": "See order", "url": "https://example.com/o/1"}]
    question = brand_says(brand, customer, "Did it arrive?", quick_reply=options, ctas=ctas)
    page = playing.get(f"/sandbox/messages/{brand.id}/")
    assert b'href="https://example.com/o/1"' in page.content
    assert b'rel="noopener noreferrer"' in page.content
    playing.post(f"/sandbox/messages/{brand.id}/send", {"source": f"dm:{question.id}", "option": "1"})
    answer = SandboxDirectMessage.objects.filter(sender=customer).get()
    assert (answer.text, answer.message_data["quick_reply_response"]["metadata"]) == ("No", "no-1")


def test_replies_under_a_custom_profile_show_its_name_and_avatar(playing, brand, customer):
    avatar = SandboxMedia.objects.create(
        owner=brand,
        media_type="image/png",
        media_category="dm_image",
        shared=True,
        expires_at=timezone.now() + timedelta(days=1),
    )
    profile = SandboxCustomProfile.objects.create(owner=brand, name="Jon from Acme", avatar=avatar)
    event = {
        "type": "message_create",
        "message_create": {
            "target": {"recipient_id": str(customer.id)},
            "message_data": {"text": "Jon here"},
            "custom_profile_id": str(profile.id),
        },
    }
    dm_send(sender=brand, event=event)
    page = playing.get(f"/sandbox/messages/{brand.id}/")
    assert b"Jon from Acme" in page.content
    assert f"/sandbox/pbs/media/{avatar.id}.png".encode() in page.content


def test_the_brands_typing_shows_for_about_three_seconds(playing, brand, customer):
    user_typing(sender=brand, recipient=customer)
    assert b"is typing" in playing.get(f"/sandbox/messages/{brand.id}/poll").content
    with time_machine.travel(timezone.now() + timedelta(seconds=4)):
        assert b"is typing" not in playing.get(f"/sandbox/messages/{brand.id}/poll").content


def test_seen_appears_once_the_brand_reads(playing, brand, customer):
    playing.post(f"/sandbox/messages/{brand.id}/send", {"text": "Are you there?"})
    assert b"Seen" not in playing.get(f"/sandbox/messages/{brand.id}/poll").content
    user_mark_read(reader=brand, other=customer)
    assert b"Seen" in playing.get(f"/sandbox/messages/{brand.id}/poll").content


def test_opening_the_thread_and_typing_send_events_to_the_brand(playing, brand, customer):
    subscribe(brand)
    brand_says(brand, customer, "Hello from Acme")
    SandboxDelivery.objects.all().delete()
    playing.get(f"/sandbox/messages/{brand.id}/")
    assert playing.post(f"/sandbox/messages/{brand.id}/typing").status_code == 204
    types = list(SandboxDelivery.objects.order_by("id").values_list("event_type", flat=True))
    assert types == ["direct_message_mark_read_events", "direct_message_indicate_typing_events"]
    read = json.loads(SandboxDelivery.objects.order_by("id").first().body)
    assert read["direct_message_mark_read_events"][0]["sender_id"] == str(customer.id)
    playing.get(f"/sandbox/messages/{brand.id}/poll")
    assert SandboxDelivery.objects.count() == 2  # nothing new to mark read


def test_sending_an_image_makes_a_dm_attachment_only_participants_can_see(playing, client, brand, customer):
    image = SimpleUploadedFile("photo.png", PNG_1x1, content_type="image/png")
    playing.post(f"/sandbox/messages/{brand.id}/send", {"text": "Broken item", "image": image})
    dm = SandboxDirectMessage.objects.get()
    assert dm.media.media_category == "dm_image"
    assert b"".join(playing.get(f"/sandbox/messages/media/{dm.id}").streaming_content) == PNG_1x1
    stranger = Client()
    stranger.post("/sandbox/session/new", {"screen_name": "stranger"})
    assert stranger.get(f"/sandbox/messages/media/{dm.id}").status_code == 404


def test_an_htmx_send_answers_the_thread_with_an_error_when_refused(playing, brand, customer):
    response = playing.post(f"/sandbox/messages/{brand.id}/send", {"text": "x" * 10_001}, HTTP_HX_REQUEST="true")
    assert b"Not sent: The text of your direct message is over the max character limit." in response.content
    assert not SandboxDirectMessage.objects.exists()


def test_everything_people_write_is_escaped(playing, brand, customer):
    brand.name = "<b>Brand</b>"
    brand.save()
    brand_says(brand, customer, "<script>alert('x')</script>")
    page = playing.get(f"/sandbox/messages/{brand.id}/").content
    assert b"<script>alert" not in page
    assert b"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert b"<b>Brand</b>" not in page


def test_follow_and_unfollow(playing, brand, customer):
    playing.post(f"/sandbox/follow/{brand.id}", {"action": "follow"})
    assert SandboxFollow.objects.filter(source=customer, target=brand).exists()
    playing.post(f"/sandbox/follow/{brand.id}", {"action": "unfollow"})
    assert not SandboxFollow.objects.exists()


def test_a_tweet_mentioning_the_brand_and_its_public_reply(playing, brand, customer):
    playing.post("/sandbox/tweets", {"text": "@acme my order is late"})
    question = SandboxTweet.objects.get()
    assert list(question.mentions.all()) == [brand]
    from sandbox.services.tweets import tweet_create

    tweet_create(
        author=brand, text="@jordan sorry! Check your DMs", in_reply_to_tweet_id=question.id, source_app_id="1"
    )
    assert b"sorry! Check your DMs" in playing.get("/sandbox/").content


def test_a_refused_tweet_is_explained(playing):
    response = playing.post("/sandbox/tweets", {"text": "y" * 281}, follow=True)
    assert b"Twitter refused the Tweet: Tweet needs to be a bit shorter. (code 186)" in response.content


def test_revoking_app_access_invalidates_the_tokens(playing, customer):
    sandbox_token_issue(user=customer)
    response = playing.post("/sandbox/revoke", follow=True)
    assert b"App access revoked" in response.content
    assert not SandboxAccessToken.objects.filter(user=customer, revoked_at__isnull=True).exists()


def test_closing_dms_to_strangers(playing, customer):
    playing.post("/sandbox/settings", {})
    customer.refresh_from_db()
    assert customer.accepts_dms_from_anyone is False


def test_the_pages_refuse_or_drop_text_the_database_cannot_store(playing, brand):
    # A NUL reached PostgreSQL from each of these and answered 500.
    assert playing.get("/sandbox/", {"q": "a\x00b"}).status_code == 200
    for path, data in (
        (f"/sandbox/messages/{brand.id}/send", {"text": "hi\x00"}),
        ("/sandbox/tweets", {"text": "hi\x00"}),
        ("/sandbox/session/new", {"screen_name": "nul_name", "name": "N\x00"}),
    ):
        response = playing.post(path, data, follow=True)
        assert response.status_code == 200, path
        assert "NUL" in response.text, path
    assert not SandboxDirectMessage.objects.exists()
    assert not SandboxTweet.objects.exists()
    assert not SandboxUser.objects.filter(screen_name="nul_name").exists()
