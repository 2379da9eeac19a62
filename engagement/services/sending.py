"""Sending a queued message to Twitter, and everything that can happen on the way.

The row is the schedule: a message waits as ``queued`` with ``not_before`` and a
``hold_reason`` (rate limit, backoff, an account to re-authorise), and a sweep enqueues what
is due. A send is claimed with one conditional UPDATE, so redelivered tasks, two workers and
the sweep meet there and only one proceeds. A message whose outcome is unknown (the worker
died, or Twitter did not answer in time) is settled by its echo or by looking at
``direct_messages/events/list``; it is never re-sent blindly.
"""

from __future__ import annotations

import logging
import random
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import TwitterAccount
from accounts.services import twitter_account_credentials, twitter_account_mark_needs_reauth
from config.compiled import CompiledQuery, CompiledUpdate
from config.logging import log_context
from config.queue import enqueue_now
from engagement.models import Attachment, Conversation, Message
from engagement.services.daily_limit import dm_limit_check_after_send
from integrations.twitter import (
    AuthenticationFailed,
    RateLimited,
    Retryable,
    TransportError,
    TwitterError,
    twitter_client,
)
from integrations.twitter.explain import explain
from integrations.twitter.validation import media_category_for

logger = logging.getLogger(__name__)

GIVE_UP_AFTER = timedelta(minutes=10)  # passing failures are retried this long, then failed
BACKOFF_FIRST_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 300.0
RATE_LIMIT_FALLBACK = timedelta(minutes=15)  # when a 429 carries no reset time
MEDIA_USABLE_FOR = timedelta(hours=23)  # Twitter allows 24 h between upload and use

UNSENT = (Message.Status.QUEUED, Message.Status.SENDING, Message.Status.UNKNOWN)


def _build_claim(message_id: int, now: datetime) -> tuple[QuerySet, dict[str, Any]]:
    earlier = Message.objects.filter(
        conversation_id=OuterRef("conversation_id"),
        direction=Message.Direction.OUTBOUND,
        status__in=UNSENT,
        pk__lt=OuterRef("pk"),
    )
    due = (
        Message.objects.filter(pk=message_id, status=Message.Status.QUEUED, direction=Message.Direction.OUTBOUND)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .exclude(hold_reason=Message.HoldReason.NEEDS_REAUTH)
        .exclude(Exists(earlier))
    )
    return due, {
        "status": Message.Status.SENDING,
        "attempts": F("attempts") + 1,
        "claimed_at": now,
        "first_attempt_at": Coalesce("first_attempt_at", now),
    }


# Compiled once: building this statement cost ten times what running it does.
_CLAIM = CompiledUpdate(Message, _build_claim, message_id=int, now=datetime)


def _claim(message_id: int, now: datetime) -> bool:
    """queued → sending, if due, not held, and no earlier reply of its conversation is still
    on its way (replies reach the customer in the order they were written)."""
    return _CLAIM.execute(message_id=message_id, now=now) == 1


_TO_SEND = CompiledQuery(
    Message,
    lambda message_id: Message.objects.select_related(
        "account__brand", "conversation__contact", "custom_profile"
    ).filter(pk=message_id),
    message_id=int,
)


def message_send(*, message_id: int) -> str | None:
    """Send one queued message if it is due. Returns its status afterwards (None: not claimed)."""
    now = timezone.now()
    if not _claim(message_id, now):
        return None
    message = _TO_SEND.first_object(message_id=message_id)
    if message is None:
        raise Message.DoesNotExist(f"message {message_id} was claimed and is gone")
    account = message.account
    with log_context(
        brand=account.brand.slug, message=str(message.public_id), conversation=str(message.conversation.public_id)
    ):
        if account.state != TwitterAccount.State.ACTIVE or not account.has_tokens:
            return _hold_for_reauth(message)
        try:
            external_id, sent_at = _deliver(message, account)
        except RateLimited as error:
            return _wait(
                message,
                until=error.reset_at or now + RATE_LIMIT_FALLBACK,
                reason=Message.HoldReason.RATE_LIMITED,
                note=explain(error),
            )
        except TransportError as error:
            if error.maybe_sent:
                return _unknown(message, explain(error))
            return _backoff(message, error)
        except Retryable as error:
            return _backoff(message, error)
        except AuthenticationFailed as error:
            if error.token_rejected:
                twitter_account_mark_needs_reauth(account=account, reason=explain(error), wipe_tokens=True)
                return _hold_for_reauth(message)
            return _fail(message, error)
        except TwitterError as error:
            return _fail(message, error)
        return _sent(message, external_id=external_id, sent_at=sent_at)


def _deliver(message: Message, account: TwitterAccount) -> tuple[str, datetime | None]:
    client = twitter_client()
    credentials = twitter_account_credentials(account)
    if message.conversation.kind == Conversation.Kind.MENTION:
        tweet = client.status_update(
            credentials,
            text=message.text,
            in_reply_to_status_id=message.in_reply_to_tweet_id or None,
            auto_populate_reply_metadata=bool(message.in_reply_to_tweet_id),
        )
        return tweet.id, timezone.now()
    from engagement.forms import buttons_from_json, quick_replies_from_json

    profile = message.custom_profile
    sent = client.dm_send(
        credentials,
        recipient_id=message.conversation.contact.twitter_user_id,
        text=message.text,
        quick_replies=quick_replies_from_json(message.quick_replies),
        buttons=buttons_from_json(message.buttons),
        media_id=_media_id(message, credentials, client),
        custom_profile_id=profile.twitter_id if profile is not None and profile.twitter_id else None,
        signature=profile.name if profile is not None else "",
    )
    return sent.id, sent.created_at


