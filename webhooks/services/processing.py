"""Processing stored webhook events: claim, parse, route by account, record, mark.

A payload is applied in one transaction with its status change, so a crash half-way leaves
nothing behind but a claimed row, which the sweep hands out again. Recording is idempotent
per Twitter event id, so running an event twice is harmless.
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.models import Brand, TwitterAccount
from accounts.selectors import twitter_account_live_for_user_id
from accounts.services import twitter_account_mark_needs_reauth
from config.compiled import CompiledQuery, CompiledSave
from config.logging import log_context
from config.queue import enqueue_now
from engagement.models import Message
from engagement.services import (
    attachments_pending_ids,
    contact_record_favourite,
    contact_record_relationship,
    contact_upsert,
    direct_message_record,
    mention_record,
    read_record,
    tweet_text_remove,
    typing_record,
)
from webhooks import parsing
from webhooks.models import WebhookEvent
from webhooks.parsing import Payload, PayloadError, parse_payload

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH = 20  # small batches: an event arriving mid-batch waits less for the next claim
BUDGET_SECONDS = 20.0
DRAIN_SLOTS = 2
RETRY_AFTER = timedelta(minutes=1)  # the sweep hands out events left unprocessed this long
# A drain stops claiming once its budget is spent, so a claim three budgets old belongs to a
# worker that died or lost the database mid-batch. (It was 5 minutes: after a PostgreSQL blip
# the events of the interrupted batch waited that long, found by the PostgreSQL fault drill.
# Processing is idempotent per Twitter event id, so an early hand-out is harmless.)
STALE_CLAIM = timedelta(seconds=BUDGET_SECONDS * 3)
SWEEP_BATCH = 500


@dataclass
class Outcome:
    brand: Brand | None = None
    ignored: str = ""
    customer_messages: list[Message] = field(default_factory=list)
    attachment_ids: list[int] = field(default_factory=list)


def webhook_events_process_pending(*, batch: int = BATCH, budget_seconds: float = BUDGET_SECONDS) -> int:
    """Claim waiting events a batch at a time and process them until none is left (or the
    time budget is spent, so tasks stay short). Returns how many were processed.

    At most ``DRAIN_SLOTS`` drains run at once: under a burst the doorbell rings many times,
    and a ring that finds every slot busy ends at once instead of holding a worker to compete
    for the same rows.
    """
    from webhooks.tasks import events_doorbell

    slot = _take_drain_slot()
    if slot is None:
        return 0
    started = time.monotonic()
    processed = 0
    try:
        while True:
            events = _claim_batch(limit=batch)
            # A batch's events are mostly for the same few accounts: look each up once. (An
            # account disconnected meanwhile gets at most the rest of this batch recorded.)
            accounts = AccountRouting()
            for event in events:
                _process_claimed(event, accounts)
                processed += 1
            if time.monotonic() - started > budget_seconds:
                break  # hand the rest to a fresh task (rung below)
            if len(events) < batch:
                # A short batch took everything there was; what arrived since rang the
                # doorbell for a task of its own (and the look below covers a ring that
                # found every slot busy).
                break
    finally:
        cache.delete(slot)
    # A ring that found the slots busy counted on this drain; its event may have committed
    # just after our last claim came back empty. Looking once more closes that gap.
    if _ANY_CLAIMABLE.first_value(stale_before=timezone.now() - RETRY_AFTER) is not None:
        events_doorbell.ring()
    return processed


def _take_drain_slot() -> str | None:
    for number in range(DRAIN_SLOTS):
        key = f"roost:webhook-drain:{number}"
        # Expires on its own if a worker dies holding it.
        if cache.add(key, True, timeout=int(BUDGET_SECONDS * 3)):
            return key
    return None


def _claimable(now: datetime | None = None) -> QuerySet[WebhookEvent]:
    """Waiting, and never claimed or claimed so long ago that its worker is presumed gone."""
    return _claimable_if_claimed_before((now or timezone.now()) - RETRY_AFTER)


def _claimable_if_claimed_before(stale_before: datetime) -> QuerySet[WebhookEvent]:
    return WebhookEvent.objects.filter(status=WebhookEvent.Status.PENDING).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lte=stale_before)
    )


# Asked after every drain: compiled once (config/compiled.py).
_ANY_CLAIMABLE = CompiledQuery(
    WebhookEvent,
    lambda stale_before: _claimable_if_claimed_before(stale_before).values_list("pk")[:1],
    stale_before=datetime,
)


@functools.cache
def _oldest_claimable(limit: int) -> CompiledQuery:
    # One compiled query per batch size (in practice, one): a drain claims many times a second.
    return CompiledQuery(
        WebhookEvent,
        lambda stale_before: _claimable_if_claimed_before(stale_before).order_by("pk").values("pk")[:limit],
        stale_before=datetime,
    )


def _claim_batch(*, limit: int) -> list[WebhookEvent]:
    """Take the oldest claimable events for this worker with one UPDATE that returns them whole:
    no transaction's round trips, and processing needs no second read. SKIP LOCKED lets
    workers claim side by side on PostgreSQL; SQLite serialises writers instead. (UPDATE ...
    RETURNING needs SQLite 3.35: see webhooks/apps.py.)"""
    now = timezone.now()
    oldest, oldest_params = _oldest_claimable(limit).sql_with_params(stale_before=now - RETRY_AFTER)
    if connection.features.has_select_for_update_skip_locked:
        oldest += " FOR UPDATE SKIP LOCKED"
    quote = connection.ops.quote_name
    column = {field.name: quote(field.column) for field in WebhookEvent._meta.concrete_fields}
    status, attempts, claimed_at = column["status"], column["attempts"], column["claimed_at"]
    # Only the model's own names and Django's own SQL are formatted in; values are parameters.
    sql = (
        f"UPDATE {quote(WebhookEvent._meta.db_table)} "  # noqa: S608
        f"SET {status} = %s, {attempts} = {attempts} + 1, {claimed_at} = %s "
        f"WHERE {column['id']} IN ({oldest}) RETURNING {', '.join(column.values())}"
    )
    params = [WebhookEvent.Status.PROCESSING, connection.ops.adapt_datetimefield_value(now), *oldest_params]
    return sorted(WebhookEvent.objects.raw(sql, params), key=lambda event: event.pk)


def webhook_event_process(*, event_id: int) -> WebhookEvent | None:
    """Process one event now, if it is waiting (claimed like any other)."""
    claimed = WebhookEvent.objects.filter(pk=event_id, status=WebhookEvent.Status.PENDING).update(
        status=WebhookEvent.Status.PROCESSING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if claimed != 1:
        return None  # processed already, claimed by another worker, or failed for good
    return _process_claimed(WebhookEvent.objects.get(pk=event_id), AccountRouting())


class AccountRouting:
    """The live account for each Twitter user id, looked up once per batch of events."""

    def __init__(self) -> None:
        self._known: dict[str, TwitterAccount | None] = {}

    def account_for(self, twitter_user_id: str) -> TwitterAccount | None:
        if twitter_user_id not in self._known:
            self._known[twitter_user_id] = twitter_account_live_for_user_id(twitter_user_id=twitter_user_id)
        return self._known[twitter_user_id]

    def forget(self) -> None:
        """After a rolled-back event: what it changed in these objects never happened."""
        self._known.clear()


def _process_claimed(event: WebhookEvent, accounts: AccountRouting) -> WebhookEvent:
    with log_context(event=str(event.public_id)):
        try:
            payload = parse_payload(event.body)
        except PayloadError as error:
            # A malformed payload will not get better: fail it at once, visibly.
            return _finish(event, WebhookEvent.Status.FAILED, error=f"malformed payload: {error}")
        try:
            with transaction.atomic():
                outcome = payload_apply(payload, accounts=accounts)
                _bots_answer(outcome)
                status = WebhookEvent.Status.IGNORED if outcome.ignored else WebhookEvent.Status.PROCESSED
                event = _finish(event, status, error=outcome.ignored, brand=outcome.brand, payload=payload)
        except Exception as error:
            accounts.forget()
            logger.exception("webhook event processing failed (attempt %d)", event.attempts)
            final = event.attempts >= MAX_ATTEMPTS
            status = WebhookEvent.Status.FAILED if final else WebhookEvent.Status.PENDING
            return _finish(event, status, error=f"{error.__class__.__name__}: {error}"[:2000])
        _after_commit(outcome)
        logger.info("webhook event %s", event.status, extra={"types": event.event_types})
        return event


# Every event ends here (config/compiled.py); a model save() would build it each time.
_RECORD_OUTCOME = CompiledSave(WebhookEvent, "status", "last_error", "brand", "for_user_id", "processed_at")


def _finish(
    event: WebhookEvent,
    status: str,
    *,
    error: str = "",
    brand: Brand | None = None,
    payload: Payload | None = None,
) -> WebhookEvent:
    event.status = status
    event.last_error = error
    event.brand = brand or event.brand
    if payload is not None:
        event.for_user_id = event.for_user_id or payload.for_user_id
    if status in (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED, WebhookEvent.Status.FAILED):
        event.processed_at = timezone.now()
    _RECORD_OUTCOME.save(event)
    if status == WebhookEvent.Status.FAILED:
        logger.error("webhook event failed for good: %s", error)
    return event


def _bots_answer(outcome: Outcome) -> None:
    """In the event's own transaction: the bot's reply is queued with the customer's message or
    not at all, so a worker lost between the two can never lose the answer (the event is then
    processed again, whole). A broken rule rolls back only its own savepoint, never the event."""
    from engagement.services.bots import bots_answer

    for message in outcome.customer_messages:
        try:
            bots_answer(message)
        except Exception:
            logger.exception("bot rules failed for a customer message; the message itself is recorded")


def _after_commit(outcome: Outcome) -> None:
    from engagement.tasks import download_attachment

    for attachment_id in outcome.attachment_ids:
        enqueue_now(download_attachment, attachment_id)


def payload_apply(payload: Payload, *, accounts: AccountRouting | None = None) -> Outcome:
    """Record every event of the payload for the account it is for."""
    accounts = accounts or AccountRouting()
    outcome = Outcome()
    revokes = [event for event in payload.events if isinstance(event, parsing.Revoked)]
    for revoke in revokes:
        outcome.brand = _apply_revoke(revoke, accounts) or outcome.brand
    others = [event for event in payload.events if not isinstance(event, parsing.Revoked | parsing.ReplayJob)]
    for job in (event for event in payload.events if isinstance(event, parsing.ReplayJob)):
        logger.info("replay job %s: %s (%s)", job.job_id, job.state, job.description)
    if not others:
        if not payload.events and payload.unknown_keys:
            outcome.ignored = f"unknown event type(s): {', '.join(payload.unknown_keys)}"
        elif revokes and outcome.brand is None:
            outcome.ignored = "revoke for a Twitter user no brand has connected"
        return outcome
    account = accounts.account_for(payload.for_user_id)
    if account is None:
        outcome.ignored = f"no brand has connected Twitter user {payload.for_user_id}"
        return outcome
    outcome.brand = account.brand
    with log_context(brand=account.brand.slug, account=account.screen_name):
        for item in others:
            _apply_event(account, item, payload, outcome)
    if payload.unknown_keys:
        logger.info("ignored unknown keys: %s", ", ".join(payload.unknown_keys))
    return outcome


def _apply_event(account: TwitterAccount, item: object, payload: Payload, outcome: Outcome) -> None:
    if isinstance(item, parsing.DirectMessage):
        recorded = direct_message_record(account=account, event=item, users=payload.users)
        if recorded.from_customer and recorded.message is not None:
            outcome.customer_messages.append(recorded.message)
        outcome.attachment_ids.extend(recorded.attachment_ids)
    elif isinstance(item, parsing.TweetCreated):
        recorded = mention_record(account=account, tweet=item, user_has_blocked=payload.user_has_blocked)
        if recorded.from_customer and recorded.message is not None:
            outcome.customer_messages.append(recorded.message)
    elif isinstance(item, parsing.Typing):
        typing_record(account=account, event=item)
    elif isinstance(item, parsing.Read):
        read_record(account=account, event=item)
    elif isinstance(item, parsing.TweetDeleted):
        tweet_text_remove(account=account, tweet_id=item.tweet_id)
    elif isinstance(item, parsing.Favorited):
        if item.user.id != account.twitter_user_id:
            contact = contact_upsert(brand=account.brand, profile=item.user)
            contact_record_favourite(contact=contact, at=item.created_at)
    elif isinstance(item, parsing.Relationship):
        _apply_relationship(account, item)


def _apply_relationship(account: TwitterAccount, item: parsing.Relationship) -> None:
    brand_id = account.twitter_user_id
    if item.kind in {"follow", "unfollow"} and item.target.id == brand_id and item.source.id != brand_id:
        contact = contact_upsert(brand=account.brand, profile=item.source)  # they (un)followed the brand
    elif item.kind not in {"follow", "unfollow"} and item.source.id == brand_id and item.target.id != brand_id:
        contact = contact_upsert(brand=account.brand, profile=item.target)  # the brand (un)blocked/muted them
    else:
        return  # the brand following someone is not about a customer
    contact_record_relationship(contact=contact, kind=item.kind)


def _apply_revoke(revoke: parsing.Revoked, accounts: AccountRouting) -> Brand | None:
    if revoke.app_id and settings.TWITTER_APP_ID and revoke.app_id != settings.TWITTER_APP_ID:
        return None  # another app was revoked
    account = accounts.account_for(revoke.user_id)
    if account is None:
        return None
    twitter_account_mark_needs_reauth(
        account=account, reason="the account revoked Roost's access on Twitter", wipe_tokens=True
    )
    return account.brand


# --- the sweep and replays -----------------------------------------------------------------
def webhook_events_sweep() -> int:
    """Ring for events nobody is processing: accepted while the broker was down, failed a
    while ago, or left by a worker that died. Returns how many were waiting."""
    from engagement.tasks import download_attachment
    from webhooks.tasks import process_webhook_events

    now = timezone.now()
    WebhookEvent.objects.filter(status=WebhookEvent.Status.PROCESSING, claimed_at__lt=now - STALE_CLAIM).update(
        status=WebhookEvent.Status.PENDING
    )
    due = (
        WebhookEvent.objects.filter(status=WebhookEvent.Status.PENDING, received_at__lte=now - RETRY_AFTER)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lte=now - RETRY_AFTER))
        .count()
    )
    if due:
        logger.info("sweep: %d webhook event(s) waiting for over a minute", due)
        enqueue_now(process_webhook_events)
    for attachment_id in attachments_pending_ids():
        enqueue_now(download_attachment, attachment_id)
    return due


def webhook_events_replay(*, event_ids: list[int]) -> int:
    """Process these events again (idempotent): for failed events once the cause is fixed.
    Returns how many are now waiting."""
    from webhooks.tasks import process_webhook_events

    replayed = (
        WebhookEvent.objects.filter(pk__in=event_ids)
        .exclude(status=WebhookEvent.Status.PROCESSING)
        .update(status=WebhookEvent.Status.PENDING, attempts=0, last_error="", claimed_at=None)
    )
    enqueue_now(process_webhook_events)
    return replayed
