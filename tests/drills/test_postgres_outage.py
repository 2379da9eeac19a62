"""Drill 4: PostgreSQL unreachable for a while (first refusing connections, as when it is
restarted or fails over, then silent, as when the network drops it) while webhooks keep
arriving. A delivery may fail (Twitter retries it), but one answered 200 is never lost, and
the same processes recover once PostgreSQL is back."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter

import requests

from tests.drills.stack import Stack, elapsed_since
from tests.drills.world import dm_event
from tests.helpers import wait_until

SENDERS = 4
PAUSE_SECONDS = 0.15  # per sender: about 25 deliveries a second in all
PHASES = (("up", 4), ("refuse", 6), ("blackhole", 6), ("up", 8))


def test_every_event_answered_200_during_a_postgres_outage_is_processed(
    stack: Stack, timings: dict[str, float]
) -> None:
    world = stack.prepare()
    stack.start()
    numbers = itertools.count(1)
    answers: list[tuple[str, str, int]] = []  # (phase, event id, status)
    phase = ["0:up"]
    stop = threading.Event()

    def send() -> None:
        session = requests.Session()
        while not stop.is_set():
            n = next(numbers)
            event_id = str(10**17 + n)
            body = dm_event(
                event_id=int(event_id),
                brand_id=world.brand_twitter_id,
                customer_id=str(3 * 10**9 + n % 50),
                text=f"Where is order {n}?",
            )
            current = phase[0]
            answers.append((current, event_id, stack.post_webhook(body, session=session, timeout=10)))
            stop.wait(PAUSE_SECONDS)

    assert (
        stack.post_webhook(
            dm_event(event_id=10**17, brand_id=world.brand_twitter_id, customer_id=str(3 * 10**9), text="Warm-up")
        )
        == 200
    )
    senders = [threading.Thread(target=send) for _ in range(SENDERS)]
    for sender in senders:
        sender.start()
    back_at = 0.0
    for number, (mode, seconds) in enumerate(PHASES):
        stack.pg.set_mode(mode)
        phase[0] = f"{number}:{mode}"
        if number == len(PHASES) - 1:
            back_at = time.monotonic()
        time.sleep(seconds)
    stop.set()
    for sender in senders:
        sender.join()

    accepted = [event_id for _, event_id, status in answers if status == 200]
    by_phase = Counter((name, status) for name, _, status in answers)
    wait_until(
        lambda: stack.messages_recorded(accepted) == len(accepted),
        timeout=240,
        what="every accepted event to be processed",
    )
    processed_in = elapsed_since(back_at)
    # The same processes serve again once PostgreSQL is back: the last seconds are all 200s.
    tail = [status for name, _, status in answers[-SENDERS * 10 :]]
    assert set(tail) == {200}, f"still failing after PostgreSQL came back: {Counter(tail)}"
    timings.update(
        deliveries=len(answers),
        answered_200=len(accepted),
        **{f"{name}_{status}": count for (name, status), count in sorted(by_phase.items())},
        all_processed_after_pg_returned_s=processed_in,
    )
