"""Round trip: a customer's DM into the webhook, to the bot's reply accepted by Twitter.

    .venv/bin/python bench/roundtrip.py [--rate 50] [--duration 60]

Roost runs as in production (gunicorn, DEBUG off, PostgreSQL, Redis, a Celery worker) with
the sandbox standing in for Twitter (SANDBOX_ENABLED=1, its daily DM limit raised). Signed
Direct Message events ("help", each from a different customer) are posted to
/webhooks/twitter/ at a steady rate; the demo menu bot answers each one through the send
pipeline, and the sandbox records the reply. The latency of one round trip is from posting
the event to the sandbox accepting the bot's reply. The sandbox also delivers the echo of
every reply back to the webhook, as Twitter would. Targets: p50 <= 150 ms, p99 <= 1 s,
nothing lost or doubled.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import psycopg2
from support import (
    PG,
    CpuMeter,
    celery_worker,
    django_shell,
    gunicorn,
    percentile,
    process,
    reset_database,
    roost_env,
    sign,
    wait_for_port,
)

DB_NAME = "roost_roundtrip"
FIRST_CUSTOMER = 3_000_000_000

SETUP = """
from accounts.models import Brand, TwitterAccount
from engagement.services.bots import bot_rules_install_menu
from sandbox.models import SandboxSubscription, SandboxUser, SandboxWebhook
from sandbox.services import sandbox_bootstrap, sandbox_token_issue, sandbox_user_create
from django.conf import settings
sandbox_bootstrap()
twitter = sandbox_user_create(screen_name="bench_brand", name="Bench Brand")
token, secret = sandbox_token_issue(user=twitter)
brand = Brand.objects.create(name="Bench", slug="bench")
TwitterAccount.objects.create(brand=brand, twitter_user_id=str(twitter.id), screen_name="bench_brand",
    access_token=token, access_token_secret=secret, subscription_state="subscribed")
SandboxUser.objects.bulk_create([SandboxUser(id={first} + n, screen_name=f"c{{n}}", name=f"Customer {{n}}") for n in range({count})])
webhook = SandboxWebhook.objects.create(env_name=settings.TWITTER_ENV_NAME, url=settings.PUBLIC_URL + "/webhooks/twitter/")
SandboxSubscription.objects.create(webhook=webhook, user=twitter)
bot_rules_install_menu(brand=brand)
print(twitter.id)
"""


def event_body(*, n: int, brand_id: str) -> bytes:
    customer = str(FIRST_CUSTOMER + n)
    payload = {
        "for_user_id": brand_id,
        "direct_message_events": [
            {
                "type": "message_create",
                "id": str(10**17 + n),
                "created_timestamp": str(int(time.time() * 1000)),
                "message_create": {
                    "target": {"recipient_id": brand_id},
                    "sender_id": customer,
                    "source_app_id": "3033300",
                    "message_data": {"text": "help", "entities": {}},
                },
            }
        ],
        "users": {customer: {"id": customer, "screen_name": f"c{n}", "name": f"Customer {n}"}},
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def replies(brand_id: str) -> dict[int, tuple[float, int]]:
    """recipient -> (time of the first reply, number of replies), from the sandbox's table."""
    with psycopg2.connect(f"{PG}/{DB_NAME}") as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT recipient_id, extract(epoch from min(created_at)), count(*) FROM sandbox_sandboxdirectmessage "
            "WHERE sender_id = %s GROUP BY recipient_id",
            [int(brand_id)],
        )
        return {recipient: (float(first), count) for recipient, first, count in cursor.fetchall()}


def stage_times() -> dict[int, tuple[float, float, float]]:
    """customer -> (inbound message recorded, bot reply queued, reply claimed to send), as
    epoch seconds: where each round trip spent its time."""
    with psycopg2.connect(f"{PG}/{DB_NAME}") as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.twitter_user_id, extract(epoch from min(i.created_at)), extract(epoch from min(o.created_at)),"
            " extract(epoch from min(o.claimed_at))"
            " FROM engagement_contact c JOIN engagement_conversation v ON v.contact_id = c.id"
            " JOIN engagement_message i ON i.conversation_id = v.id AND i.direction = 'inbound'"
            " JOIN engagement_message o ON o.conversation_id = v.id AND o.direction = 'outbound'"
            " GROUP BY c.twitter_user_id"
        )
        return {
            int(user): (float(recorded), float(queued), float(claimed or 0))
            for user, recorded, queued, claimed in cursor.fetchall()
        }


