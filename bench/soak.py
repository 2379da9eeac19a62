"""Soak: webhook intake at a steady 80% of its measured capacity for ten minutes, with the
Celery worker restarted half way, watching memory, lost events and tail latency.

    .venv/bin/python bench/soak.py --capacity 800 [--duration 600] [--restart-at 300]

``--capacity`` is the events/s bench/ingest.py measured on this machine; the load is offered
at ``--load`` (0.8) of it by wrk pacing each connection. Memory (RSS of the web server's and
the worker's process trees) is sampled every ``--sample-every`` seconds. Reported: the
latency percentiles over the whole run, events answered 200 vs rows stored (lost), whether
everything was processed after the restart, and memory at the start, middle and end.
Needs PostgreSQL and Redis on localhost and wrk; uses its own database and Redis db 9.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from ingest import DB_NAME, database_counts, prepare_database, write_bodies
from support import ROOT, celery_worker, process, roost_env, wait_for_port
from support import gunicorn as gunicorn_command


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(status.parent.name))
    total_kb, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            match = re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{current}/status").read_text())
        except OSError:
            continue
        total_kb += int(match.group(1)) if match else 0
        stack.extend(children.get(current, []))
    return round(total_kb / 1024, 1)


def paced_wrk(port: int, bodies: Path, *, rate: int, connections: int, duration: int) -> dict[str, float]:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "bench" / "wrk_paced.lua"),
        f"http://127.0.0.1:{port}",
        "--",
        str(bodies),
        "2",
        str(rate),
        str(connections),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (.*)", output)
    if not match:
        raise SystemExit(f"wrk printed no result:\n{output}")
    values = {key: float(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    values["rps"] = values["requests"] / (values["duration_us"] / 1e6)
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--capacity", type=int, required=True, help="events/s bench/ingest.py measured here")
    parser.add_argument("--load", type=float, default=0.8)
    parser.add_argument("--duration", type=int, default=600)
    parser.add_argument("--restart-at", type=int, default=300)
    parser.add_argument("--sample-every", type=int, default=10)
    parser.add_argument(
        "--drain-wait", type=int, default=600, help="seconds to wait after the load for the worker to catch up"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--celery-concurrency", type=int, default=2)
    args = parser.parse_args()
    rate = int(args.capacity * args.load)

    work = Path(tempfile.mkdtemp(prefix="roost-soak-"))
    bodies = work / "bodies.txt"
    write_bodies(bodies, rate * args.duration + 10_000, seed=3)
    port = 8711
    env = roost_env(port, database=DB_NAME)
    prepare_database(env)
    print(
        f"soak: {rate} events/s ({args.load:.0%} of {args.capacity}) for {args.duration}s; restart at {args.restart_at}s"
    )

    worker_command = celery_worker(queues="celery", concurrency=args.celery_concurrency, nice=10)
    samples: list[dict[str, float]] = []
    with process(
        gunicorn_command("config.wsgi", port, workers=args.workers, threads=args.threads), env, work / "web.log"
    ) as web:
        wait_for_port(port)
        worker = subprocess.Popen(
            worker_command, cwd=ROOT, env=env, stdout=(work / "worker-1.log").open("w"), stderr=subprocess.STDOUT
        )
        stored_before, _ = database_counts()
        result: dict[str, dict[str, float]] = {}
        load = threading.Thread(
            target=lambda: result.update(
                run=paced_wrk(port, bodies, rate=rate, connections=args.connections, duration=args.duration)
            )
        )
        started = time.monotonic()
        load.start()
        restarted = False
        while load.is_alive():
            elapsed = time.monotonic() - started
            samples.append({"t": round(elapsed), "web_mb": tree_rss_mb(web.pid), "worker_mb": tree_rss_mb(worker.pid)})
            if not restarted and elapsed >= args.restart_at:
                # A deploy's restart: warm shutdown (finish what is running), then a new worker.
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=60)
                worker = subprocess.Popen(
                    worker_command,
                    cwd=ROOT,
                    env=env,
                    stdout=(work / "worker-2.log").open("w"),
                    stderr=subprocess.STDOUT,
                )
                restarted = True
            load.join(timeout=args.sample_every)
        load_ended = time.monotonic()
        while database_counts()[1] and time.monotonic() - load_ended < args.drain_wait:
            time.sleep(1)
        drained_after = round(time.monotonic() - load_ended, 1)
        stored_after, waiting = database_counts()
        worker.terminate()
        worker.wait(timeout=60)

    run = result["run"]
    answered = int(run["requests"] - run["errors_status"] - run["errors_other"])
    middle = samples[len(samples) // 2]
    report = {
        "offered_rps": rate,
        "achieved_rps": round(run["rps"]),
        "p50_ms": run["p50_us"] / 1000,
        "p95_ms": run["p95_us"] / 1000,
        "p99_ms": run["p99_us"] / 1000,
        "max_ms": run["max_us"] / 1000,
        "answered_200": answered,
        "rows_stored": stored_after - stored_before,
        "events_lost": max(answered - (stored_after - stored_before), 0),
        "non_2xx": int(run["errors_status"]),
        "socket_errors": int(run["errors_other"]),
        "still_waiting": waiting,
        "drained_within_s_after_load": drained_after,
        "memory_mb": {"start": samples[1] if len(samples) > 1 else samples[0], "middle": middle, "end": samples[-1]},
    }
    (work / "memory.json").write_text(json.dumps(samples))
    print(json.dumps(report, indent=2))
    print(f"logs and memory samples: {work}")


if __name__ == "__main__":
    main()
