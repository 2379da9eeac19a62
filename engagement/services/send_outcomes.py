"""What becomes of a send: sent, waiting in the row (a rate limit, backoff, an account to
re-authorise), unknown, or failed with a reason an agent can act on.

Sending and settling both end here, so a message meets the same backoff and the same
give-up window whichever way it failed: a refusal, a timeout, or a worker that died.
"""

from __future__ import annotations

import logging
import random
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from config.compiled import CompiledQuery, CompiledUpdate
from config.queue import enqueue_now
from engagement.models import Conversation, Message
from engagement.services.daily_limit import dm_limit_check_after_send

logger = logging.getLogger(__name__)

GIVE_UP_AFTER = timedelta(minutes=10)  # passing failures are retried this long, then failed
BACKOFF_FIRST_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 300.0
KEPT_FAILING = f"Twitter kept failing for {GIVE_UP_AFTER.seconds // 60} minutes"
POSTED_EARLIER = (
    "Posted by an earlier attempt whose answer never came back: Twitter refused a second copy as a duplicate "
    "(code 187)."
)

UNSENT = (Message.Status.QUEUED, Message.Status.SENDING, Message.Status.UNKNOWN)


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


def message_record_sent(message: Message, *, external_id: str, sent_at: datetime | None) -> str:
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
    message_send_next_in_conversation(message)
    return Message.Status.SENT


def _requeue(message: Message, *, from_status: str, **values: object) -> None:
    Message.objects.filter(pk=message.pk, status=from_status).update(status=Message.Status.QUEUED, **values)


def message_wait(
    message: Message, *, until: datetime, reason: str, note: str, from_status: str = Message.Status.SENDING
) -> str:
    _requeue(message, from_status=from_status, not_before=until, hold_reason=reason, error=note)
    logger.info("message waits until %s (%s)", until.isoformat(), reason)
    return Message.Status.QUEUED


def message_hold_for_reauth(message: Message) -> str:
    reason = f"@{message.account.screen_name} must be reconnected; the message will go out then"
    _requeue(
        message,
        from_status=Message.Status.SENDING,
        not_before=None,
        hold_reason=Message.HoldReason.NEEDS_REAUTH,
        error=reason,
    )
    logger.info("message held: the account needs re-authorisation")
    return Message.Status.QUEUED


def message_retry_later(
    message: Message,
    *,
    note: str,
    given_up: str,
    error_code: int | None = None,
    from_status: str = Message.Status.SENDING,
) -> str:
    """Queue it again after exponential backoff with jitter; once the next try would fall
    past GIVE_UP_AFTER from the first attempt, it fails with ``given_up`` instead."""
    now = timezone.now()  # the caller's message was loaded after its claim: its attempts are current
    delay = min(BACKOFF_FIRST_SECONDS * 2 ** max(message.attempts - 1, 0), BACKOFF_MAX_SECONDS)
    delay *= random.uniform(0.5, 1.5)  # noqa: S311 - jitter, not security
    until = now + timedelta(seconds=delay)
    if until - (message.first_attempt_at or now) > GIVE_UP_AFTER:
        return message_fail(message, reason=given_up, error_code=error_code)
    return message_wait(message, until=until, reason=Message.HoldReason.BACKOFF, note=note, from_status=from_status)


def message_record_posted_earlier(message: Message) -> str:
    """Twitter refused this Tweet as a duplicate of one it already has: the earlier attempt,
    whose answer never came back, went out. The agent is told so; there is no id to record."""
    Message.objects.filter(pk=message.pk, status__in=UNSENT).update(
        **{**_sent_values(timezone.now()), "error": POSTED_EARLIER}
    )
    logger.info("tweet was posted by an earlier attempt (Twitter refused the copy as a duplicate)")
    message_send_next_in_conversation(message)
    return Message.Status.SENT


def message_record_unknown(message: Message, note: str) -> str:
    Message.objects.filter(pk=message.pk, status=Message.Status.SENDING).update(
        status=Message.Status.UNKNOWN, maybe_sent=True, error=f"{note} Checking whether it was delivered."
    )
    logger.warning("message outcome unknown: %s", note)
    return Message.Status.UNKNOWN


def message_fail(message: Message, *, reason: str, error_code: int | None = None) -> str:
    Message.objects.filter(pk=message.pk, status__in=UNSENT).update(
        status=Message.Status.FAILED, error=reason, error_code=error_code, hold_reason=Message.HoldReason.NONE
    )
    logger.warning("message failed: %s", reason)
    message_send_next_in_conversation(message)
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


def message_send_next_in_conversation(message: Message) -> None:
    """The conversation's next queued reply was waiting for this one."""
    from engagement.tasks import send_message

    following = _NEXT_QUEUED.first_value(conversation_id=message.conversation_id)
    if following is not None:
        enqueue_now(send_message, following)
