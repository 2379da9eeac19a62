"""A thread per process: started once on first use, and again in a forked child."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator

import pytest

from config.threads import ProcessThread


@pytest.fixture
def blocking_work() -> Iterator[tuple[Callable[[], None], threading.Semaphore]]:
    """A thread target that signals each start and then waits until the test is over."""
    starts = threading.Semaphore(0)
    release = threading.Event()

    def work() -> None:
        starts.release()
        release.wait(5)

    yield work, starts
    release.set()


def test_the_thread_starts_once_however_often_it_is_asked_for(blocking_work):
    work, starts = blocking_work
    resets: list[int] = []
    thread = ProcessThread("test-thread", work, on_start=lambda: resets.append(os.getpid()))
    for _ in range(5):
        thread.ensure_running()
    assert starts.acquire(timeout=5)
    assert not starts.acquire(timeout=0.1)
    assert resets == [os.getpid()]


def test_a_forked_child_starts_its_own_thread_after_resetting_state(blocking_work, monkeypatch):
    work, starts = blocking_work
    resets: list[int] = []
    thread = ProcessThread("test-thread", work, on_start=lambda: resets.append(len(resets)))
    thread.ensure_running()
    assert starts.acquire(timeout=5)
    # What a child of a fork sees: the parent's pid recorded, its own pid different.
    monkeypatch.setattr(os, "getpid", lambda: -1)
    thread.ensure_running()
    assert starts.acquire(timeout=5)
    assert resets == [0, 1]
