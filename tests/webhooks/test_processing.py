"""Every payload of twitter-api.md §5 through the real view and a real Celery worker."""

from __future__ import annotations

import pytest
import responses
from django.core import mail

from accounts.models import Role, TwitterAccount
from engagement.models import Attachment, Contact, Conversation, Message
from tests.factories import ConversationFactory, MembershipFactory, MessageFactory, TwitterAccountFactory, UserFactory
from tests.helpers import wait_until
from tests.webhooks import payloads as p
from webhooks.models import WebhookEvent

pytestmark = [pytest.mark.worker]


@pytest.fixture
def account(celery_worker):
    return TwitterAccountFactory(twitter_user_id=p.BRAND_ID, screen_name="Harris_0ff")


def deliver(client, payload) -> WebhookEvent:
    response = p.post_signed(client, payload)
    assert response.status_code == 200
    event = WebhookEvent.objects.order_by("-pk").first()

    def done():
        event.refresh_from_db()
        return event.status not in (WebhookEvent.Status.PENDING, WebhookEvent.Status.PROCESSING)

    wait_until(done, what=f"webhook event {event.pk} to be processed")
    return event


def test_a_customers_dm_opens_a_conversation_with_their_contact(client, account):
    event = deliver(
        client, p.direct_messages(p.message_event(event_id="954491830116155396", text="Where is my order?"))
    )
    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.brand == account.brand
    contact = Contact.objects.get()
    assert (contact.screen_name, contact.name, contact.location) == ("furiouscamper", "Jordan Brinks", "Boulder, CO")
    assert contact.avatar_url.startswith("https://pbs.twimg.com/")
    conversation = Conversation.objects.get()
    assert (conversation.kind, conversation.status, conversation.unread_count) == ("direct_message", "open", 1)
    message = Message.objects.get()
    assert (message.direction, message.origin, message.status) == ("inbound", "customer", "received")
    assert (message.external_id, message.text, message.source_app_id) == (
        "954491830116155396",
        "Where is my order?",
        "13090192",
    )
    assert conversation.last_inbound_at == message.sent_at


def test_a_nul_in_a_dm_is_dropped_rather_than_failing_the_message(client, account):
    # PostgreSQL's text cannot hold NUL: kept, the message failed on every attempt.
    answer = {"type": "options", "metadata": "size\u0000_m"}
    event = deliver(client, p.direct_messages(p.message_event(text="Hel\u0000lo", quick_reply_response=answer)))
    assert event.status == WebhookEvent.Status.PROCESSED
    message = Message.objects.get()
    assert (message.text, message.quick_reply_response) == ("Hello", {"type": "options", "metadata": "size_m"})


def test_half_an_emoji_is_replaced_rather_than_failing_the_message(client, account):
    # A lone surrogate ("\ud83d" without its pair) cannot be stored as UTF-8.
    body = p.encode(p.direct_messages(p.message_event(text="Thanks ")))
    body = body.replace(b"Thanks ", b"Thanks \\ud83d\\ude00 and \\ud83d")
    event = deliver(client, body)
    assert event.status == WebhookEvent.Status.PROCESSED
    assert Message.objects.get().text == "Thanks \U0001f600 and \ufffd"


def test_a_quick_reply_response_keeps_its_metadata_and_initiated_via_is_kept(client, account):
    event = p.message_event(
        text="Blue Bird",
        quick_reply_response={"type": "options", "metadata": "external_id_2"},
        initiated_via={"tweet_id": "123456", "welcome_message_id": "456789"},
    )
    deliver(client, p.direct_messages(event))
    message = Message.objects.get()
    assert message.quick_reply_response == {"type": "options", "metadata": "external_id_2"}
    assert message.initiated_via == {"tweet_id": "123456", "welcome_message_id": "456789"}


@responses.activate
def test_media_is_downloaded_with_a_signed_request_into_private_storage(client, account):
    url = "https://ton.twitter.com/1.1/ton/data/dm/954491830116155396/1149914661267148800/abc.jpg"
    responses.get(url, body=b"\xff\xd8\xff\xe0fakejpeg", content_type="image/jpeg")
    deliver(client, p.direct_messages(p.message_event(text="look https://t.co/xyz", attachment=p.photo(url))))
    attachment = Attachment.objects.get()
    wait_until(lambda: Attachment.objects.get().state == "stored", what="the attachment download")
    attachment.refresh_from_db()
    assert attachment.file.read() == b"\xff\xd8\xff\xe0fakejpeg"
    assert attachment.content_type == "image/jpeg"
    assert attachment.kind == "photo"
    assert responses.calls[0].request.headers["Authorization"].startswith(b"OAuth") or responses.calls[
        0
    ].request.headers["Authorization"].startswith("OAuth")