def stage_percentiles(
    sent_at: list[float], answered: dict[int, tuple[float, int]], stages: dict[int, tuple[float, float, float]]
) -> dict[str, dict[str, float]]:
    """p50/p99 of each leg: webhook → message recorded → bot reply queued → claimed → Twitter."""
    legs: dict[str, list[float]] = {"recorded": [], "reply_queued": [], "claimed": [], "accepted": []}
    for n, posted in enumerate(sent_at):
        customer = FIRST_CUSTOMER + n
        if customer not in stages or customer not in answered:
            continue
        recorded, queued, claimed = stages[customer]
        points = [posted, recorded, queued, claimed, answered[customer][0]]
        for name, start, end in zip(legs, points[:-1], points[1:], strict=True):
            legs[name].append((end - start) * 1000)
    return {
        name: {"p50_ms": round(percentile(values, 0.5), 1), "p99_ms": round(percentile(values, 0.99), 1)}
        for name, values in legs.items()
    }


def scalar(sql: str) -> int:
    with psycopg2.connect(f"{PG}/{DB_NAME}") as connection, connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def inbound_count() -> int:
    return scalar("SELECT count(*) FROM engagement_message WHERE direction = 'inbound'")


def waiting_counts() -> tuple[int, int]:
    """Work accepted but not finished when the run stops: webhook events not yet processed and
    replies not yet sent. Neither is lost: both are rows a worker picks up when it runs."""
    events = scalar("SELECT count(*) FROM webhooks_webhookevent WHERE status IN ('pending', 'processing')")
    replies = scalar(
        "SELECT count(*) FROM engagement_message WHERE direction = 'outbound' "
        "AND status IN ('queued', 'sending', 'unknown')"
    )
    return events, replies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=50, help="customer DMs per second")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--celery-concurrency", type=int, default=4, help="threads per worker process")
    parser.add_argument(
        "--celery-processes",
        type=int,
        default=2,
        help="worker processes: one thread-pool process is held to one core by the GIL",
    )
    parser.add_argument("--celery-pool", default="threads", help="threads: sends wait on Twitter, not on CPU")
    args = parser.parse_args()
    total = int(args.rate * args.duration)
    port = 8702
    env = roost_env(
        port,
        database=DB_NAME,
        SANDBOX_ENABLED="1",
        SANDBOX_DM_DAILY_LIMIT="10000000",
        SANDBOX_RATE_LIMITS_ENABLED="0",
        TWITTER_DM_DAILY_LIMIT="10000000",
        TWITTER_CONSUMER_KEY="RoostSandboxConsumerKey01",
    )
    reset_database(DB_NAME, env)
    brand_id = django_shell(env, SETUP.format(first=FIRST_CUSTOMER, count=total)).strip().splitlines()[-1]
    work = Path(tempfile.mkdtemp(prefix="roost-roundtrip-"))
    bodies = [event_body(n=n, brand_id=brand_id) for n in range(total)]
    sent_at: list[float] = [0.0] * total
    post_ms: list[float] = []
    failures: list[int] = []
    local = threading.local()

    signed = [(body, sign(body)) for body in bodies]

    def post_once(body: bytes, signature: str) -> int:
        # A kept-alive http.client connection per thread: the load generator shares the two
        # cores with what it measures, and requests costs several times more CPU per call.
        # gunicorn closes a connection left idle for two seconds; a request that finds its
        # connection closed that way is sent again on a new one, as HTTP clients do.
        for attempt in (1, 2):
            connection = getattr(local, "connection", None)
            reused = connection is not None
            if connection is None:
                connection = local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request(
                    "POST",
                    "/webhooks/twitter/",
                    body=body,
                    headers={"Content-Type": "application/json", "X-Twitter-Webhooks-Signature": signature},
                )
                response = connection.getresponse()
                response.read()
                return response.status
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                connection.close()
                local.connection = None
                if not reused or attempt == 2:
                    return 0
            except (OSError, http.client.HTTPException):
                connection.close()
                local.connection = None
                return 0
        return 0

    def post(n: int) -> None:
        body, signature = signed[n]
        sent_at[n] = time.time()
        started = time.perf_counter()
        status = post_once(body, signature)
        post_ms.append((time.perf_counter() - started) * 1000)
        if status != 200:
            failures.append(n)

    print(
        f"{os.cpu_count()} CPUs; {args.rate:g} DMs/s for {args.duration}s ({total} DMs); "
        f"gunicorn {args.workers}x{args.threads}; {args.celery_processes} worker process(es) x "
        f"{args.celery_concurrency} {args.celery_pool}"
    )
    with ExitStack() as stack:
        stack.enter_context(
            process(gunicorn("config.wsgi", port, workers=args.workers, threads=args.threads), env, work / "web.log")
        )
        for number in range(args.celery_processes):
            command = celery_worker(
                queues="celery,send,sandbox", concurrency=args.celery_concurrency, pool=args.celery_pool
            )
            stack.enter_context(process([*command, "-n", f"bench{number}@%h"], env, work / f"worker{number}.log"))
        wait_for_port(port)
        time.sleep(3)  # let the worker connect before the clock starts
        meter = CpuMeter()
        meter.start()
        start = time.time()
        with ThreadPoolExecutor(max_workers=64) as pool:
            for n in range(total):
                delay = start + n / args.rate - time.time()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(post, n)
        deadline = time.time() + 120
        while time.time() < deadline and len(replies(brand_id)) < total - len(failures):
            time.sleep(0.5)
        cpu = meter.stop()
        time.sleep(3)  # a doubled reply would show up by now
        # What waits is read before what is done: work finishing between the two reads is then
        # counted twice (harmless), never missed (which would look like a loss).
        events_waiting, replies_waiting = waiting_counts()
        received = inbound_count()
        answered = replies(brand_id)
        stages = stage_times()

    latencies = [
        (answered[FIRST_CUSTOMER + n][0] - sent_at[n]) * 1000 for n in range(total) if FIRST_CUSTOMER + n in answered
    ]
    report = {
        "dms_posted": total,
        "webhook_non_200": len(failures),
        "webhook_post_p99_ms": round(percentile(post_ms, 0.99), 1),
        "inbound_recorded": received,
        "bot_replies_accepted": len(answered),
        "not_answered_when_stopped": total - len(answered),
        "webhook_events_waiting": events_waiting,
        "replies_waiting": replies_waiting,
        # Accepted (200) but neither answered nor waiting in a row: really gone.
        "lost": max(received - len(answered) - replies_waiting, 0)
        + max(total - len(failures) - received - events_waiting, 0),
        "doubled": sum(1 for _, count in answered.values() if count > 1),
        "roundtrip_p50_ms": round(percentile(latencies, 0.50), 1),
        "roundtrip_p95_ms": round(percentile(latencies, 0.95), 1),
        "roundtrip_p99_ms": round(percentile(latencies, 0.99), 1),
        "roundtrip_max_ms": round(max(latencies), 1) if latencies else None,
        # Where each round trip waited: from the webhook POST to the inbound message recorded,
        # to the bot's reply queued, to the send claiming it, to the sandbox accepting it.
        "legs": stage_percentiles(sent_at, answered, stages),
        # Where the time went: CPU per DM of each part (the sandbox's share is in gunicorn and
        # the worker, as it runs inside them).
        "cpu_ms_per_dm": {part: round(seconds * 1000 / total, 1) for part, seconds in cpu.items()},
    }
    print(json.dumps(report, indent=2))
    print(f"logs: {work}")


if __name__ == "__main__":
    main()
