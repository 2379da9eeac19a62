"""Answering from the Django admin, bot rules in the admin, and public replies as Tweets."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from engagement.models import BotRule, Conversation, CustomProfile, Message, SyncState
from sandbox.models import SandboxTweet
from sandbox.services import customer_tweet
from tests.engagement.conftest import subscribe
from tests.factories import ConversationFactory, MessageFactory, TwitterAccountFactory, UserFactory
from tests.helpers import wait_until


def change_url(conversation) -> str:
    return reverse("admin:engagement_conversation_change", args=[conversation.pk])


def reply_url(conversation) -> str:
    return reverse("admin:engagement_conversation_reply", args=[conversation.pk])


@pytest.fixture
def ours(brand_a):
    return ConversationFactory(account=TwitterAccountFactory(brand=brand_a))


@pytest.mark.django_db
def test_an_agent_reads_the_thread_and_replies_as_their_default_profile(client, bob, brand_a, ours):
    MessageFactory(conversation=ours, text="Where is my parcel?")
    profile = CustomProfile.objects.create(
        brand=brand_a, account=ours.account, name="Bob, Support", twitter_id="555", sync_state=SyncState.SYNCED
    )
    Membership.objects.filter(user=bob).update(default_custom_profile=profile)
    client.force_login(bob)
    page = client.get(change_url(ours))
    assert page.status_code == 200
    assert "Where is my parcel?" in page.text
    assert f'<option value="{profile.pk}" selected>' in page.text
    response = client.post(
        reply_url(ours), {"text": "On its way!", "quick_replies": "Thanks | | thanks", "custom_profile": profile.pk}
    )
    assert response.status_code == 302
    sent = Message.objects.get(direction="outbound")
    assert (sent.text, sent.custom_profile, sent.sender_user, sent.status) == ("On its way!", profile, bob, "queued")
    assert sent.quick_replies == [{"label": "Thanks", "metadata": "thanks"}]


def idempotency_key(page) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page.text).group(1)


@pytest.mark.django_db
def test_the_reply_form_sent_twice_queues_one_message(client, bob, ours):
    client.force_login(bob)
    key = idempotency_key(client.get(change_url(ours)))
    for _ in range(2):  # a double click, or the form sent again after going back
        response = client.post(reply_url(ours), {"text": "On its way!", "idempotency_key": key})
        assert response.status_code == 302
    assert Message.objects.filter(direction="outbound").count() == 1


@pytest.mark.django_db
def test_each_showing_of_the_reply_form_carries_a_new_key(client, bob, ours):
    client.force_login(bob)
    first, second = (idempotency_key(client.get(change_url(ours))) for _ in range(2))
    client.post(reply_url(ours), {"text": "One", "idempotency_key": first})
    client.post(reply_url(ours), {"text": "Two", "idempotency_key": second})
    assert first != second
    assert sorted(Message.objects.filter(direction="outbound").values_list("text", flat=True)) == ["One", "Two"]


@pytest.mark.django_db
def test_a_reply_breaking_twitters_limits_is_refused_and_nothing_queued(client, bob, ours):
    client.force_login(bob)
    response = client.post(reply_url(ours), {"text": "hi", "quick_replies": "x" * 40}, follow=True)
    assert "Not sent." in response.text
    assert "at most 36 characters" in response.text
    assert not Message.objects.filter(direction="outbound").exists()


@pytest.mark.django_db
def test_the_tweet_this_builder_adds_an_intent_button(client, bob, ours):
    client.force_login(bob)
    client.post(
        reply_url(ours), {"text": "Glad you like it", "tweet_this_label": "Share", "tweet_this_text": "I love @acme"}
    )
    button = Message.objects.get(direction="outbound").buttons[0]
    assert button["label"] == "Share"
    assert button["url"] == "https://twitter.com/intent/tweet?text=I%20love%20%40acme"


@pytest.mark.django_db
def test_the_outsider_can_neither_read_nor_answer_our_conversation(client, charlie, ours):
    MessageFactory(conversation=ours, text="private words")
    client.force_login(charlie)
    assert "private words" not in client.get(change_url(ours), follow=True).text
    assert client.post(reply_url(ours), {"text": "hijack"}).status_code == 404
    assert not Message.objects.filter(direction="outbound").exists()


def unread(conversation, count: int):
    MessageFactory(conversation=conversation, text="Where is my parcel?", external_id="9001")
    Conversation.objects.filter(pk=conversation.pk).update(unread_count=count)


@pytest.mark.django_db
def test_an_agent_opening_a_conversation_clears_its_unread_count(client, bob, ours):
    unread(ours, 2)
    client.force_login(bob)
    client.get(change_url(ours))
    ours.refresh_from_db()
    assert ours.unread_count == 0


@pytest.mark.django_db
@pytest.mark.needs_wire("read_receipts")
def test_an_agent_opening_a_conversation_reads_it_and_tells_the_customer(
    client, bob, ours, django_capture_on_commit_callbacks
):
    unread(ours, 2)
    client.force_login(bob)
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.get(change_url(ours)).status_code == 200
    ours.refresh_from_db()
    assert (ours.unread_count, ours.brand_last_read_event_id) == (0, "9001")
    assert len(callbacks) == 1  # the read receipt, sent to Twitter after commit


@pytest.mark.django_db
def test_an_operator_looking_in_leaves_the_conversation_unread(client, ours):
    unread(ours, 2)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(change_url(ours)).status_code == 200
    ours.refresh_from_db()
    assert (ours.unread_count, ours.brand_last_read_event_id) == (2, "")


@pytest.mark.django_db
def test_the_outsider_opening_our_conversation_marks_nothing_read(client, charlie, ours):
    unread(ours, 2)
    client.force_login(charlie)
    client.get(change_url(ours), follow=True)
    ours.refresh_from_db()
    assert (ours.unread_count, ours.brand_last_read_event_id) == (2, "")


@pytest.mark.django_db
def test_a_failed_message_can_be_retried_from_the_thread(client, bob, ours):
    failed = MessageFactory(
        conversation=ours,
        direction="outbound",
        origin="agent",
        status="failed",
        external_id=None,
        error="Twitter refused",
    )
    client.force_login(bob)
    assert "Twitter refused" in client.get(change_url(ours)).text
    client.post(reverse("admin:engagement_conversation_retry", args=[ours.pk, failed.pk]))
    failed.refresh_from_db()
    assert (failed.status, failed.error) == ("queued", "")


@pytest.mark.django_db
def test_a_mention_conversation_says_replies_are_public(client, bob, brand_a):
    mention = ConversationFactory(account=TwitterAccountFactory(brand=brand_a), kind="mention")
    client.force_login(bob)
    page = client.get(change_url(mention))
    assert "This reply is a Tweet: everyone can see it." in page.text
    assert "quick_replies" not in page.text


@pytest.mark.django_db
def test_bot_rules_are_checked_before_they_are_saved(client, dana, brand_a):
    client.force_login(dana)
    add = reverse("admin:engagement_botrule_add")
    base = {"name": "r", "enabled": "on", "priority": 1, "response_text": "Hi"}
    missing = client.post(add, {**base, "trigger": "keywords"})
    assert "Give at least one keyword." in missing.text
    bad = client.post(add, {**base, "trigger": "pattern", "pattern": "(oops"})
    assert "not a valid regular expression" in bad.text
    empty = client.post(add, {**base, "trigger": "first_message", "response_text": ""})
    assert "Give the rule an answer, an action, or both." in empty.text
    good = client.post(
        add, {**base, "trigger": "keywords", "keywords": "help", "response_quick_replies": "Orders | | menu:orders"}
    )
    assert good.status_code == 302
    assert BotRule.objects.get(brand=brand_a).response_quick_replies == [{"label": "Orders", "metadata": "menu:orders"}]


@pytest.mark.worker
def test_a_public_reply_to_a_mention_is_a_tweet_in_reply(wired, webhook, celery_worker):
    from engagement.services.replies import conversation_reply

    subscribe(wired.account)
    question = customer_tweet(user=wired.customer, text="@acme_help where is my order?")
    mention = wait_until(lambda: Message.objects.filter(external_id=str(question.id)).first(), what="the mention")
    reply = conversation_reply(
        conversation=mention.conversation, author=None, text="We're on it, DM us your order number"
    )
    wait_until(lambda: Message.objects.get(pk=reply.pk).status == "sent", what="the public reply")
    reply.refresh_from_db()
    tweet = SandboxTweet.objects.get(pk=int(reply.external_id))
    assert tweet.in_reply_to_id == question.id
    assert tweet.author == wired.twitter_account


@pytest.mark.worker
def test_a_mention_conversation_can_post_a_new_tweet_instead_of_a_reply(wired, webhook, celery_worker, client, bob):
    subscribe(wired.account)
    question = customer_tweet(user=wired.customer, text="@acme_help are you open today?")
    mention = wait_until(lambda: Message.objects.filter(external_id=str(question.id)).first(), what="the mention")
    client.force_login(bob)
    response = client.post(
        reverse("conversation_reply", args=[mention.conversation.public_id]),
        {"text": "We're open until 8pm today, everyone!", "as_new_tweet": "on"},
    )
    assert response.status_code == 200
    posted = Message.objects.get(text="We're open until 8pm today, everyone!")
    assert posted.in_reply_to_tweet_id == ""
    wait_until(lambda: Message.objects.get(pk=posted.pk).status == "sent", what="the Tweet")
    tweet = SandboxTweet.objects.get(pk=int(Message.objects.get(pk=posted.pk).external_id))
    assert (tweet.in_reply_to_id, tweet.author) == (None, wired.twitter_account)
    assert "new Tweet" in client.get(reverse("conversation", args=[mention.conversation.public_id])).text


@pytest.mark.django_db
def test_only_a_mention_conversation_posts_tweets(brand_a):
    from engagement.services.replies import ReplyError, conversation_reply

    dm = ConversationFactory(account=TwitterAccountFactory(brand=brand_a))
    with pytest.raises(ReplyError):
        conversation_reply(conversation=dm, author=None, text="hello", as_new_tweet=True)
    assert not dm.messages.exists()
