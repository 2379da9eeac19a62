"""Settling sends whose outcome is unknown, and the sweep that keeps sending moving."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from accounts.models import TwitterAccount
from accounts.services import twitter_account_credentials
from config.logging import log_context
from config.queue import enqueue_now
from engagement.models import Message
from engagement.services.send_outcomes import KEPT_FAILING, message_retry_later
from engagement.services.wire import message_delivered_text
from integrations.twitter import TwitterError, twitter_client
from integrations.twitter.types import from_epoch_ms

logger = logging.getLogger(__name__)

STALE_SENDING = timedelta(minutes=2)  # a worker holding a send this long has died
ECHO_GRACE = timedelta(minutes=1)  # the echo usually settles an unknown send before this
SETTLE_EVERY = timedelta(minutes=2)  # events/list allows 15 calls per 15 minutes per account
SWEEP_BATCH = 500


def messages_sweep() -> dict[str, int]:
    """Runs every few seconds: due sends are enqueued, dead workers' sends become unknown,
    unknown sends are settled."""
    from engagement.tasks import send_message, settle_unknown_messages

    now = timezone.now()
    stale = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=now - STALE_SENDING).update(
        status=Message.Status.UNKNOWN, error="The send was interrupted. Checking whether it was delivered."
    )
    due = (
        Message.objects.filter(status=Message.Status.QUEUED, direction=Message.Direction.OUTBOUND)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .exclude(hold_reason=Message.HoldReason.NEEDS_REAUTH)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    enqueued = sum(enqueue_now(send_message, pk) for pk in due)
    accounts = (
        Message.objects.filter(status=Message.Status.UNKNOWN, claimed_at__lte=now - ECHO_GRACE)
        .values_list("account_id", flat=True)
        .distinct()
    )
    settling = 0
    for account_id in accounts:
        if cache.add(f"roost:settle:{account_id}", True, timeout=int(SETTLE_EVERY.total_seconds())):
            settling += enqueue_now(settle_unknown_messages, account_id)
    if stale or enqueued or settling:
        logger.info("message sweep: %d interrupted, %d enqueued, %d account(s) settling", stale, enqueued, settling)
    return {"interrupted": stale, "enqueued": enqueued, "settling": settling}


def messages_settle_unknown(*, account_id: int) -> dict[str, int]:
    """Look in ``direct_messages/events/list`` for the account's unknown sends: one found there
    was delivered (it becomes sent with Twitter's id); one not there after the echo's grace
    period was not, and is queued again after a backoff, or failed once Twitter has kept
    failing for the give-up window. Nothing is re-sent without this check."""
    account = TwitterAccount.objects.select_related("brand").filter(pk=account_id).first()
    if account is None:
        return {"sent": 0, "requeued": 0, "failed": 0}
    cutoff = timezone.now() - ECHO_GRACE
    unknown = list(
        Message.objects.filter(account=account, status=Message.Status.UNKNOWN, claimed_at__lte=cutoff)
        .select_related("conversation__contact")
        .order_by("claimed_at")
    )
    if not unknown or not account.has_tokens:
        return {"sent": 0, "requeued": 0, "failed": 0}
    oldest = min(message.claimed_at for message in unknown) - ECHO_GRACE
    with log_context(brand=account.brand.slug, account=account.screen_name):
        try:
            events = _sent_events_since(account, oldest)
        except TwitterError as error:
            logger.warning("could not settle unknown sends yet: %s", error)
            return {"sent": 0, "requeued": 0, "failed": 0}
        used = set(
            Message.objects.filter(account=account, external_id__in=[e["id"] for e in events]).values_list(
                "external_id", flat=True
            )
        )
        sent = requeued = failed = 0
        for message in unknown:
            match = next(
                (event for event in events if _is_this_message(event, message) and event["id"] not in used), None
            )
            if match is not None:
                used.add(match["id"])
                Message.objects.filter(pk=message.pk, status=Message.Status.UNKNOWN).update(
                    status=Message.Status.SENT,
                    external_id=match["id"],
                    sent_at=from_epoch_ms(match.get("created_timestamp")) or timezone.now(),
                    error="",
                )
                sent += 1
            elif _retry_later(message) == Message.Status.QUEUED:
                requeued += 1
            else:
                failed += 1
        logger.info(
            "settled unknown sends: %d delivered, %d not delivered (%d queued again, %d failed)",
            sent,
            requeued + failed,
            requeued,
            failed,
        )
    return {"sent": sent, "requeued": requeued, "failed": failed}


def _retry_later(message: Message) -> str:
    """Not delivered: like any passing failure, it waits a backoff before the next try, and
    fails once Twitter has kept failing for the give-up window."""
    return message_retry_later(
        message,
        from_status=Message.Status.UNKNOWN,
        note="Twitter gave no answer and the message never arrived; it will be tried again.",
        given_up=f"{KEPT_FAILING}: it gave no answer and the message never arrived. Retry sends it again.",
    )


def _sent_events_since(account: TwitterAccount, since: object) -> list[dict]:
    events = []
    for event, _apps in twitter_client().dm_iter(twitter_account_credentials(account), max_pages=10):
        created = from_epoch_ms(event.get("created_timestamp"))
        if created is not None and created < since:
            break
        create = event.get("message_create") or {}
        if str(create.get("sender_id")) == account.twitter_user_id:
            events.append(event)
    return events


def _is_this_message(event: dict, message: Message) -> bool:
    create = event.get("message_create") or {}
    recipient = str((create.get("target") or {}).get("recipient_id"))
    text = (create.get("message_data") or {}).get("text", "")
    created = from_epoch_ms(event.get("created_timestamp"))
    started = message.claimed_at - ECHO_GRACE
    return (
        recipient == message.conversation.contact.twitter_user_id
        and text == message_delivered_text(message)
        and (created is None or created >= started)
    )
