"""The coalescing doorbell: bursts cost a few publishes, and no ring is ever left unanswered."""

from __future__ import annotations

import threading

from config import queue
from config.queue import Doorbell
from tests.helpers import wait_until


class Recorder:
    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, task, *args, **kwargs) -> bool:
        with self.lock:
            self.calls += 1
        return True


def test_a_burst_of_rings_costs_one_publish_and_one_trailing_publish(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(queue, "enqueue_now", recorder)
    bell = Doorbell(task=object(), window=0.2)
    for _ in range(1000):
        bell.ring()
    assert recorder.calls == 1
    wait_until(lambda: recorder.calls == 2, timeout=5, what="the trailing publish")


def test_a_ring_after_the_window_publishes_at_once(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(queue, "enqueue_now", recorder)
    bell = Doorbell(task=object(), window=0.0)
    bell.ring()
    bell.ring()
    assert recorder.calls == 2


def test_rings_from_many_threads_are_all_followed_by_a_publish(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(queue, "enqueue_now", recorder)
    bell = Doorbell(task=object(), window=0.05)
    threads = [threading.Thread(target=lambda: [bell.ring() for _ in range(200)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    calls_when_done = recorder.calls
    # Whatever was rung last is covered by a publish that happens after it.
    wait_until(lambda: bell._trailing is None, timeout=5, what="the trailing publish")
    assert recorder.calls >= calls_when_done
    assert 1 <= recorder.calls <= 20
