"""Drill 2: Redis unreachable while agents reply. Each reply is a queued row before its task
is published; the message sweep publishes what the broker never got, once it is back."""

from __future__ import annotations

import time

from tests.drills.stack import Stack, elapsed_since
from tests.helpers import wait_until


def test_replies_queued_while_redis_is_unreachable_go_out_once_each_after_it_returns(
    stack: Stack, timings: dict[str, float]
) -> None:
    world = stack.prepare(customers=3)
    stack.start()
    # Warm up (the first request loads Django; the first send opens the sandbox's connections).
    assert stack.reply(world.conversations[0]["id"], "Thanks for waiting").status_code == 202
    wait_until(lambda: stack.message_statuses(["Thanks for waiting"]) == {"Thanks for waiting": "sent"}, timeout=30)
    texts: list[str] = []
    slowest: dict[str, float] = {}
    for mode in ("refuse", "blackhole"):
        stack.redis.set_mode(mode)
        for number, conversation in enumerate(world.conversations):
            text = f"Your order ships today ({mode} {number})"
            started = time.monotonic()
            response = stack.reply(conversation["id"], text)
            slowest[mode] = round(max(slowest.get(mode, 0.0), time.monotonic() - started), 3)
            assert response.status_code == 202, response.text
            texts.append(text)
    time.sleep(3)
    assert stack.sandbox_dm_counts(texts) == {}, "nothing can be sent without the broker"

    stack.redis.set_mode("up")
    returned = time.monotonic()
    wait_until(
        lambda: set(stack.message_statuses(texts).values()) == {"sent"}, timeout=120, what="every reply to be sent"
    )
    sent_after = elapsed_since(returned)
    stack.wait_for_sweeps()  # a reply sent twice would show now
    assert stack.sandbox_dm_counts(texts) == dict.fromkeys(texts, 1)
    assert set(stack.message_statuses(texts).values()) == {"sent"}
    timings.update(
        replies=len(texts),
        slowest_api_answer_refused_s=slowest["refuse"],
        slowest_api_answer_blackholed_s=slowest["blackhole"],
        all_sent_after_redis_returned_s=sent_after,
    )
