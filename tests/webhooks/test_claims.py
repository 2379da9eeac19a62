"""Claiming stored events for processing: oldest first, whole rows, never twice."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from tests.helpers import run_in_threads
from webhooks.models import WebhookEvent
from webhooks.services import processing
from webhooks.services.processing import _claim_batch as claim

pytestmark = pytest.mark.django_db(transaction=True)


def store(count: int, **fields) -> list[WebhookEvent]:
    return [WebhookEvent.objects.create(body="{}", for_user_id="1", **fields) for _ in range(count)]


def test_a_claim_takes_the_oldest_waiting_events_whole():
    stale = timezone.now() - processing.RETRY_AFTER * 2
    done, recent_claim = store(1, status=WebhookEvent.Status.PROCESSED), store(1, claimed_at=timezone.now())
    retried = store(1, claimed_at=stale)
    waiting = store(3)

    claimed = claim(limit=3)

    assert [event.pk for event in claimed] == [retried[0].pk, waiting[0].pk, waiting[1].pk]
    for event in claimed:
        stored = WebhookEvent.objects.get(pk=event.pk)
        assert (event.status, event.attempts, event.claimed_at) == (
            stored.status,
            stored.attempts,
            stored.claimed_at,
        )
        assert (stored.status, event.body, event.for_user_id) == (WebhookEvent.Status.PROCESSING, "{}", "1")
    assert claim(limit=3) == [WebhookEvent.objects.get(pk=waiting[2].pk)]
    assert claim(limit=3) == []
    assert WebhookEvent.objects.get(pk=done[0].pk).status == WebhookEvent.Status.PROCESSED
    assert WebhookEvent.objects.get(pk=recent_claim[0].pk).attempts == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="claims run side by side on PostgreSQL only")
def test_workers_claiming_at_once_never_take_the_same_event():
    from django.db import connections

    store(200)
    taken: list[list[int]] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        mine: list[int] = []
        while batch := claim(limit=7):
            mine += [event.pk for event in batch]
        taken.append(mine)
        connections.close_all()

    run_in_threads(lambda _: worker(), 4)
    everything = [pk for mine in taken for pk in mine]
    assert len(everything) == len(set(everything)) == 200


def test_startup_refuses_a_sqlite_without_update_returning(monkeypatch):
    from webhooks.apps import database_can_claim_events

    assert database_can_claim_events(None) == []
    monkeypatch.setattr(connection, "vendor", "sqlite")
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", property(lambda self: False))
    (error,) = database_can_claim_events(None)
    assert error.id == "webhooks.E001"
    assert "SQLite 3.35 or later" in error.msg