def test_every_element_of_a_batch_is_recorded(client, account):
    deliver(client, p.direct_messages(*(p.message_event(text=f"message {n}") for n in range(5))))
    assert sorted(Message.objects.values_list("text", flat=True)) == [f"message {n}" for n in range(5)]
    assert Conversation.objects.get().unread_count == 5


def test_a_redelivered_event_is_recorded_once(client, account):
    payload = p.direct_messages(p.message_event(event_id="111222333"))
    deliver(client, payload)
    deliver(client, payload)
    assert Message.objects.count() == 1
    assert Conversation.objects.get().unread_count == 1


def test_the_customer_writing_again_continues_their_open_conversation(client, account):
    deliver(client, p.direct_messages(p.message_event(text="one")))
    deliver(client, p.direct_messages(p.message_event(text="two")))
    assert Conversation.objects.count() == 1
    assert Message.objects.count() == 2


def test_a_recently_resolved_conversation_reopens(client, account):
    deliver(client, p.direct_messages(p.message_event(text="one")))
    conversation = Conversation.objects.get()
    conversation.status = Conversation.Status.RESOLVED
    conversation.resolved_at = Message.objects.get().sent_at
    conversation.save()
    deliver(client, p.direct_messages(p.message_event(text="me again")))
    conversation.refresh_from_db()
    assert conversation.status == "open"
    assert Conversation.objects.count() == 1


def test_the_echo_of_our_send_settles_it_by_id(client, account, settings):
    message = MessageFactory(
        conversation=ConversationFactory(account=account),
        direction="outbound",
        origin="agent",
        status="unknown",
        external_id="777000111",
        text="Hi there",
    )
    deliver(
        client,
        p.direct_messages(
            p.message_event(
                event_id="777000111",
                sender_id=p.BRAND_ID,
                recipient_id=message.conversation.contact.twitter_user_id,
                text="Hi there",
                source_app_id=settings.TWITTER_APP_ID,
            )
        ),
    )
    message.refresh_from_db()
    assert message.status == "sent"
    assert Message.objects.count() == 1


def test_an_echo_that_beats_the_sent_write_pairs_with_the_send_in_flight(client, account, settings):
    conversation = ConversationFactory(account=account)
    message = MessageFactory(
        conversation=conversation,
        direction="outbound",
        origin="agent",
        status="sending",
        external_id=None,
        text="On its way",
    )
    recipient = conversation.contact.twitter_user_id
    echo = p.message_event(
        event_id="888000111",
        sender_id=p.BRAND_ID,
        recipient_id=recipient,
        text="On its way",
        source_app_id=settings.TWITTER_APP_ID,
    )
    deliver(client, p.direct_messages(echo))
    message.refresh_from_db()
    assert (message.status, message.external_id) == ("sent", "888000111")
    assert Message.objects.count() == 1


def test_a_message_sent_from_another_client_is_recorded_as_outbound(client, account):
    echo = p.message_event(
        sender_id=p.BRAND_ID, recipient_id=p.CUSTOMER_ID, text="Typed on my phone", source_app_id="258901"
    )
    deliver(client, p.direct_messages(echo))
    message = Message.objects.get()
    assert (message.direction, message.origin, message.status) == ("outbound", "other_client", "sent")
    assert Contact.objects.get().twitter_user_id == p.CUSTOMER_ID
    assert Conversation.objects.get().unread_count == 0


def test_an_event_for_an_account_no_brand_has_is_ignored_for_staff(client, celery_worker):
    event = deliver(client, p.direct_messages(p.message_event(), for_user_id="999"))
    assert event.status == WebhookEvent.Status.IGNORED
    assert "no brand has connected Twitter user 999" in event.last_error
    assert event.brand is None
    assert not Message.objects.exists()


def test_a_disconnected_account_receives_nothing(client, account):
    account.state = TwitterAccount.State.DISCONNECTED
    account.save()
    assert deliver(client, p.direct_messages(p.message_event())).status == WebhookEvent.Status.IGNORED
    assert not Message.objects.exists()


def test_typing_and_read_events_update_the_conversation(client, account):
    deliver(client, p.direct_messages(p.message_event(text="hello")))
    deliver(client, p.typing())
    conversation = Conversation.objects.get()
    assert conversation.customer_typing_at is not None
    deliver(client, p.mark_read("963085315333238788"))
    conversation.refresh_from_db()
    assert conversation.customer_last_read_event_id == "963085315333238788"


def test_the_brand_reading_elsewhere_clears_unread(client, account):
    deliver(client, p.direct_messages(p.message_event(text="hello")))
    deliver(client, p.mark_read("1", sender_id=p.BRAND_ID, recipient_id=p.CUSTOMER_ID))
    assert Conversation.objects.get().unread_count == 0