_STORED_ATTACHMENT = CompiledQuery(
    Attachment,
    lambda message_id: (
        Attachment.objects.filter(message_id=message_id, state=Attachment.State.STORED)
        .order_by("pk")
        .values_list("pk")[:1]
    ),
    message_id=int,
)


def _media_id(message: Message, credentials: object, client: object) -> str | None:
    """Upload the message's attachment (chunked, with the right media_category) unless it was
    uploaded recently enough to use; a media id without ``shared`` serves one DM only."""
    attachment_id = _STORED_ATTACHMENT.first_value(message_id=message.pk)
    if attachment_id is None:
        return None  # most replies: one cheap statement, no model to build
    attachment = Attachment.objects.get(pk=attachment_id)
    fresh = attachment.twitter_media_expires_at and attachment.twitter_media_expires_at > timezone.now()
    if attachment.twitter_media_id and fresh:
        return attachment.twitter_media_id
    with attachment.file.open("rb") as content:
        uploaded = client.media_upload(  # type: ignore[attr-defined]
            credentials,
            content=content,
            media_type=attachment.content_type,
            category=media_category_for(attachment.content_type),
        )
    attachment.twitter_media_id = uploaded.media_id
    attachment.twitter_media_expires_at = timezone.now() + MEDIA_USABLE_FOR
    attachment.save(update_fields=["twitter_media_id", "twitter_media_expires_at"])
    return uploaded.media_id


# --- outcomes ------------------------------------------------------------------------------
def _sent_values(sent_at: datetime) -> dict[str, Any]:
    return {
        "status": Message.Status.SENT,
        "sent_at": sent_at,
        "error": "",
        "error_code": None,
        "hold_reason": Message.HoldReason.NONE,
        "not_before": None,
    }


_RECORD_SENT = CompiledUpdate(
    Message,
    lambda message_id, external_id, sent_at: (
        Message.objects.filter(pk=message_id, status__in=UNSENT),
        {**_sent_values(sent_at), "external_id": external_id},
    ),
    message_id=int,
    external_id=str,
    sent_at=datetime,
)


def _sent(message: Message, *, external_id: str, sent_at: datetime | None) -> str:
    sent_at = sent_at or timezone.now()
    try:
        # One statement: on its own it commits or fails whole. Only inside a caller's
        # transaction does it need a savepoint to fail without spoiling the rest.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            _RECORD_SENT.execute(message_id=message.pk, external_id=external_id, sent_at=sent_at)
    except IntegrityError:
        # The echo got here first and paired this id with a twin message (same person, same
        # text): both are sent, so record this one as sent without claiming the id twice.
        Message.objects.filter(pk=message.pk, status__in=UNSENT).update(**_sent_values(sent_at))
    logger.info("message sent as %s", external_id)
    if message.conversation.kind == Conversation.Kind.DIRECT_MESSAGE:
        dm_limit_check_after_send(account=message.account)
    _next_in_conversation(message)
    return Message.Status.SENT


def _requeue(message: Message, **values: object) -> None:
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(status=Message.Status.QUEUED, **values)


def _wait(message: Message, *, until: datetime, reason: str, note: str) -> str:
    _requeue(message, not_before=until, hold_reason=reason, error=note)
    logger.info("message waits until %s (%s)", until.isoformat(), reason)
    return Message.Status.QUEUED


def _hold_for_reauth(message: Message) -> str:
    reason = f"@{message.account.screen_name} must be reconnected; the message will go out then"
    _requeue(message, not_before=None, hold_reason=Message.HoldReason.NEEDS_REAUTH, error=reason)
    logger.info("message held: the account needs re-authorisation")
    return Message.Status.QUEUED


def _backoff(message: Message, error: TwitterError) -> str:
    now = timezone.now()
    message.refresh_from_db(fields=["attempts", "first_attempt_at"])
    delay = min(BACKOFF_FIRST_SECONDS * 2 ** (message.attempts - 1), BACKOFF_MAX_SECONDS)
    delay *= random.uniform(0.5, 1.5)  # noqa: S311 - jitter, not security
    first = message.first_attempt_at or now
    if now + timedelta(seconds=delay) - first > GIVE_UP_AFTER:
        return _fail(message, error, prefix="Twitter kept failing for 10 minutes")
    return _wait(message, until=now + timedelta(seconds=delay), reason=Message.HoldReason.BACKOFF, note=explain(error))


def _unknown(message: Message, note: str) -> str:
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
        status=Message.Status.UNKNOWN, error=f"{note} Checking whether it was delivered."
    )
    logger.warning("message outcome unknown: %s", note)
    return Message.Status.UNKNOWN


def _fail(message: Message, error: TwitterError, *, prefix: str = "") -> str:
    reason = explain(error)
    if prefix:
        reason = f"{prefix}: {reason}"
    Message.objects.filter(pk=message.pk, status__in=UNSENT).update(
        status=Message.Status.FAILED, error=reason, error_code=error.code, hold_reason=Message.HoldReason.NONE
    )
    logger.warning("message failed: %s", reason)
    _next_in_conversation(message)
    return Message.Status.FAILED


_NEXT_QUEUED = CompiledQuery(
    Message,
    lambda conversation_id: (
        Message.objects.filter(
            conversation_id=conversation_id, direction=Message.Direction.OUTBOUND, status=Message.Status.QUEUED
        )
        .order_by("pk")
        .values_list("pk")[:1]
    ),
    conversation_id=int,
)


def _next_in_conversation(message: Message) -> None:
    """The conversation's next queued reply was waiting for this one."""
    from engagement.tasks import send_message

    following = _NEXT_QUEUED.first_value(conversation_id=message.conversation_id)
    if following is not None:
        enqueue_now(send_message, following)
