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
