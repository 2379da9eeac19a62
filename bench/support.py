"""What the benchmarks share: a production-like Roost on this machine (gunicorn, PostgreSQL,
Redis, a Celery worker), signed webhook bodies, and the processes' lifecycle."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "bench-consumer-secret-0123456789abcdefghijklmnopqrstuvwxyz"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/9"


def roost_env(port: int, *, database: str, pg: str = PG, redis: str = REDIS, **overrides: str) -> dict[str, str]:
    """Production settings (DEBUG off) on local PostgreSQL and Redis (the fault drills in
    tests/drills pass their proxies' addresses as ``pg`` and ``redis``)."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-secret-key-" + "x" * 40,
        DATABASE_URL=f"{pg}/{database}",
        REDIS_URL=redis,
        TOKEN_ENCRYPTION_KEYS="gazkUg7KWeGeCJ8iL8JTHjYWJimw1-GWEyWC2AIL5Eo=",
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SANDBOX_ENABLED="0",
        TWITTER_CONSUMER_SECRET=SECRET,
        TWITTER_APP_ID="1000001",
        LOG_LEVEL="INFO",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(overrides)
    return env


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port} after {timeout}s")


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    handle = log.open("w")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        handle.close()


def gunicorn(app: str, port: int, *, workers: int, threads: int, extra: list[str] | None = None) -> list[str]:
    return [
        str(BIN / "gunicorn"),
        app,
        *(extra or []),
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]


def celery_worker(
    *, queues: str, concurrency: int, nice: int = 0, pool: str = "prefork", loglevel: str = "WARNING"
) -> list[str]:
    command = [
        str(BIN / "celery"),
        "-A",
        "config",
        "worker",
        "-Q",
        queues,
        "-c",
        str(concurrency),
        "--pool",
        pool,
        "--loglevel",
        loglevel,
    ]
    return ["nice", "-n", str(nice), *command] if nice else command


def reset_database(database: str, env: dict[str, str]) -> None:
    """A fresh database, migrated, and an empty Redis db for the broker."""
    connection = psycopg2.connect(f"{PG}/postgres")
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {database}")
        cursor.execute(f"CREATE DATABASE {database}")
    connection.close()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    # DEBUG is off, as in production: static URLs come from collectstatic's manifest.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(["redis-cli", "-n", REDIS.rsplit("/", 1)[1], "flushdb"], check=True, capture_output=True)


def django_shell(env: dict[str, str], code: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class CpuMeter:
    """CPU seconds spent by each part of the stack (gunicorn, the Celery worker, PostgreSQL,
    Redis, and the load generator sharing their cores: wrk, or this script) between
    ``start()`` and ``stop()``, read from /proc: where a benchmark's time goes.

    Processes are told apart by their command line; one that exits in between counts with the
    CPU it had when last seen (read every ``interval`` seconds)."""

    PARTS = (
        ("gunicorn", "gunicorn"),
        ("celery", "celery worker"),
        ("postgres", "postgres"),
        ("redis", "redis"),
        ("wrk ", "load generator"),
    )

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self._tick = os.sysconf("SC_CLK_TCK")
        self._last: dict[int, tuple[str, float]] = {}
        self._start: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _part(self, command: str) -> str | None:
        for needle, name in self.PARTS:
            if needle in command:
                return name
        return None

    def _read(self) -> dict[str, float]:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    command = handle.read().replace(b"\0", b" ").decode(errors="replace")
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # exited while we looked
            # This benchmark's own process generates load too (the round trip posts its DMs).
            part = "load generator" if int(entry) == os.getpid() else self._part(command)
            if part is not None:
                self._last[int(entry)] = (part, (int(fields[11]) + int(fields[12])) / self._tick)
        totals: dict[str, float] = {}
        for part, seconds in self._last.values():
            totals[part] = totals.get(part, 0.0) + seconds
        return totals

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._read()

    def start(self) -> None:
        self._start = self._read()
        self._thread.start()

    def stop(self) -> dict[str, float]:
        """CPU seconds per part since ``start()``."""
        self._stop.set()
        self._thread.join()
        end = self._read()
        return {part: round(end.get(part, 0.0) - self._start.get(part, 0.0), 2) for part in sorted(end)}
