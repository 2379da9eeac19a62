"""A real Celery worker round trip through the broker and the database."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from accounts.models import Brand
from accounts.services import brand_create
from config.celery import app as celery_app
from config.queue import enqueue_on_commit
from tests.conftest import USING_REDIS
from tests.helpers import wait_until


@celery_app.task(name="tests.create_brand")
def create_brand_task(slug: str) -> None:
    brand_create(name=slug.title(), slug=slug)


@pytest.mark.worker
@pytest.mark.skipif(
    not USING_REDIS or connection.vendor != "postgresql",
    reason="the Redis round trip runs on PostgreSQL + Redis (set DATABASE_URL and REDIS_URL, as .ci/run does)",
)
def test_a_task_published_on_commit_runs_in_a_real_worker_over_redis(celery_worker):
    assert celery_app.conf.broker_url.startswith("redis://")
    with transaction.atomic():
        enqueue_on_commit(create_brand_task, "round-trip")
        assert not Brand.objects.filter(slug="round-trip").exists()
    wait_until(lambda: Brand.objects.filter(slug="round-trip").exists(), what="the worker to create the brand")


@pytest.mark.worker
def test_a_task_runs_in_a_real_worker_on_the_configured_broker(celery_worker):
    with transaction.atomic():
        enqueue_on_commit(create_brand_task, "any-broker")
    wait_until(lambda: Brand.objects.filter(slug="any-broker").exists(), what="the worker to create the brand")


@pytest.mark.django_db
def test_publishing_never_fails_the_caller_when_the_broker_is_down(monkeypatch):
    from config import queue

    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    queue.reset_publish_pools()
    try:
        assert queue.enqueue_now(create_brand_task, "never") is False
    finally:
        monkeypatch.undo()
        queue.reset_publish_pools()


seen_connections: list[object] = []


@celery_app.task(name="tests.note_database_connection")
def note_database_connection_task() -> None:
    connection.ensure_connection()
    seen_connections.append(connection.connection)  # kept alive here, so never mistaken for a new one


@pytest.mark.worker
def test_tasks_keep_their_database_connection_as_django_keeps_a_requests(celery_worker):
    """Celery's Django fixup would close it around every task (a PostgreSQL backend forked per
    task); the worker follows CONN_MAX_AGE instead."""
    seen_connections.clear()
    for expected in (1, 2):
        enqueue_on_commit(note_database_connection_task)
        wait_until(lambda expected=expected: len(seen_connections) == expected, what="the task to run")
    kept = connection.settings_dict["CONN_MAX_AGE"] != 0
    assert (seen_connections[0] is seen_connections[1]) == kept


@pytest.mark.django_db(transaction=True)
def test_a_connection_past_its_age_is_closed_around_a_task_but_never_an_eager_callers():
    from celery.signals import task_postrun

    connection.ensure_connection()
    connection.close_at = 0  # past CONN_MAX_AGE
    note_database_connection_task.push_request(is_eager=True)
    try:
        task_postrun.send(sender=note_database_connection_task)
    finally:
        note_database_connection_task.pop_request()
    assert connection.connection is not None  # an eager task runs in its caller's connection
    task_postrun.send(sender=note_database_connection_task)
    assert connection.connection is None
