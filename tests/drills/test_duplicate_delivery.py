"""Drill 6: the same webhook delivered 100 times at once (Twitter retries, a proxy replays)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.drills.stack import Stack, elapsed_since
from tests.drills.world import dm_event
from tests.helpers import wait_until

DELIVERIES = 100


def test_the_same_delivery_100_times_at_once_makes_one_message_and_one_bot_reply(
    stack: Stack, timings: dict[str, float]
) -> None:
    world = stack.prepare(customers=1, menu_bot=True)
    stack.start()
    customer = world.conversations[0]["customer"]
    body = dm_event(event_id=10**17 + 6, brand_id=world.brand_twitter_id, customer_id=customer, text="help")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=DELIVERIES) as pool:
        statuses = list(pool.map(lambda _: stack.post_webhook(body), range(DELIVERIES)))
    posted_in = elapsed_since(started)

    assert statuses == [200] * DELIVERIES
    wait_until(
        lambda: (
            stack.sql("SELECT count(*) FROM webhooks_webhookevent WHERE status IN ('pending', 'processing')") == [(0,)]
        ),
        timeout=60,
        what="every delivery to be processed",
    )
    # The bot answers "help" with its menu; a doubled inbound message would answer twice.
    wait_until(
        lambda: (
            stack.sql(
                "SELECT count(*) FROM sandbox_sandboxdirectmessage WHERE sender_id = %s", [int(world.brand_twitter_id)]
            )
            != [(0,)]
        ),
        timeout=60,
        what="the bot's reply to reach the sandbox",
    )
    replied_in = elapsed_since(started)
    stack.wait_for_sweeps(runs=1)  # a second reply, if the pipeline made one, would have gone out by now
    # Every delivery is kept in the raw log (the sandbox's echo of the reply is one more event).
    assert stack.sql("SELECT count(*) FROM webhooks_webhookevent WHERE body LIKE %s", [f'%"id":"{10**17 + 6}"%']) == [
        (DELIVERIES,)
    ]
    assert stack.sql("SELECT count(*) FROM engagement_message WHERE external_id = %s", [str(10**17 + 6)]) == [(1,)]
    assert stack.sql(
        "SELECT count(*) FROM sandbox_sandboxdirectmessage WHERE sender_id = %s", [int(world.brand_twitter_id)]
    ) == [(1,)]
    assert stack.sql("SELECT count(*) FROM engagement_message WHERE direction = 'outbound' AND status = 'sent'") == [
        (1,)
    ]
    timings.update(deliveries=DELIVERIES, all_answered_s=posted_in, bot_replied_s=replied_in)
