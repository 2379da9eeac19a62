"""Twitter-like ids: 64-bit "snowflakes" (milliseconds since Twitter's epoch, a random worker
number and a sequence), so they sort by time and look like the ids Roost will see in
production. They are stored as integers and always written on the wire as strings."""

from __future__ import annotations

import secrets
import threading
import time

TWITTER_EPOCH_MS = 1288834974657
_lock = threading.Lock()
_worker = secrets.randbelow(1024)
_last_ms = 0
_sequence = 0


def snowflake() -> int:
    global _last_ms, _sequence
    with _lock:
        now_ms = int(time.time() * 1000)
        if now_ms <= _last_ms:
            # Same millisecond, or the clock went back (time-machine in tests): keep ids unique
            # and increasing by borrowing from the sequence.
            _sequence = (_sequence + 1) % 4096
            if _sequence == 0:
                _last_ms += 1
            now_ms = _last_ms
        else:
            _sequence = 0
            _last_ms = now_ms
        return ((now_ms - TWITTER_EPOCH_MS) << 22) | (_worker << 12) | _sequence


def epoch_ms(moment) -> str:  # noqa: ANN001 - a datetime
    """``created_timestamp`` as Twitter writes it: epoch milliseconds, as a string."""
    return str(int(moment.timestamp() * 1000))
