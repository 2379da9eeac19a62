"""Settling sends whose outcome is unknown: each ends sent exactly once or failed with a
sentence an agent can act on, and none waits forever. Sandbox-side counts check "once"."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import TwitterAccount
from engagement.models import Message
from engagement.services.replies import message_retry
from engagement.services.settling import messages_settle_unknown
from integrations.twitter import http as twitter_http
from sandbox.models import SandboxDirectMessage, SandboxTweet
from sandbox.services import fault_inject, faults_clear
from sandbox.wire import TWITTER_WEB_APP_ID
from tests.engagement.support import reply, sent_to_twitter, settle_with_sweeps, status
from tests.factories import MessageFactory
from tests.helpers import wait_until


def unknown_send(wired, text: str = "Did this arrive?", *, attempted_ago: timedelta) -> Message:
    """A reply whose one attempt got no answer from Twitter ``attempted_ago``."""
    attempted_at = timezone.now() - attempted_ago
    return MessageFactory(
        conversation=wired.conversation,
        direction=Message.Direction.OUTBOUND,
        origin=Message.Origin.AGENT,
        status=Message.Status.UNKNOWN,
        external_id=None,
        text=text,
        attempts=1,
        first_attempt_at=attempted_at,
        claimed_at=attempted_at,
    )


def customer_wrote(wired, count: int) -> None:
    """The customer sent ``count`` Direct Messages just now: a busy account's recent history."""
    SandboxDirectMessage.objects.bulk_create(
        SandboxDirectMessage(
            sender=wired.customer,
            recipient=wired.twitter_account,
            text=f"message {n}",
            message_data={},
            source_app_id=TWITTER_WEB_APP_ID,
        )
        for n in range(count)
    )


def tweets_posted(wired) -> int:
    return SandboxTweet.objects.filter(author=wired.twitter_account).count()


def test_an_unknown_send_found_missing_waits_a_backoff_before_it_goes_again(wired):
    message = unknown_send(wired, attempted_ago=timedelta(minutes=2))
    messages_settle_unknown(account_id=wired.account.pk)
    message.refresh_from_db()
    assert (message.status, message.hold_reason) == ("queued", "backoff")
    assert message.not_before > timezone.now()
    assert "never arrived" in message.error


@pytest.mark.worker
def test_a_send_that_keeps_timing_out_fails_after_ten_minutes_and_retry_sends_it(wired, celery_worker, monkeypatch):
    monkeypatch.setattr(twitter_http, "READ_TIMEOUT", 0.3)
    fault_inject(
        endpoint="POST direct_messages/events/new",
        count=100,
        status=503,
        code=130,
        message="Over capacity",
        delay_seconds=1.0,
    )
    message = reply(wired, "Anyone there?")
    wait_until(lambda: status(message) == "unknown", what="the timed-out send")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        settle_with_sweeps(message, "failed")
    message.refresh_from_db()
    assert message.error.startswith("Twitter kept failing for 10 minutes")
    assert "never arrived" in message.error
    assert sent_to_twitter(wired) == 0
    faults_clear()
    monkeypatch.undo()
    message_retry(message=message)
    wait_until(lambda: status(message) == "sent", what="the retried send")
    assert sent_to_twitter(wired, "Anyone there?") == 1


def test_an_unknown_send_older_than_the_pages_read_stays_unknown_and_is_not_sent_again(wired):
    message = unknown_send(wired, attempted_ago=timedelta(minutes=3))
    customer_wrote(wired, 510)  # more than the ten pages of 50 that settling reads
    messages_settle_unknown(account_id=wired.account.pk)
    assert status(message) == "unknown"  # looked for again later; never queued blindly


def test_an_unknown_send_that_cannot_be_confirmed_fails_after_ten_minutes_saying_so(wired):
    message = unknown_send(wired, attempted_ago=timedelta(minutes=11))
    customer_wrote(wired, 510)
    messages_settle_unknown(account_id=wired.account.pk)
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.error.startswith("Delivery could not be confirmed")
    assert "before pressing Retry" in message.error


