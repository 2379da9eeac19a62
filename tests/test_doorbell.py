"""The coalescing doorbell: bursts cost a few publishes, and no ring is ever left unanswered."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache

from config import queue
from config.queue import Doorbell
from tests.helpers import run_in_threads, wait_until


class FakeTask:
    name = "tests.fake_drain"


class Recorder:
    """Stands in for ``enqueue_now``: counts publishes, and can fail like a broker that is down."""

    def __init__(self, *, succeeds: bool = True) -> None:
        self.calls = 0
        self.succeeds = succeeds
        self.lock = threading.Lock()

    def __call__(self, task, *args, **kwargs) -> bool:
        with self.lock:
            self.calls += 1
        return self.succeeds


@pytest.fixture
def recorder(monkeypatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(queue, "enqueue_now", recorder)
    return recorder


@pytest.fixture
def bell() -> Doorbell:
    bell = Doorbell(task=FakeTask(), window=0.05)
    cache.delete(bell.pending_key)
    yield bell
    cache.delete(bell.pending_key)


def test_ring_does_not_block_and_a_publish_follows(recorder, bell):
    bell.ring()
    wait_until(lambda: recorder.calls == 1, timeout=5, what="the publish")


def test_while_a_published_task_has_not_started_rings_publish_nothing(recorder, bell):
    bell.publish()
    bell.publish()
    bell.publish()
    assert recorder.calls == 1


def test_once_the_task_answers_the_next_ring_publishes_again(recorder, bell):
    bell.publish()
    bell.answer()  # what the task does before it reads any row
    bell.publish()
    assert recorder.calls == 2


def test_a_failed_publish_lets_the_next_ring_try_again(monkeypatch, bell):
    failing = Recorder(succeeds=False)
    monkeypatch.setattr(queue, "enqueue_now", failing)
    bell.publish()
    bell.publish()
    assert failing.calls == 2


def test_a_mark_whose_message_was_lost_lapses(recorder, bell):
    bell.pending_timeout = 1
    bell.publish()
    assert recorder.calls == 1
    # The broker lost the message: no task will answer. The mark expires on its own.
    wait_until(lambda: cache.get(bell.pending_key) is None, timeout=5, what="the mark to lapse")
    bell.publish()
    assert recorder.calls == 2


def test_with_the_cache_down_every_pass_publishes(recorder, bell, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(queue.cache, "add", down)
    bell.publish()
    bell.publish()
    assert recorder.calls == 2


def test_a_burst_from_many_threads_costs_a_few_publishes_and_the_last_ring_is_answered(recorder, bell):
    def ring_many() -> None:
        for _ in range(300):
            bell.ring()

    run_in_threads(lambda _: ring_many(), 8)
    # The worker starts the task and answers, as a live worker would, so later rings publish.
    wait_until(lambda: recorder.calls >= 1, timeout=5, what="the first publish")
    bell.answer()
    bell.ring()
    wait_until(lambda: recorder.calls >= 2, timeout=5, what="a publish after the answer")
    assert recorder.calls <= 5
