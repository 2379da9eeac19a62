"""A worker's claim on one send: taken with one conditional UPDATE, renewed while slow work
(a media upload: chunks, then Twitter's processing) runs, and proven again just before the
Direct Message or Tweet leaves.

The sweep takes a claim nobody has renewed for STALE_SENDING: its worker is presumed dead, the
send becomes ``unknown``, and once settling finds it was not delivered another worker sends it.
So a worker must not call Twitter on a claim it has lost; the renewal's condition is the proof
(the row is still ``sending``, under the very claim this worker took or last renewed).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.compiled import CompiledUpdate
from engagement.models import Message
from engagement.services.send_outcomes import UNSENT

STALE_SENDING = timedelta(minutes=2)  # a claim not renewed this long belongs to a dead worker
# A claim younger than this needs no proof: the sweep cannot take it for STALE_SENDING, and
# the call made after it (15 s to read, 3 s to connect) is over long before. Renewing only
# older claims keeps the common send at one claim statement.
RENEW_AFTER = timedelta(seconds=10)


class ClaimLost(Exception):
    """The sweep took this send from its worker, which must now leave it alone."""


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


def send_claim(*, message_id: int, now: datetime) -> bool:
    """queued → sending, if due, not held, and no earlier reply of its conversation is still
    on its way (replies reach the customer in the order they were written)."""
    return _CLAIM.execute(message_id=message_id, now=now) == 1


def send_claim_renew(*, message: Message) -> None:
    """Prove the send is still this worker's and keep it for another STALE_SENDING, when the
    claim is older than RENEW_AFTER; raises ClaimLost when the sweep has taken it."""
    now = timezone.now()
    if now - message.claimed_at < RENEW_AFTER:
        return
    renewed = Message.objects.filter(
        pk=message.pk, status=Message.Status.SENDING, claimed_at=message.claimed_at
    ).update(claimed_at=now)
    if renewed != 1:
        raise ClaimLost(f"message {message.pk} was taken from this worker after {now - message.claimed_at}")
    message.claimed_at = now
