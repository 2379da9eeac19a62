"""Webhook intake benchmark: signed DM events against a running Roost, next to a bare app.

    .venv/bin/python bench/ingest.py [--duration 30] [--connections 16]

What it runs (all on this machine, the same gunicorn settings for both apps):
  * Roost: gunicorn config.wsgi on PostgreSQL + Redis (DEBUG off), with a Celery worker
    processing the events while they arrive;
  * the bare app (bench/bare_app.py): a WSGI app that only checks the signature.
wrk replays pre-signed Direct Message payloads (distinct event ids, 1,000 customers).

What it reports: requests/s, p50/p95/p99 latency, events lost (200s answered vs rows stored),
and the worker's drain rate. Needs PostgreSQL and Redis on localhost and `wrk`
(apt-get install wrk). It uses its own database (roost_bench) and Redis db 9.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
from support import BIN, PG, ROOT, CpuMeter, process, reset_database, roost_env, sign, wait_for_port
from support import gunicorn as gunicorn_command

BRAND_USER_ID = "4337869213"
DB_NAME = "roost_bench"


def write_bodies(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w") as out:
        for n in range(count):
            customer = str(3000000000 + rng.randrange(1000))
            event_id = str(10**17 + seed * 10**9 + n)
            payload = {
                "for_user_id": BRAND_USER_ID,
                "direct_message_events": [
                    {
                        "type": "message_create",
                        "id": event_id,
                        "created_timestamp": str(int(time.time() * 1000)),
                        "message_create": {
                            "target": {"recipient_id": BRAND_USER_ID},
                            "sender_id": customer,
                            "source_app_id": "3033300",
                            "message_data": {"text": f"Hello, where is order #{n}?", "entities": {}},
                        },
                    }
                ],
                "users": {
                    customer: {
                        "id": customer,
                        "screen_name": f"customer{customer[-4:]}",
                        "name": f"Customer {customer[-4:]}",
                    },
                    BRAND_USER_ID: {"id": BRAND_USER_ID, "screen_name": "bench_brand", "name": "Bench Brand"},
                },
            }
            body = json.dumps(payload, separators=(",", ":")).encode()
            out.write(f"{sign(body)}\t{body.decode()}\n")


def run_wrk(port: int, bodies: Path, args: argparse.Namespace, duration: int) -> dict[str, float]:
    command = [
        "wrk",
        f"-t{args.wrk_threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "wrk_bodies.lua"),
        f"http://127.0.0.1:{port}",
        "--",
        str(bodies),
        str(args.wrk_threads),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (.*)", output)
    if not match:
        raise SystemExit(f"wrk printed no result:\n{output}")
    values = {key: float(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    values["rps"] = values["requests"] / (values["duration_us"] / 1e6)
    return values


def database_counts() -> tuple[int, int]:
    with psycopg2.connect(f"{PG}/{DB_NAME}") as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE status IN ('pending', 'processing')) FROM webhooks_webhookevent"
        )
        total, waiting = cursor.fetchone()
    return total, waiting


def prepare_database(env: dict[str, str]) -> None:
    reset_database(DB_NAME, env)
    setup = (
        "from accounts.models import Brand, TwitterAccount;"
        "b = Brand.objects.create(name='Bench', slug='bench');"
        f"TwitterAccount.objects.create(brand=b, twitter_user_id='{BRAND_USER_ID}', screen_name='bench_brand',"
        "access_token='1-t', access_token_secret='s', subscription_state='subscribed')"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", setup], cwd=ROOT, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=30, help="seconds of measured load per app")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (both apps)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (both apps)")
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        help="the worker's nice level: taking events in (Twitter waits) comes before processing them",
    )
    parser.add_argument("--bodies", type=int, default=120_000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="roost-bench-"))
    bodies = work / "bodies.txt"
    warm_bodies = work / "warmup.txt"
    write_bodies(bodies, args.bodies, seed=1)
    write_bodies(warm_bodies, 5_000, seed=2)
    roost_port, bare_port = 8701, 8702
    env = roost_env(roost_port, database=DB_NAME)
    prepare_database(env)

    print(
        f"machine: {os.cpu_count()} CPUs; gunicorn {args.workers} workers x {args.threads} threads; "
        f"wrk {args.wrk_threads} threads x {args.connections} connections; {args.duration}s per app; "
        f"worker concurrency {args.celery_concurrency} at nice {args.worker_nice}"
    )

    with process(
        gunicorn_command(
            "bare_app:application",
            bare_port,
            workers=args.workers,
            threads=args.threads,
            extra=["--pythonpath", "bench"],
        ),
        env,
        work / "bare.log",
    ):
        wait_for_port(bare_port)
        run_wrk(bare_port, warm_bodies, args, args.warmup)
        bare = run_wrk(bare_port, bodies, args, args.duration)

    with (
        process(
            gunicorn_command("config.wsgi", roost_port, workers=args.workers, threads=args.threads),
            env,
            work / "roost.log",
        ),
        process(
            [
                "nice",
                "-n",
                str(args.worker_nice),
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "-Q",
                "celery",
                "-c",
                str(args.celery_concurrency),
                "--loglevel",
                "WARNING",
            ],
            env,
            work / "worker.log",
        ),
    ):
        wait_for_port(roost_port)
        run_wrk(roost_port, warm_bodies, args, args.warmup)
        drain_deadline = time.monotonic() + 120
        while database_counts()[1] and time.monotonic() < drain_deadline:
            time.sleep(0.5)
        stored_before, _ = database_counts()
        load_started = time.monotonic()
        meter = CpuMeter()
        meter.start()
        roost = run_wrk(roost_port, bodies, args, args.duration)
        cpu = meter.stop()
        load_ended = time.monotonic()
        stored_after, backlog = database_counts()
        while True:
            _, waiting = database_counts()
            if waiting == 0 or time.monotonic() - load_ended > 600:
                break
            time.sleep(0.5)
        drained_at = time.monotonic()

    answered = int(roost["requests"] - roost["errors_status"] - roost["errors_other"])
    stored = stored_after - stored_before
    processed = stored - waiting
    drain_seconds = drained_at - load_started
    report = {
        "bare_rps": round(bare["rps"]),
        "roost_rps": round(roost["rps"]),
        "ratio": round(roost["rps"] / bare["rps"], 2),
        "roost_p50_ms": roost["p50_us"] / 1000,
        "roost_p95_ms": roost["p95_us"] / 1000,
        "roost_p99_ms": roost["p99_us"] / 1000,
        "bare_p99_ms": bare["p99_us"] / 1000,
        "answered_200": answered,
        "rows_stored": stored,
        "events_lost": max(answered - stored, 0),
        "in_flight_when_wrk_stopped": max(stored - answered, 0),
        "non_2xx": int(roost["errors_status"]),
        "socket_errors": int(roost["errors_other"]),
        "backlog_at_end_of_load": backlog,
        "worker_drain_rate_eps": round(processed / drain_seconds) if drain_seconds else None,
        "drained_within_s": round(drained_at - load_ended, 1),
        "still_waiting": waiting,
        # Where the time went while wrk ran: CPU per stored event of each part.
        "cpu_ms_per_event": {part: round(seconds * 1000 / max(stored, 1), 2) for part, seconds in cpu.items()},
    }
    print(json.dumps(report, indent=2))
    print(f"logs: {work}")


if __name__ == "__main__":
    main()
