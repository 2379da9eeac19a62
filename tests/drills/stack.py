"""A production-like Roost for one drill: gunicorn, a Celery worker and beat, started as real
processes the way bench/ starts them, with PostgreSQL and Redis reached through proxies the
drill controls. The drill itself looks at the database directly, past the proxy.

Only databases named ``roost_drills*`` and Redis database 6 are used: the machine's services
are shared with the normal suite and the benchmarks.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg2
import redis
import requests

from bench.support import ROOT, celery_worker, gunicorn, roost_env, sign, wait_for_port
from tests.drills.proxy import TcpProxy, free_port
from tests.drills.world import SETUP
from tests.helpers import wait_until

SWEEP_MESSAGES = "engagement.tasks.sending.sweep_messages"

TEMPLATE_DB = "roost_drills_template"
REDIS_DB = 6
SANDBOX_CONSUMER_KEY = "RoostSandboxConsumerKey01"


@dataclass(frozen=True)
class Services:
    """Where the real PostgreSQL and Redis are: from DATABASE_URL / REDIS_URL (as CI sets
    them) or the local defaults. Only the host, port and credentials are taken from them."""

    pg_auth: str
    pg_host: str
    pg_port: int
    redis_auth: str
    redis_host: str
    redis_port: int

    @classmethod
    def from_environment(cls) -> Services:
        pg = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/roost")
        cache = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
        if pg.scheme not in {"postgres", "postgresql"} or cache.scheme != "redis":
            raise RuntimeError("the drills need DATABASE_URL=postgres://... and REDIS_URL=redis://... (or neither)")
        return cls(
            pg_auth=pg.netloc.rpartition("@")[0],
            pg_host=pg.hostname or "127.0.0.1",
            pg_port=pg.port or 5432,
            redis_auth=cache.netloc.rpartition("@")[0],
            redis_host=cache.hostname or "127.0.0.1",
            redis_port=cache.port or 6379,
        )

    def pg(self, host: str | None = None, port: int | None = None) -> str:
        auth = f"{self.pg_auth}@" if self.pg_auth else ""
        return f"postgres://{auth}{host or self.pg_host}:{port or self.pg_port}"

    def redis(self, host: str | None = None, port: int | None = None) -> str:
        auth = f"{self.redis_auth}@" if self.redis_auth else ""
        return f"redis://{auth}{host or self.redis_host}:{port or self.redis_port}/{REDIS_DB}"


def pg_admin(services: Services, *statements: str) -> None:
    connection = psycopg2.connect(f"{services.pg()}/postgres")
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def template_prepare(services: Services, work: Path) -> None:
    """Migrate one template database per run; each drill copies it (a copy takes a second,
    a migration much longer)."""
    pg_admin(services, f"DROP DATABASE IF EXISTS {TEMPLATE_DB}", f"CREATE DATABASE {TEMPLATE_DB}")
    env = roost_env(0, database=TEMPLATE_DB, pg=services.pg(), redis=services.redis(), ROOST_DATA_DIR=str(work))
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    # DEBUG is off, as in production: static URLs (the sandbox's default avatar) need the manifest.
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


@dataclass
class World:
    """What the setup script created: the brand's Twitter id, an API token, conversations."""

    brand_twitter_id: str
    api_token: str
    conversations: list[dict[str, str]]


