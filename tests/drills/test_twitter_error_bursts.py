"""Drill 5: Twitter answers a burst of 429s, then a burst of 500s (the sandbox's fault
injection). Every reply waits for the rate-limit reset, backs off through the 500s, and ends
``sent`` exactly once."""

from __future__ import annotations

import time

from tests.drills.stack import Stack, elapsed_since
from tests.helpers import wait_until

REPLIES = 5
RESET_IN_SECONDS = 10


def test_replies_through_bursts_of_429s_and_500s_are_sent_once_each_after_the_reset(
    stack: Stack, timings: dict[str, float]
) -> None:
    world = stack.prepare(customers=REPLIES)
    stack.start()
    assert stack.reply(world.conversations[0]["id"], "Warm-up").status_code == 202
    wait_until(lambda: stack.message_statuses(["Warm-up"]) == {"Warm-up": "sent"}, timeout=30, what="the warm-up")
    reset_at = int(time.time()) + RESET_IN_SECONDS
    # Faults are consumed in the order they were created: every first attempt meets a 429,
    # every attempt after the reset a 500, until both bursts are used up.
    stack.shell(
        "from sandbox.services.faults import fault_inject\n"
        f"fault_inject(endpoint='POST direct_messages/events/new', count={REPLIES}, status=429, rate_limit_reset={reset_at})\n"
        f"fault_inject(endpoint='POST direct_messages/events/new', count={REPLIES}, status=500)\n"
    )
    started = time.monotonic()
    texts = [f"Refund approved (#{n})" for n in range(REPLIES)]
    for conversation, text in zip(world.conversations, texts, strict=True):
        assert stack.reply(conversation["id"], text).status_code == 202

    wait_until(
        lambda: set(stack.message_statuses(texts).values()) == {"sent"}, timeout=120, what="every reply to be sent"
    )
    all_sent = elapsed_since(started)
    stack.wait_for_sweeps()  # a second send would show now
    assert stack.sandbox_dm_counts(texts) == dict.fromkeys(texts, 1)
    assert stack.sql("SELECT count(*) FROM sandbox_sandboxfault") == [(0,)], "both bursts were met"
    [(earliest,)] = stack.sql(
        "SELECT extract(epoch from min(created_at)) FROM sandbox_sandboxdirectmessage WHERE text = ANY(%s)", [texts]
    )
    assert float(earliest) >= reset_at, "a reply went out before the rate-limit reset"
    [(most_attempts,)] = stack.sql("SELECT max(attempts) FROM engagement_message WHERE text = ANY(%s)", [texts])
    timings.update(
        replies=REPLIES,
        first_sent_after_reset_s=round(float(earliest) - reset_at, 1),
        all_sent_s=all_sent,
        most_attempts=most_attempts,
    )