def test_a_mention_opens_a_public_conversation_apart_from_dms(client, account):
    deliver(client, p.direct_messages(p.message_event(text="a dm")))
    deliver(client, p.tweets(p.tweet(tweet_id="1924465506158878979")))
    mention = Conversation.objects.get(kind="mention")
    assert mention.messages.get().external_id == "1924465506158878979"
    assert mention.messages.get().text == "@brand my order #123 hasn't arrived"
    assert Conversation.objects.filter(kind="direct_message").count() == 1


def test_the_brands_own_tweets_and_retweets_are_not_conversations(client, account):
    deliver(client, p.tweets(p.tweet(author_id=p.BRAND_ID, text="Our new product!", mention=False)))
    deliver(client, p.tweets(p.tweet(retweeted_status={"id_str": "1"})))
    assert not Conversation.objects.exists()


def test_a_long_tweet_keeps_its_full_text(client, account):
    full = "@brand " + "long " * 60
    deliver(client, p.tweets(p.tweet(truncated=True, extended_tweet={"full_text": full})))
    assert Message.objects.get().text == full


def test_a_deleted_tweet_loses_its_stored_text(client, account):
    deliver(client, p.tweets(p.tweet(tweet_id="55501")))
    deliver(
        client,
        {
            "for_user_id": p.BRAND_ID,
            "tweet_delete_events": [
                {"status": {"id": "55501", "user_id": p.CUSTOMER_ID}, "timestamp_ms": "1432228155593"}
            ],
        },
    )
    message = Message.objects.get()
    assert message.text == ""
    assert message.text_removed_at is not None


@pytest.mark.parametrize(
    ("key", "kind", "field", "value"),
    [
        ("follow_events", "follow", "follows_brand", True),
        ("follow_events", "unfollow", "follows_brand", False),
        ("unfollow_events", "unfollow", "follows_brand", False),
    ],
)
def test_follows_are_recorded_on_the_contact(client, account, key, kind, field, value):
    deliver(client, p.relationship(key, kind, source=p.tweet_user(), target=p.tweet_user(p.BRAND_ID, "brand")))
    assert getattr(Contact.objects.get(), field) is value


@pytest.mark.parametrize(
    ("key", "kind", "field", "value"),
    [
        ("block_events", "block", "blocked_by_brand", True),
        ("block_events", "unblock", "blocked_by_brand", False),
        ("mute_events", "mute", "muted_by_brand", True),
        ("mute_events", "unmute", "muted_by_brand", False),
    ],
)
def test_blocks_and_mutes_are_recorded_on_the_contact(client, account, key, kind, field, value):
    deliver(client, p.relationship(key, kind, source=p.tweet_user(p.BRAND_ID, "brand"), target=p.tweet_user()))
    assert getattr(Contact.objects.get(), field) is value


def test_a_favourite_is_recorded_on_the_contact(client, account):
    deliver(
        client,
        {
            "for_user_id": p.BRAND_ID,
            "favorite_events": [
                {
                    "id": "a7ba",
                    "created_at": "Mon Mar 26 16:33:26 +0000 2018",
                    "timestamp_ms": 1522082006140,
                    "favorited_status": p.tweet(author_id=p.BRAND_ID, mention=False),
                    "user": p.tweet_user(),
                }
            ],
        },
    )
    assert Contact.objects.get().last_favourite_at is not None


def test_a_revoke_holds_replies_wipes_tokens_and_tells_admins(client, account):
    owner = UserFactory(email="owner@brand.example")
    MembershipFactory(brand=account.brand, user=owner, role=Role.OWNER)
    queued = MessageFactory(
        conversation=ConversationFactory(account=account),
        direction="outbound",
        origin="agent",
        status="queued",
        external_id=None,
    )
    event = deliver(client, p.revoke())
    assert event.status == WebhookEvent.Status.PROCESSED
    account.refresh_from_db()
    assert account.state == "needs_reauth"
    assert account.access_token == "" and account.access_token_secret == ""
    queued.refresh_from_db()
    assert (queued.status, queued.hold_reason) == ("queued", "needs_reauth")
    wait_until(lambda: mail.outbox, what="the email to the brand's admins")
    assert mail.outbox[0].to == ["owner@brand.example"]
    assert "@Harris_0ff" in mail.outbox[0].subject
    client.force_login(owner)
    assert "needs to be reconnected" in client.get("/").text


def test_a_revoke_of_another_app_changes_nothing(client, account):
    deliver(client, p.revoke(app_id="42"))
    account.refresh_from_db()
    assert account.state == "active"


def test_unknown_event_types_are_ignored_and_logged(client, celery_worker):
    event = deliver(client, {"for_user_id": p.BRAND_ID, "something_new_events": [{}]})
    assert event.status == WebhookEvent.Status.IGNORED
    assert "something_new_events" in event.last_error


