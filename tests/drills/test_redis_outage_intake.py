"""Drill 1: Redis unreachable while webhooks arrive. The broker is only a doorbell: intake
stores each event in PostgreSQL and answers 200 at once; the sweep finds them afterwards."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.drills.stack import Stack, elapsed_since
from tests.drills.world import dm_event
from tests.helpers import wait_until

PER_MODE = 20
FAST_SECONDS = 1.0


def _post_timed(stack: Stack, body: bytes) -> tuple[int, float]:
    started = time.monotonic()
    status = stack.post_webhook(body)
    return status, time.monotonic() - started


def test_events_accepted_while_redis_is_unreachable_are_all_processed_after_it_returns(
    stack: Stack, timings: dict[str, float]
) -> None:
    world = stack.prepare()
    stack.start()
    event_ids: list[str] = []

    def body(n: int) -> bytes:
        event_ids.append(str(10**17 + n))
        return dm_event(
            event_id=10**17 + n, brand_id=world.brand_twitter_id, customer_id=str(3 * 10**9 + n), text=f"Order {n}?"
        )

    assert stack.post_webhook(body(0)) == 200
    wait_until(lambda: stack.messages_recorded(event_ids) == 1, timeout=30, what="the warm-up event")

    # Refused connections (Redis stopped), then silence (Redis unreachable on the network).
    answers: list[tuple[int, float]] = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        for number, mode in enumerate(("refuse", "blackhole")):
            stack.redis.set_mode(mode)
            bodies = [body(1 + number * PER_MODE + n) for n in range(PER_MODE)]
            answers += list(pool.map(lambda b: _post_timed(stack, b), bodies))
            time.sleep(2)  # the worker notices the broker is gone while it waits for tasks
    statuses = [status for status, _ in answers]
    slowest = max(seconds for _, seconds in answers)
    assert statuses == [200] * len(answers)
    assert slowest < FAST_SECONDS, f"a webhook answer took {slowest:.2f}s while Redis was unreachable"
    assert stack.sql("SELECT count(*) FROM webhooks_webhookevent") == [(len(event_ids),)]

    stack.redis.set_mode("up")
    returned = time.monotonic()
    # Nothing else is posted: only the periodic sweep can find these events now.
    wait_until(
        lambda: stack.messages_recorded(event_ids) == len(event_ids), timeout=180, what="every event to be processed"
    )
    timings.update(
        events_during_outage=len(answers),
        slowest_answer_s=round(slowest, 3),
        processed_after_redis_returned_s=elapsed_since(returned),
    )
    assert stack.sql("SELECT status, count(*) FROM webhooks_webhookevent GROUP BY status") == [
        ("processed", len(event_ids))
    ]
