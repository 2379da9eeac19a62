"""The Celery app: `celery -A config worker` and `celery -A config beat`."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging
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


kombu_redis.Channel._connparams = _connparams_of_a_live_channel(kombu_redis.Channel._connparams)

app = Celery("roost")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs: object) -> None:
    """Workers log through Django's LOGGING, so their lines carry the same brand/event keys."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