def test_a_replay_job_status_is_accepted(client, celery_worker):
    payload = {
        "replay_job_status": {
            "webhook_id": "1",
            "job_state": "Complete",
            "job_state_description": "Job completed successfully",
            "job_id": "9",
        }
    }
    assert deliver(client, payload).status in (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED)


@pytest.mark.parametrize(
    "payload",
    [
        {"for_user_id": p.BRAND_ID, "direct_message_events": "not a list"},
        {
            "for_user_id": p.BRAND_ID,
            "direct_message_events": [{"type": "message_create", "id": "1", "message_create": {"sender_id": "x"}}],
        },
        {"direct_message_events": [p.message_event()]},
        ["not", "an", "object"],
        {"for_user_id": p.BRAND_ID, "tweet_create_events": [{"id_str": "1", "user": "nobody"}]},
    ],
)
def test_a_malformed_payload_fails_visibly_and_writes_nothing(client, account, payload):
    event = deliver(client, payload)
    assert event.status == WebhookEvent.Status.FAILED
    assert event.last_error.startswith("malformed payload")
    assert not Message.objects.exists()
    assert not Contact.objects.exists()


def test_a_payload_fails_as_a_whole(client, account):
    payload = p.direct_messages(p.message_event(text="fine"), {"type": "message_create", "id": "2"})
    assert deliver(client, payload).status == WebhookEvent.Status.FAILED
    assert not Message.objects.exists()


def test_a_batch_of_events_looks_its_account_up_once(monkeypatch, transactional_db):
    from webhooks.services import processing, webhook_events_process_pending

    account = TwitterAccountFactory(twitter_user_id=p.BRAND_ID, screen_name="Harris_0ff")
    lookups: list[str] = []
    original = processing.twitter_account_live_for_user_id

    def counted(*, twitter_user_id: str):
        lookups.append(twitter_user_id)
        return original(twitter_user_id=twitter_user_id)

    monkeypatch.setattr(processing, "twitter_account_live_for_user_id", counted)
    for n in range(5):
        payload = p.direct_messages(p.message_event(event_id=f"77{n}", text=f"message {n}"))
        WebhookEvent.objects.create(body=p.encode(payload).decode(), for_user_id=p.BRAND_ID)

    assert webhook_events_process_pending() == 5
    assert lookups == [p.BRAND_ID]
    assert Message.objects.filter(account=account).count() == 5


def test_a_new_customers_dm_opens_a_conversation_without_looking_for_one(transactional_db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from config.compiled import executed_sql
    from webhooks.services import webhook_events_process_pending

    account = TwitterAccountFactory(twitter_user_id=p.BRAND_ID, screen_name="Harris_0ff")

    def conversation_reads_while_processing(event_id: str) -> int:
        payload = p.direct_messages(p.message_event(event_id=event_id, text="hello"))
        WebhookEvent.objects.create(body=p.encode(payload).decode(), for_user_id=p.BRAND_ID)
        with CaptureQueriesContext(connection) as queries:
            assert webhook_events_process_pending() == 1
        return sum(executed_sql(q["sql"]).startswith('SELECT "engagement_conversation"') for q in queries)

    assert conversation_reads_while_processing("801") == 0  # a new contact has none
    assert conversation_reads_while_processing("802") == 1  # the returning one finds theirs
    assert Conversation.objects.filter(account=account).count() == 1
    assert Message.objects.filter(account=account).count() == 2


def test_a_worker_lost_right_after_the_commit_cannot_lose_the_bots_answer(monkeypatch, transactional_db):
    from config import queue
    from engagement.services.bots import bot_rules_install_menu
    from webhooks.services import processing, webhook_events_process_pending

    class WorkerLost(BaseException):
        """What the process dying looks like from here: nothing after this point runs."""

    def dies(outcome):
        raise WorkerLost

    published: list[tuple] = []
    account = TwitterAccountFactory(twitter_user_id=p.BRAND_ID, screen_name="Harris_0ff")
    bot_rules_install_menu(brand=account.brand)
    monkeypatch.setattr(processing, "_after_commit", dies)
    # Kept from the broker: the session's worker would send it while the database is flushed.
    monkeypatch.setattr(queue, "enqueue_now", lambda task, *args, **kwargs: published.append((task.name, args)))
    payload = p.direct_messages(p.message_event(event_id="901", text="help"))
    WebhookEvent.objects.create(body=p.encode(payload).decode(), for_user_id=p.BRAND_ID)
    with pytest.raises(WorkerLost):
        webhook_events_process_pending()
    customer = Message.objects.get(account=account, origin="customer")
    answer = Message.objects.get(account=account, origin="bot")  # queued with it: the send sweep has it
    assert answer.status == "queued"
    assert answer.text.startswith("How can we help?")  # on X API v2 the menu follows as a list
    assert answer.conversation_id == customer.conversation_id
    assert ("engagement.tasks.sending.send_message", (answer.pk,)) in published  # rung at the commit
