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
from django.core.cache import cache
from django.db import transaction
from kombu.connection import ConnectionPool

from config.celery import app
from config.threads import ProcessThread

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

    ``ring()`` never blocks: it wakes this process's doorbell thread, which publishes at most
    once per ``window`` (rings during a publish or the window collapse into one more pass after
    it, so every ring is followed by a publish that happens after it).

    A publish is also skipped while one published earlier is still waiting in the broker: the
    task calls ``answer()`` before it reads any row, so it will see everything committed before
    the ring that was skipped. The mark lives in the shared cache (Redis, or the file cache in
    development) and expires after ``pending_timeout``, so a message the broker lost cannot
    silence the bell for longer than that. A burst of thousands of events a second thus costs
    a cache write per ring and a handful of broker messages, not a publish per event.
    """

    def __init__(self, task: Task, *, window: float = 0.02, pending_timeout: int = 3, queue: str | None = None) -> None:
        self.task = task
        self.window = window
        self.pending_timeout = pending_timeout
        self.queue = queue
        self._wake = threading.Event()
        self._thread = ProcessThread("doorbell", self._run, on_start=self._new_wake)

    @property
    def pending_key(self) -> str:
        return f"roost:doorbell:{self.task.name}"

    def ring(self) -> None:
        self._thread.ensure_running()
        self._wake.set()

    def ring_on_commit(self) -> None:
        transaction.on_commit(self.ring, robust=True)

    def answer(self) -> None:
        """Called by the task as it starts: rings from now on need a publish of their own.
        (Also whenever the published message is known to be gone, as after a queue purge.)"""
        try:
            cache.delete(self.pending_key)
        except Exception as error:  # the mark then lapses on its own
            logger.warning("could not clear the doorbell mark for %s (%s)", self.task.name, error)

    def publish(self) -> None:
        """One pass of the doorbell thread (also called directly by tests)."""
        try:
            already_rung = not cache.add(self.pending_key, True, timeout=self.pending_timeout)
        except Exception:  # cache down: publishing is the safe side
            already_rung = False
        if already_rung:
            return
        if not enqueue_now(self.task, queue=self.queue):
            self.answer()  # nothing is waiting in the broker: let the next ring try again

    def _new_wake(self) -> None:
        self._wake = threading.Event()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            try:
                self.publish()
            except Exception:  # the thread must survive anything; the sweeps cover the gap
                logger.exception("the doorbell for %s failed to publish", self.task.name)
            time.sleep(self.window)
