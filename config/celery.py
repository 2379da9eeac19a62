"""The Celery app: `celery -A config worker` and `celery -A config beat`."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _connparams_of_a_live_channel(original: Any) -> Any:
    """kombu (5.7) keeps using a channel after its broker connection was lost and released:
    closing it re-queues unacked messages, and a task finishing after the reconnect acks on
    it. Both look up the released connection and fail with AttributeError ("'NoneType' object
    has no attribute 'hostname'" / "'client'"), which Celery does not expect: the worker exits
    with "Unrecoverable error" instead of reconnecting (found by the Redis fault drills).
    Raised as the connection error it is, Celery logs it and carries on; the messages involved
    are handed out again by Redis after the visibility timeout, and every task's work is a row
    the sweeps find anyway."""

    def _connparams(self: Any, asynchronous: bool = False) -> Any:
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("this channel's broker connection was closed")
        return original(self, asynchronous)

    return _connparams


def _one_client_per_pool(original: Any) -> Any:
    """kombu (5.7) builds a new redis-py client for every publish and every queue operation,
    and a client's constructor fills a table of some 200 response callbacks: about a third of
    a publish's CPU here. A client only wraps its connection pool and is safe to share between
    threads, so the channel keeps one per pool (a new pool, after a reconnect, gets a new one)."""

    def _create_client(self: Any, asynchronous: bool = False) -> Any:
        if asynchronous:
            return original(self, asynchronous)
        client = self.__dict__.get("_roost_client")
        if client is None or client.connection_pool is not self.pool:
            client = original(self, asynchronous)
            self.__dict__["_roost_client"] = client
        return client

    return _create_client


kombu_redis.Channel._connparams = _connparams_of_a_live_channel(kombu_redis.Channel._connparams)
kombu_redis.Channel._create_client = _one_client_per_pool(kombu_redis.Channel._create_client)

app = Celery("roost")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs: object) -> None:
    """Workers log through Django's LOGGING, so their lines carry the same brand/event keys."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(sender: Any = None, **kwargs: object) -> None:
    """What Django does around every request, around every task: a connection older than
    CONN_MAX_AGE or left unusable by an error is closed, so the next query opens a fresh one
    (with CELERY_DB_REUSE_MAX set, Celery no longer closes them all itself). A task applied
    eagerly runs inside its caller's connection and transaction, which are not its to close."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