def test_an_unknown_send_of_an_account_needing_reauthorisation_waits_for_it_and_is_then_settled(wired):
    """Like its held replies: nobody can look while the token is gone, so it is not failed."""
    message = unknown_send(wired, attempted_ago=timedelta(minutes=11))
    token = wired.account.access_token
    TwitterAccount.objects.filter(pk=wired.account.pk).update(state=TwitterAccount.State.NEEDS_REAUTH)
    wired.account.access_token = ""
    wired.account.save(update_fields=["access_token"])
    messages_settle_unknown(account_id=wired.account.pk)
    assert status(message) == "unknown"
    wired.account.access_token = token
    wired.account.state = TwitterAccount.State.ACTIVE
    wired.account.save(update_fields=["access_token", "state"])
    messages_settle_unknown(account_id=wired.account.pk)
    message.refresh_from_db()
    assert message.status == "failed"  # past the window and proven missing: Twitter kept failing
    assert "never arrived" in message.error


def test_an_unknown_send_whose_list_cannot_be_read_fails_after_ten_minutes_saying_so(wired):
    message = unknown_send(wired, attempted_ago=timedelta(minutes=11))
    fault_inject(endpoint="GET direct_messages/events/list", status=429, code=88, count=20)
    messages_settle_unknown(account_id=wired.account.pk)
    message.refresh_from_db()
    assert message.status == "failed"
    assert message.error.startswith("Delivery could not be confirmed")
    assert "could not be read" in message.error  # not "could not be found": nobody could look


@pytest.mark.worker
def test_a_tweet_that_timed_out_but_went_out_is_not_posted_twice_and_shows_sent(wired, celery_worker, monkeypatch):
    wired.conversation.kind = "mention"
    wired.conversation.save()
    monkeypatch.setattr(twitter_http, "READ_TIMEOUT", 0.3)
    fault_inject(endpoint="POST statuses/update", status=None, delay_seconds=1.0)  # slow, but it posts
    message = reply(wired, "We are on it!")
    wait_until(lambda: status(message) == "unknown", what="the timed-out Tweet")
    wait_until(lambda: tweets_posted(wired) == 1, what="the slow Tweet to land on Twitter")
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        settle_with_sweeps(message, "sent")
    assert tweets_posted(wired) == 1
    assert "earlier attempt" in message.error


@pytest.mark.worker
def test_a_tweet_that_timed_out_and_never_went_out_is_posted_once(wired, celery_worker, monkeypatch):
    wired.conversation.kind = "mention"
    wired.conversation.save()
    monkeypatch.setattr(twitter_http, "READ_TIMEOUT", 0.3)
    fault_inject(endpoint="POST statuses/update", status=503, code=130, message="Over capacity", delay_seconds=1.0)
    message = reply(wired, "We are on it!")
    wait_until(lambda: status(message) == "unknown", what="the timed-out Tweet")
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        settle_with_sweeps(message, "sent")
    assert tweets_posted(wired) == 1
    assert message.external_id == str(SandboxTweet.objects.get().id)


@pytest.mark.worker
def test_a_tweet_left_by_a_dead_worker_after_it_went_out_is_not_posted_twice(wired, celery_worker):
    wired.conversation.kind = "mention"
    wired.conversation.save()
    message = reply(wired, "Was I posted?")
    wait_until(lambda: status(message) == "sent", what="the Tweet")
    # A worker died after Twitter posted it and before recording: the row still says sending.
    Message.objects.filter(pk=message.pk).update(
        status="sending", external_id=None, claimed_at=timezone.now() - timedelta(minutes=5)
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        settle_with_sweeps(message, "sent")
    assert tweets_posted(wired) == 1
    assert "earlier attempt" in message.error
