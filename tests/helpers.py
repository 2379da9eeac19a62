"""Small helpers for tests that wait on other threads (a worker, a live server)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], T], *, timeout: float = 15.0, interval: float = 0.05, what: str = "") -> T:
    """Poll ``condition`` until it returns something truthy; fail the test after ``timeout``."""
    pause = threading.Event()
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")
        pause.wait(interval)


def run_in_threads(target: Callable[[int], object], count: int) -> None:
    """Run ``target(0)`` to ``target(count - 1)`` side by side, a thread each, and wait for all.
    The first failure is raised here (a plain thread's exception would only be printed)."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        for future in [pool.submit(target, n) for n in range(count)]:
            future.result()
