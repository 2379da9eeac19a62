"""Background threads that belong to one process."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable


class ProcessThread:
    """A daemon thread started on first use in each process.

    Servers fork their workers after importing Roost (gunicorn's workers, Celery's prefork
    pool): a thread started before the fork does not run in the child. So the thread starts
    lazily, once per process, after ``on_start`` has replaced whatever the parent's thread was
    using (a queue, an event) with the child's own."""

    def __init__(self, name: str, target: Callable[[], None], on_start: Callable[[], None] | None = None) -> None:
        self.name = name
        self.target = target
        self.on_start = on_start
        self._lock = threading.Lock()
        self._pid: int | None = None

    def ensure_running(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():
                if self.on_start is not None:
                    self.on_start()
                threading.Thread(target=self.target, name=self.name, daemon=True).start()
                self._pid = os.getpid()
