"""Drill 3: the worker is killed (SIGKILL) while Twitter is answering its send. The row is
left ``sending``; whatever happened at Twitter, the reply must end ``sent`` exactly once,
settled by the echo or by ``direct_messages/events/list``, never re-sent blindly."""

from __future__ import annotations

import time

import pytest

from tests.drills.stack import Stack, elapsed_since
from tests.helpers import wait_until

TEXT = "A replacement is on its way"
TWITTER_DELAY_SECONDS = 4


@pytest.mark.parametrize(
    ("scenario", "twitter_status", "echo"),
    [
        # Twitter took the DM; its echo reaches the webhook and pairs with the `sending` row.
        ("delivered, echo settles", None, True),
        # Twitter took the DM but no echo comes: the sweep marks the row `unknown` and finds
        # the DM in events/list.
        ("delivered, events/list settles", None, False),
        # Twitter failed the call the dead worker was waiting on: events/list shows nothing,
        # so the reply is queued again and sent once.
        ("not delivered, sent again once", 503, False),
    ],
)
def test_a_worker_killed_mid_send_leaves_the_reply_sent_exactly_once(
    stack: Stack, timings: dict[str, float], scenario: str, twitter_status: int | None, echo: bool
) -> None:
    world = stack.prepare(customers=1)
    stack.start()
    conversation = world.conversations[0]["id"]
    assert stack.reply(conversation, "Warm-up").status_code == 202
    wait_until(lambda: stack.message_statuses(["Warm-up"]) == {"Warm-up": "sent"}, timeout=30, what="the warm-up")
    stack.shell(
        ("" if echo else "from sandbox.models import SandboxSubscription; SandboxSubscription.objects.all().delete()\n")
        + "from sandbox.services.faults import fault_inject\n"
        + f"fault_inject(endpoint='POST direct_messages/events/new', status={twitter_status}, "
        + f"delay_seconds={TWITTER_DELAY_SECONDS})"
    )

    faults_answered = stack.injected_faults_answered()
    assert stack.reply(conversation, TEXT).status_code == 202
    wait_until(lambda: stack.message_statuses([TEXT]) == {TEXT: "sending"}, timeout=30, what="the send to start")
    # `sending` is written before the call leaves; the sandbox taking its injected fault (the
    # row goes when used) means the call has reached Twitter. Killing earlier would test a
    # call that never left, which the not-delivered case already covers.
    wait_until(
        lambda: stack.sql("SELECT count(*) FROM sandbox_sandboxfault")[0][0] == 0,
        timeout=30,
        what="the call to reach Twitter",
    )
    stack.kill("worker")
    killed = time.monotonic()
    delivered = 1 if twitter_status is None else 0
    if delivered:
        wait_until(lambda: stack.sandbox_dm_counts([TEXT]) == {TEXT: 1}, timeout=30, what="Twitter to finish the call")
    else:
        wait_until(
            lambda: stack.injected_faults_answered() == faults_answered + 1,
            timeout=30,
            what="Twitter to answer the call with its 503",
        )
    assert stack.sandbox_dm_counts([TEXT]).get(TEXT, 0) == delivered
    assert stack.message_statuses([TEXT]) == {TEXT: "sending"}
    if not echo:
        # As if the claim were three minutes old: a `sending` row is presumed abandoned after
        # two (send_claims.STALE_SENDING). This saves the drill the wait, not the logic.
        stack.sql(
            "UPDATE engagement_message SET claimed_at = claimed_at - interval '3 minutes' WHERE text = %s", [TEXT]
        )

    stack.start("worker")
    wait_until(lambda: stack.message_statuses([TEXT]) == {TEXT: "sent"}, timeout=90, what="the reply to settle as sent")
    settled = elapsed_since(killed)
    stack.wait_for_sweeps()  # a second send would show now
    assert stack.sandbox_dm_counts([TEXT]) == {TEXT: 1}
    [(external_id, status)] = stack.sql("SELECT external_id, status FROM engagement_message WHERE text = %s", [TEXT])
    [(sandbox_id,)] = stack.sql("SELECT id::text FROM sandbox_sandboxdirectmessage WHERE text = %s", [TEXT])
    assert (external_id, status) == (sandbox_id, "sent")
    timings.update(settled_after_kill_s=settled)
