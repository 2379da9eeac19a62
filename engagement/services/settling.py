"""Settling sends whose outcome is unknown, and the sweep that keeps sending moving."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from accounts.models import TwitterAccount
from config.logging import log_context
from config.queue import enqueue_now
from engagement.models import Conversation, Message
from engagement.services.send_claims import STALE_SENDING
from engagement.services.send_outcomes import (
    GIVE_UP_AFTER,
    KEPT_FAILING,
    message_fail,
    message_record_sent,
    message_retry_later,
)
from engagement.services.sent_events import SentEvents, sent_events_since
from integrations.twitter import TwitterError
from integrations.twitter.types import from_epoch_ms

logger = logging.getLogger(__name__)

ECHO_GRACE = timedelta(minutes=1)  # the echo usually settles an unknown send before this
SETTLE_EVERY = timedelta(minutes=2)  # events/list allows 15 calls per 15 minutes per account
SWEEP_BATCH = 500
UNCONFIRMED = (
    "Delivery could not be confirmed: Twitter gave no answer, and the message could not be found among the "
    "account's recent Direct Messages. Check the conversation on Twitter before pressing Retry, which sends it again."
)
UNCHECKED = (
    "Delivery could not be confirmed: Twitter gave no answer, and its list of the account's Direct Messages "
    "could not be read since. Check the conversation on Twitter before pressing Retry, which sends it again."
)


def messages_sweep() -> dict[str, int]:
    """Runs every few seconds: due sends are enqueued, dead workers' sends become unknown,
    unknown sends are settled."""
    from engagement.tasks import send_message, settle_unknown_messages

    now = timezone.now()
    stale = Message.objects.filter(status=Message.Status.SENDING, claimed_at__lt=now - STALE_SENDING).update(
        status=Message.Status.UNKNOWN,
        maybe_sent=True,
        error="The send was interrupted. Checking whether it was delivered.",
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
    """Look in ``direct_messages/events/list`` for the account's unknown Direct Messages.

    One found there was delivered: it becomes sent with Twitter's id. One missing from a
    listing that reached back past its attempt was not: it is queued again after a backoff
    (failed once Twitter has kept failing for the give-up window). When the listing could not
    reach that far, or could not be read, the send stays unknown and is looked for again; past
    the give-up window it fails, saying delivery could not be confirmed. Nothing is re-sent
    without this check. (An unknown Tweet is not in that list; see ``_post_again``.)"""
    outcomes = dict.fromkeys(("sent", "requeued", "failed", "unsettled"), 0)
    account = TwitterAccount.objects.select_related("brand").filter(pk=account_id).first()
    unknown = _unknown_sends(account) if account is not None else []
    if not unknown:
        return outcomes
    tweets: list[Message] = []
    direct_messages: list[Message] = []
    for message in unknown:
        message.account = account
        (tweets if message.conversation.kind == Conversation.Kind.MENTION else direct_messages).append(message)
    with log_context(brand=account.brand.slug, account=account.screen_name):
        for tweet in tweets:
            outcomes[_post_again(tweet)] += 1
        if direct_messages and not (account.state == TwitterAccount.State.ACTIVE and account.has_tokens):
            # Nobody can look: they wait with the account's held replies, and are settled once
            # it is connected again (never failed for a check that was not made).
            outcomes["unsettled"] += len(direct_messages)
        elif direct_messages:
            listing = _listing(account, since=min(message.claimed_at for message in direct_messages))
            taken = _ids_already_recorded(account, listing)
            for message in direct_messages:
                outcomes[_settle(message, listing, taken)] += 1
        logger.info(
            "settled unknown sends: %(sent)d delivered, %(requeued)d queued again, %(failed)d failed, "
            "%(unsettled)d still unknown",
            outcomes,
        )
    return outcomes


def _unknown_sends(account: TwitterAccount) -> list[Message]:
    """Unknown for longer than the echo usually takes to settle them."""
    return list(
        Message.objects.filter(
            account=account, status=Message.Status.UNKNOWN, claimed_at__lte=timezone.now() - ECHO_GRACE
        )
        .select_related("conversation__contact", "custom_profile")
        .order_by("claimed_at")
    )


def _listing(account: TwitterAccount, *, since: datetime) -> SentEvents | None:
    """None when it cannot be read now (a rate limit, Twitter failing)."""
    try:
        return sent_events_since(account, since)
    except TwitterError as error:
        logger.warning("could not settle unknown sends yet: %s", error)
        return None


def _ids_already_recorded(account: TwitterAccount, listing: SentEvents | None) -> set[str]:
    if listing is None:
        return set()
    ids = [event["id"] for event in listing.events]
    return set(Message.objects.filter(account=account, external_id__in=ids).values_list("external_id", flat=True))


def _settle(message: Message, listing: SentEvents | None, taken: set[str]) -> str:
    match = listing.find(message, taken=taken) if listing is not None else None
    if match is not None:
        taken.add(match["id"])
        sent_at = from_epoch_ms(match.get("created_timestamp"))
        message_record_sent(message, external_id=match["id"], sent_at=sent_at)
        return "sent"
    if listing is not None and listing.covers(message):
        return _send_again(message)
    return _undetermined(message, looked=listing is not None)


def _send_again(message: Message) -> str:
    """Not delivered: like any passing failure, it waits a backoff before the next try, and
    fails once Twitter has kept failing for the give-up window."""
    outcome = message_retry_later(
        message,
        from_status=Message.Status.UNKNOWN,
        note="Twitter gave no answer and the message never arrived; it will be tried again.",
        given_up=f"{KEPT_FAILING}: it gave no answer and the message never arrived. Retry sends it again.",
    )
    return "requeued" if outcome == Message.Status.QUEUED else "failed"


def _post_again(message: Message) -> str:
    """events/list holds Direct Messages only, so an unknown Tweet is posted again (after a
    backoff): Twitter refuses an identical status, and sending reads that as the first one
    having gone out. Only of a recent Tweet, though: past the give-up window an agent decides."""
    outcome = message_retry_later(
        message,
        from_status=Message.Status.UNKNOWN,
        note="Twitter gave no answer; the Tweet will be posted again unless Twitter already has it.",
        given_up=(
            f"{KEPT_FAILING} and never confirmed the Tweet. Check the account's Tweets before pressing Retry: "
            "Twitter refuses a copy of a recent Tweet (it then shows as sent), not of an older one."
        ),
    )
    return "requeued" if outcome == Message.Status.QUEUED else "failed"


def _undetermined(message: Message, *, looked: bool) -> str:
    """Neither found nor proven missing: sending it again could give the customer two, so it
    stays unknown until the give-up window is over, then an agent decides."""
    if timezone.now() - (message.first_attempt_at or message.claimed_at) <= GIVE_UP_AFTER:
        return "unsettled"
    message_fail(message, reason=UNCONFIRMED if looked else UNCHECKED)
    return "failed"
