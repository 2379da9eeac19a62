"""A thread per process: started once on first use, and again in a forked child."""

from __future__ import annotations

import os
import threading

from config.threads import ProcessThread


def test_the_thread_starts_once_however_often_it_is_asked_for():
    started = threading.Semaphore(0)
    release = threading.Event()
    resets: list[int] = []

    def work() -> None:
        started.release()
        release.wait(5)

    thread = ProcessThread("test-thread", work, on_start=lambda: resets.append(os.getpid()))
    try:
        for _ in range(5):
            thread.ensure_running()
        assert started.acquire(timeout=5)
        assert not started.acquire(timeout=0.1)
        assert resets == [os.getpid()]
    finally:
        release.set()


def test_a_forked_child_starts_its_own_thread_after_resetting_state(monkeypatch):
    runs = threading.Semaphore(0)
    release = threading.Event()
    resets: list[int] = []

    def work() -> None:
        runs.release()
        release.wait(5)

    thread = ProcessThread("test-thread", work, on_start=lambda: resets.append(len(resets)))
    try:
        thread.ensure_running()
        assert runs.acquire(timeout=5)
        # What a child of a fork sees: the parent's pid recorded, its own pid different.
        monkeypatch.setattr(os, "getpid", lambda: -1)
        thread.ensure_running()
        assert runs.acquire(timeout=5)
        assert resets == [0, 1]
    finally:
        release.set()