@dataclass
class Stack:
    name: str
    services: Services
    work: Path
    port: int = field(default_factory=free_port)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    world: World | None = None

    def __post_init__(self) -> None:
        self.database = f"roost_drills_{self.name}"
        self.pg = TcpProxy(self.services.pg_host, self.services.pg_port).start()
        self.redis = TcpProxy(self.services.redis_host, self.services.redis_port).start()
        common = {
            "SANDBOX_ENABLED": "1",
            "SANDBOX_DM_DAILY_LIMIT": "100000",
            "TWITTER_DM_DAILY_LIMIT": "100000",
            "TWITTER_CONSUMER_KEY": SANDBOX_CONSUMER_KEY,
            "ROOST_DATA_DIR": str(self.work),
        }
        # Roost's processes go through the proxies; the drill's own look-ups do not.
        self.env = roost_env(
            self.port,
            database=self.database,
            pg=self.services.pg("127.0.0.1", self.pg.port),
            redis=self.services.redis("127.0.0.1", self.redis.port),
            **common,
        )
        self.direct_env = roost_env(
            self.port, database=self.database, pg=self.services.pg(), redis=self.services.redis(), **common
        )

    # --- lifecycle ------------------------------------------------------------------------
    def prepare(self, *, customers: int = 1, menu_bot: bool = False) -> World:
        pg_admin(
            self.services,
            f"DROP DATABASE IF EXISTS {self.database}",
            f"CREATE DATABASE {self.database} TEMPLATE {TEMPLATE_DB}",
        )
        redis.Redis.from_url(self.services.redis()).flushdb()
        code = SETUP.format(customers=customers, menu_bot=menu_bot)
        output = self.shell(code).strip().splitlines()[-1]
        self.world = World(**json.loads(output))
        return self.world

    def start(self, *names: str) -> None:
        for name in names or ("web", "worker", "beat"):
            self.procs[name] = self._spawn(name)
        if "web" in (names or ("web",)):
            wait_for_port(self.port)

    def _spawn(self, name: str) -> subprocess.Popen:
        commands = {
            "web": gunicorn("config.wsgi", self.port, workers=2, threads=4),
            # Prefork, as the Procfile runs it; at INFO, so a drill can see which tasks ran.
            "worker": celery_worker(queues="celery,send,sandbox", concurrency=2, loglevel="INFO"),
            "beat": [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel",
                "WARNING",
                "-s",
                str(self.work / f"beat-{self.name}"),
            ],
        }
        log = (self.work / f"{self.name}-{name}.log").open("a")
        # Its own process group, so a kill reaches the worker's children too.
        return subprocess.Popen(
            commands[name], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        proc = self.procs.pop(name)
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop(self) -> None:
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM)
        self.pg.stop()
        self.redis.stop()

    # --- talking to it ------------------------------------------------------------------
    def shell(self, code: str) -> str:
        """Run Django code against this drill's database directly (not through the proxies)."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=self.direct_env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py shell failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def sql(self, query: str, params: tuple[Any, ...] | list[Any] = ()) -> list[tuple[Any, ...]]:
        connection = psycopg2.connect(f"{self.services.pg()}/{self.database}")
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def messages_recorded(self, event_ids: list[str]) -> int:
        """Customer messages recorded for these Twitter event ids (each at most once)."""
        rows = self.sql(
            "SELECT count(*), count(DISTINCT external_id) FROM engagement_message WHERE external_id = ANY(%s)",
            [event_ids],
        )
        total, distinct = rows[0]
        assert total == distinct, "an event was recorded twice"
        return total

    def post_webhook(self, body: bytes, *, session: requests.Session | None = None, timeout: float = 15) -> int:
        try:
            response = (session or requests).post(
                f"http://127.0.0.1:{self.port}/webhooks/twitter/",
                data=body,
                headers={"Content-Type": "application/json", "X-Twitter-Webhooks-Signature": sign(body)},
                timeout=timeout,
            )
        except requests.RequestException:
            return 0  # no answer at all: Twitter would deliver it again
        return response.status_code

    def reply(self, conversation_id: str, text: str, *, key: str | None = None) -> requests.Response:
        assert self.world is not None
        headers = {"Authorization": f"Bearer {self.world.api_token}"}
        if key:
            headers["Idempotency-Key"] = key
        return requests.post(
            f"http://127.0.0.1:{self.port}/api/v1/conversations/{conversation_id}/messages",
            json={"text": text},
            headers=headers,
            timeout=15,
        )

    def message_statuses(self, texts: list[str]) -> dict[str, str]:
        rows = self.sql("SELECT text, status FROM engagement_message WHERE text = ANY(%s)", [texts])
        return dict(rows)

    def sandbox_dm_counts(self, texts: list[str]) -> dict[str, int]:
        """How many DMs with each text the sandbox (Twitter) actually accepted from the brand."""
        assert self.world is not None
        rows = self.sql(
            "SELECT text, count(*) FROM sandbox_sandboxdirectmessage WHERE sender_id = %s AND text = ANY(%s) "
            "GROUP BY text",
            [int(self.world.brand_twitter_id), texts],
        )
        return dict(rows)

    def task_runs(self, task: str) -> int:
        """How many times the worker (any of its incarnations: the log is appended) finished
        ``task``."""
        path = self.work / f"{self.name}-worker.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return len(re.findall(rf"Task {re.escape(task)}\[[^\]]+\] succeeded", text))

    def injected_faults_answered(self) -> int:
        """How many calls the sandbox (in the web process) has answered with an injected fault."""
        path = self.work / f"{self.name}-web.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return text.count("injected fault answered")

    def wait_for_sweeps(self, runs: int = 2, timeout: float = 60) -> None:
        """Until the message sweep has run ``runs`` more times: anything it would send again
        has then gone out. Waiting on the sweep itself, not on a guess of its period, also
        fails loudly if beat or the worker stopped sweeping."""
        before = self.task_runs(SWEEP_MESSAGES)
        wait_until(
            lambda: self.task_runs(SWEEP_MESSAGES) >= before + runs,
            timeout=timeout,
            what=f"{runs} more runs of the message sweep",
        )

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.work / f"{self.name}-{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


@contextmanager
def running_stack(name: str, services: Services, work: Path) -> Iterator[Stack]:
    stack = Stack(name=name, services=services, work=work)
    try:
        yield stack
    finally:
        stack.stop()


def elapsed_since(started: float) -> float:
    return round(time.monotonic() - started, 1)
