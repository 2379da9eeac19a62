"""Publishing Celery tasks as a doorbell.

Work is always recorded in a row before its task is published, and periodic sweeps find rows
whose task never arrived. So publishing happens after commit (a worker must see the row),
never retries, never waits long, and never fails the caller: with the broker down a request
still answers at once and the sweep rings the bell later.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from celery import Task
from django.db import transaction
from kombu.connection import ConnectionPool

from config.celery import app

logger = logging.getLogger(__name__)

# Short socket timeouts for publishing only: a broker that accepts connections but hangs must
# not hold a web request. (The worker keeps the longer timeouts its blocking reads need.)
PUBLISH_TIMEOUT_SECONDS = 0.5
_pools: dict[tuple[int, str], ConnectionPool] = {}


def _publish_pool() -> ConnectionPool:
    # One pool per process (a pool created before gunicorn forks must not share its sockets)
    # and per broker URL (a pool for another broker is never reused).
    key = (os.getpid(), app.conf.broker_url)
    if key not in _pools:
        options = {
            **(app.conf.broker_transport_options or {}),
            "socket_connect_timeout": PUBLISH_TIMEOUT_SECONDS,
            "socket_timeout": PUBLISH_TIMEOUT_SECONDS * 2,
        }
        connection = app.connection_for_write(transport_options=options, connect_timeout=PUBLISH_TIMEOUT_SECONDS)
        _pools[key] = connection.Pool(limit=app.conf.broker_pool_limit or 10)
    return _pools[key]


def enqueue_now(task: Task, *args: Any, queue: str | None = None, **kwargs: Any) -> bool:
    """Publish ``task`` now; return False (and log) instead of raising when the broker is down."""
    options: dict[str, Any] = {"retry": False}
    if queue:
        options["queue"] = queue
    try:
        with _publish_pool().acquire(block=True, timeout=PUBLISH_TIMEOUT_SECONDS) as connection:
            # kombu's own connect path sleeps 2 s before its retry; connect here without back-off.
            connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=PUBLISH_TIMEOUT_SECONDS
            )
            task.apply_async(args=args, kwargs=kwargs, connection=connection, **options)
    except Exception as error:  # any broker failure: the row is safe and a sweep will retry
        logger.warning("could not publish %s (%s); a periodic sweep will pick the work up", task.name, error)
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any, queue: str | None = None, **kwargs: Any) -> None:
    """Publish ``task`` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue_now(task, *args, queue=queue, **kwargs), robust=True)


def reset_publish_pools() -> None:
    """Forget pooled connections (tests that point the app at another broker call this)."""
    for pool in _pools.values():
        pool.force_close_all()
    _pools.clear()


class Doorbell:
    """A coalescing "there is work" signal for a task that drains rows (no arguments).

    Each process publishes at most once per ``window``; a ring inside the window schedules one
    trailing publish at its end. Every ring is therefore followed by a publish that happens
    after it, so work committed before a ring is always seen by a task that runs after it,
    while a burst of thousands of events costs a handful of broker messages.
    """

    def __init__(self, task: Task, *, window: float = 0.02, queue: str | None = None) -> None:
        self.task = task
        self.window = window
        self.queue = queue
        self._lock = threading.Lock()
        self._last = 0.0
        self._trailing: threading.Timer | None = None

    def ring(self) -> None:
        with self._lock:
            now = time.monotonic()
            wait = self._last + self.window - now
            if wait <= 0:
                self._last = now
            else:
                if self._trailing is None:
                    self._trailing = threading.Timer(wait, self._ring_trailing)
                    self._trailing.daemon = True
                    self._trailing.start()
                return
        enqueue_now(self.task, queue=self.queue)

    def ring_on_commit(self) -> None:
        transaction.on_commit(self.ring, robust=True)

    def _ring_trailing(self) -> None:
        with self._lock:
            self._trailing = None
            self._last = time.monotonic()
        enqueue_now(self.task, queue=self.queue)
