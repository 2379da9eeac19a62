"""The request path: store each delivery durably, then ring the worker's doorbell.

Deliveries are *group-committed*: request threads hand their event to one writer thread per
process, which inserts everything that queued up while the previous commit ran in a single
statement and transaction, then releases each request. A lone event is committed on its own
at once; under a burst, dozens share one commit. Every request still gets its 200 only after
its own event is committed.
"""

from __future__ import annotations

import logging
import queue
import threading
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from config.threads import ProcessThread
from webhooks.models import WebhookEvent
from webhooks.parsing import EVENT_KEYS, optional_id
from webhooks.tasks import events_doorbell

logger = logging.getLogger(__name__)

MAX_BATCH = 200
# How long a request waits for its commit before answering 500 (Twitter then retries; a
# commit that landed after all only makes a duplicate row, which processing deduplicates).
COMMIT_TIMEOUT_SECONDS = 5.0


class IntakeUnavailable(Exception):
    """The event could not be stored; the request must not answer 200."""


@dataclass(frozen=True)
class StoredEvent:
    public_id: str
    event_types: str


def webhook_event_store(*, body: str, payload: Any, source: str = WebhookEvent.Source.WEBHOOK) -> StoredEvent:
    """One row per delivery, committed before this returns; processing is rung after commit
    and, if the broker is down, found again by the sweep. Nothing else happens here."""
    event = _new_event(body=body, payload=payload, source=source)
    if connection.in_atomic_block:
        # The caller holds a transaction: the event joins it (another connection could not
        # see it, nor roll back with it).
        event.save(force_insert=True)
        events_doorbell.ring_on_commit()
    else:
        _writer.store(event)
    return StoredEvent(public_id=str(event.public_id), event_types=event.event_types)


def _new_event(*, body: str, payload: Any, source: str) -> WebhookEvent:
    for_user_id = ""
    event_types = ""
    if isinstance(payload, dict):
        for_user_id = optional_id(payload.get("for_user_id"))  # anything else, NUL included, is not kept
        event_types = ",".join(key for key in EVENT_KEYS if key in payload)[:200]
    return WebhookEvent(body=body, source=source, for_user_id=for_user_id, event_types=event_types)


@dataclass(eq=False)
class _Pending:
    event: WebhookEvent
    done: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class GroupCommitWriter:
    """One writer thread per process."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._thread = ProcessThread("webhook-intake-writer", self._run, on_start=self._new_queue)

    def store(self, event: WebhookEvent) -> None:
        self._thread.ensure_running()
        pending = _Pending(event)
        self._queue.put(pending)
        if not pending.done.wait(COMMIT_TIMEOUT_SECONDS):
            raise IntakeUnavailable(f"the event was not committed within {COMMIT_TIMEOUT_SECONDS:.0f}s")
        if pending.error is not None:
            raise IntakeUnavailable(f"the event could not be stored: {pending.error}") from pending.error

    def _new_queue(self) -> None:
        self._queue = queue.SimpleQueue()  # anything inherited across a fork is not ours

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                insert_events([pending.event for pending in batch])
            except Exception as error:
                logger.exception("could not store %d webhook event(s); answering 500 so Twitter retries", len(batch))
                for pending in batch:
                    pending.error = error
                connection.close()  # a broken connection is replaced on the next batch
                stored = False
            else:
                stored = True
            for pending in batch:
                pending.done.set()
            if stored:
                events_doorbell.ring()  # never blocks: the doorbell publishes on its own thread


def insert_events(events: list[WebhookEvent]) -> None:
    """Insert new events with one multi-row INSERT, committed when this returns.

    This is the hottest statement in Roost, and the ORM's per-object bookkeeping in
    ``bulk_create`` (returning ids, savepoints) was most of each delivery's CPU; the values
    still go through each field's own ``pre_save`` and database preparation.
    """
    fields = [field for field in WebhookEvent._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, (connection.features.max_query_params or 10_000) // len(fields))
    statements = []
    for start in range(0, len(events), per_statement):
        chunk = events[start : start + per_statement]
        params = [
            field.get_db_prep_save(field.pre_save(event, True), connection) for event in chunk for field in fields
        ]
        rows = ", ".join([one_row] * len(chunk))
        # Only the model's own table and column names are formatted in; values are parameters.
        sql = f"INSERT INTO {quote(WebhookEvent._meta.db_table)} ({columns}) VALUES {rows}"  # noqa: S608
        statements.append((sql, params))
    # One statement commits on its own (autocommit); several must share a transaction.
    with transaction.atomic() if len(statements) > 1 else nullcontext(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


_writer = GroupCommitWriter()
