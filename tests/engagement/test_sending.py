"""The send pipeline against the sandbox with a real worker. Every test counts, on the
sandbox's side, that each message reached Twitter exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from celery.worker import state as worker_state
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import AuditEvent, TwitterAccount
from engagement.models import Attachment, CustomProfile, Message, SyncState
from engagement.services.replies import ReplyError, conversation_reply, message_retry
from engagement.services.sending import message_send
from engagement.services.settling import messages_settle_unknown, messages_sweep
from integrations.twitter import http as twitter_http
from integrations.twitter import twitter_client, wire_capabilities
from integrations.twitter.capabilities import V1_1
from sandbox.models import SandboxDirectMessage, SandboxFault
from sandbox.services import fault_inject, sandbox_token_issue, user_revoke_app
from tests.engagement.conftest import subscribe
from tests.engagement.support import reply, sent_to_twitter, settle_with_sweeps, status
from tests.helpers import wait_until
from tests.sandbox.support import PNG_1x1

pytestmark = [pytest.mark.worker]


def test_a_reply_is_sent_once_and_records_twitters_id(wired, celery_worker, alice):
    message = conversation_reply(conversation=wired.conversation, author=alice, text="Hi Jordan!")
    assert message.status == "queued"
    wait_until(lambda: status(message) == "sent", what="the send")
    dm = SandboxDirectMessage.objects.get()
    assert (message.external_id, dm.text) == (str(dm.id), "Hi Jordan!")
    assert message.sent_at is not None
    wired.conversation.refresh_from_db()
    assert wired.conversation.assignee == alice  # self-assigned on the first reply
    assert wired.conversation.bot_active is False


@pytest.mark.needs_wire("quick_replies", "buttons", "custom_profiles")
def test_quick_replies_buttons_a_custom_profile_and_media_go_out(wired, celery_worker):
    client = twitter_client()
    from accounts.services import twitter_account_credentials

    credentials = twitter_account_credentials(wired.account)
    avatar = client.media_upload(credentials, content=PNG_1x1, media_type="image/png", category="dm_image", shared=True)
    remote = client.custom_profile_create(credentials, name="Jon C", avatar_media_id=avatar.media_id)
    profile = CustomProfile.objects.create(
        brand=wired.account.brand,
        account=wired.account,
        name="Jon C",
        twitter_id=remote.id,
        sync_state=SyncState.SYNCED,
    )
    image = Attachment.objects.create(brand=wired.account.brand, kind="photo", content_type="image/png", state="stored")
    image.file.save("reply.png", ContentFile(PNG_1x1))
    message = reply(
        wired,
        "Which one?",
        quick_replies=[{"label": "Red", "metadata": "red"}, {"label": "Blue", "metadata": "blue"}],
        buttons=[{"label": "Shop", "url": "https://example.com"}],
        custom_profile=profile,
        attachment=image,
    )
    wait_until(lambda: status(message) == "sent", what="the send")
    dm = SandboxDirectMessage.objects.get()
    assert [o["metadata"] for o in dm.message_data["quick_reply"]["options"]] == ["red", "blue"]
    assert dm.message_data["ctas"][0]["url"] == "https://example.com"
    assert dm.custom_profile.name == "Jon C"
    assert dm.media is not None


def test_a_rate_limit_waits_in_the_row_until_the_reset(wired, celery_worker):
    reset = timezone.now() + timedelta(minutes=15)
    fault_inject(
        endpoint="POST direct_messages/events/new",
        status=429,
        code=88,
        message="Rate limit exceeded",
        rate_limit_reset=int(reset.timestamp()),
    )
    message = reply(wired)
    wait_until(lambda: Message.objects.get(pk=message.pk).hold_reason == "rate_limited", what="the rate-limit hold")
    message.refresh_from_db()
    assert message.status == "queued"
    assert abs((message.not_before - reset).total_seconds()) < 2
    messages_sweep()  # not due yet: nothing happens
    assert sent_to_twitter(wired) == 0
    with time_machine.travel(reset + timedelta(seconds=1)):
        settle_with_sweeps(message, "sent")
    assert sent_to_twitter(wired) == 1


def test_server_trouble_is_retried_with_backoff_and_sent_once(wired, celery_worker):
    fault_inject(endpoint="POST direct_messages/events/new", count=2, status=503, code=130, message="Over capacity")
    message = reply(wired)
    wait_until(lambda: Message.objects.get(pk=message.pk).hold_reason == "backoff", what="the backoff")
    for _ in range(2):
        with time_machine.travel(timezone.now() + timedelta(minutes=6)):
            messages_sweep()
            wait_until(lambda: status(message) != "sending", what="the retry")
    with time_machine.travel(timezone.now() + timedelta(minutes=9)):
        settle_with_sweeps(message, "sent")
    assert sent_to_twitter(wired) == 1


def test_after_ten_minutes_of_failures_the_message_fails_with_a_reason(wired, celery_worker):
    fault_inject(endpoint="POST direct_messages/events/new", count=100, status=500, code=131, message="Internal error")
    message = reply(wired)
    wait_until(lambda: Message.objects.get(pk=message.pk).hold_reason == "backoff", what="the first failure")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        settle_with_sweeps(message, "failed")
    message.refresh_from_db()
    assert message.error.startswith("Twitter kept failing for 10 minutes")
    assert sent_to_twitter(wired) == 0


def test_a_permanent_refusal_fails_at_once_and_retry_sends_it(wired, celery_worker):
    wired.customer.accepts_dms_from_anyone = False
    wired.customer.save()
    message = reply(wired)
    wait_until(lambda: status(message) == "failed", what="the refusal")
    message.refresh_from_db()
    if wire_capabilities().label == V1_1.label:
        assert message.error_code == 150
        assert "does not accept Direct Messages" in message.error
    else:  # v2 refusals carry no code, only Twitter's words
        assert "cannot send messages to users who are not following you" in message.error
    wired.customer.accepts_dms_from_anyone = True
    wired.customer.save()
    message_retry(message=message)
    wait_until(lambda: status(message) == "sent", what="the retried send")
    assert sent_to_twitter(wired) == 1


def test_a_revoked_token_holds_the_message_until_the_account_is_reconnected(wired, celery_worker):
    from accounts.services import twitter_account_connect
    from integrations.twitter import UserCredentials

    user_revoke_app(user=wired.twitter_account)
    message = reply(wired)
    wait_until(lambda: Message.objects.get(pk=message.pk).hold_reason == "needs_reauth", what="the hold")
    wired.account.refresh_from_db()
    assert wired.account.state == TwitterAccount.State.NEEDS_REAUTH
    assert status(message) == "queued"
    messages_sweep()
    assert sent_to_twitter(wired) == 0
    token, secret = sandbox_token_issue(user=wired.twitter_account)
    twitter_account_connect(
        brand=wired.account.brand, credentials=UserCredentials(token, secret), check_subscriptions=False
    )
    wait_until(lambda: status(message) == "sent", what="the released message")
    assert sent_to_twitter(wired) == 1


def test_no_answer_in_time_makes_the_outcome_unknown_and_the_echo_settles_it(
    wired, webhook, celery_worker, monkeypatch
):
    subscribe(wired.account)
    monkeypatch.setattr(twitter_http, "READ_TIMEOUT", 0.3)
    fault_inject(endpoint="POST direct_messages/events/new", status=None, delay_seconds=1.0)  # slow, but it sends
    message = reply(wired, "Did this arrive?")
    wait_until(lambda: status(message) in ("unknown", "sent"), what="the timed-out send")
    wait_until(lambda: status(message) == "sent", what="the echo to settle it")
    assert message.external_id == str(SandboxDirectMessage.objects.get().id)
    messages_sweep()
    assert sent_to_twitter(wired) == 1
    assert Message.objects.filter(conversation=wired.conversation).count() == 1  # the echo did not add one


def test_an_unknown_send_twitter_never_got_is_found_missing_and_sent_once(wired, celery_worker, monkeypatch):
    monkeypatch.setattr(twitter_http, "READ_TIMEOUT", 0.3)
    fault_inject(
        endpoint="POST direct_messages/events/new", status=503, code=130, message="Over capacity", delay_seconds=1.0
    )
    message = reply(wired, "Lost on the way?")
    wait_until(lambda: status(message) == "unknown", what="the unknown outcome")
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        settle_with_sweeps(message, "sent")
    assert sent_to_twitter(wired, "Lost on the way?") == 1


def test_an_unknown_send_that_did_arrive_is_found_in_the_event_list(wired, celery_worker, monkeypatch):
    monkeypatch.setattr(twitter_http, "READ_TIMEOUT", 0.3)
    fault_inject(endpoint="POST direct_messages/events/new", status=None, delay_seconds=1.0)
    message = reply(wired, "Arrived after all")
    wait_until(lambda: status(message) == "unknown", what="the unknown outcome")
    wait_until(lambda: sent_to_twitter(wired) == 1, what="the slow send to land on Twitter")
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        settle_with_sweeps(message, "sent")
    assert message.external_id == str(SandboxDirectMessage.objects.get().id)
    assert sent_to_twitter(wired) == 1


def test_a_send_left_by_a_dead_worker_is_checked_not_resent(wired, celery_worker):
    message = reply(wired, "Was I sent?")
    wait_until(lambda: status(message) == "sent", what="the send")
    sent_id = message.external_id
    # A worker died after calling Twitter and before recording: the row still says sending.
    Message.objects.filter(pk=message.pk).update(
        status="sending", external_id=None, claimed_at=timezone.now() - timedelta(minutes=5)
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        settle_with_sweeps(message, "sent")
    assert message.external_id == sent_id
    assert sent_to_twitter(wired) == 1


def test_a_slow_upload_whose_send_the_sweep_took_is_not_sent_by_its_first_worker(wired, celery_worker, private_files):
    image = Attachment.objects.create(brand=wired.account.brand, kind="photo", content_type="image/png", state="stored")
    image.file.save("reply.png", ContentFile(PNG_1x1))
    fault_inject(endpoint="POST media/upload", status=None, delay_seconds=5.0)  # the worker's INIT is slow
    message = reply(wired, "Here is the photo", attachment=image)
    wait_until(lambda: not SandboxFault.objects.exists(), what="the upload to be under way")
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        # The upload outlasted the claim: the sweep takes the send, settling finds no DM...
        messages_sweep()
        messages_settle_unknown(account_id=wired.account.pk)
        with time_machine.travel(timezone.now() + timedelta(minutes=1)):
            # ...and a second worker sends it while the first is still uploading.
            assert message_send(message_id=message.pk) == "sent"
            wait_until(lambda: not worker_state.active_requests, what="the first worker to give up")
    assert sent_to_twitter(wired) == 1


def test_replies_reach_the_customer_in_the_order_they_were_written(wired, celery_worker):
    fault_inject(endpoint="POST direct_messages/events/new", count=1, status=503, code=130, message="Over capacity")
    first = reply(wired, "first")
    second = reply(wired, "second")
    wait_until(lambda: Message.objects.get(pk=first.pk).hold_reason == "backoff", what="the first to back off")
    assert status(second) == "queued"
    assert sent_to_twitter(wired) == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        wait_until(lambda: messages_sweep() is not None and status(second) == "sent", what="both to be sent")
    assert list(SandboxDirectMessage.objects.order_by("created_at").values_list("text", flat=True)) == [
        "first",
        "second",
    ]


def test_the_same_idempotency_key_queues_one_message(wired, celery_worker):
    first = reply(wired, "once", idempotency_key="abc-123")
    again = reply(wired, "once", idempotency_key="abc-123")
    assert first.pk == again.pk
    wait_until(lambda: status(first) == "sent", what="the send")
    assert sent_to_twitter(wired) == 1


def test_the_brand_is_warned_at_80_percent_of_the_daily_limit(wired, celery_worker, settings, dana):
    settings.TWITTER_DM_DAILY_LIMIT = 5
    messages = [reply(wired, f"message {n}") for n in range(4)]
    wait_until(lambda: all(status(m) == "sent" for m in messages), what="four sends")
    wait_until(lambda: mail.outbox, what="the warning email")
    assert "near its daily Direct Message limit" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["dana@acme.example"]
    assert AuditEvent.objects.filter(action="account.dm_limit_warning").count() == 1
    last = reply(wired, "one more")
    wait_until(lambda: status(last) == "sent", what="the fifth send")
    assert AuditEvent.objects.filter(action="account.dm_limit_warning").count() == 1  # once a day


def test_limits_are_refused_before_anything_is_queued(wired):
    with pytest.raises(ReplyError) as error:
        reply(wired, "x" * 10_001)
    assert error.value.field == "text"
    with pytest.raises(ReplyError) as error:
        reply(wired, "hi", quick_replies=[{"label": "x" * 40}])
    assert error.value.field == "quick_replies"
    assert not Message.objects.exists()
