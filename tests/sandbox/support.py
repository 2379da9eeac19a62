"""Helpers for the sandbox tests: a client that signs like Roost's will, and a small
webhook receiver whose CRC answers and failures the test controls."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings
from requests_oauthlib import OAuth1

from sandbox.signatures import sign

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class Twitter:
    """Calls the sandbox over real HTTP as a Twitter client would."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def url(self, path: str) -> str:
        if path.startswith("http"):
            return path
        if path.startswith(("oauth", "2/")):
            return f"{self.base}/sandbox/api/{path}"
        if path.startswith("media/upload"):
            return f"{self.base}/sandbox/upload/1.1/{path}"
        return f"{self.base}/sandbox/api/1.1/{path}"

    def signed(self, token: str, secret: str) -> OAuth1:
        return OAuth1(settings.TWITTER_CONSUMER_KEY, settings.TWITTER_CONSUMER_SECRET, token, secret)

    def call(self, method: str, path: str, *, auth: tuple[str, str] | None = None, bearer: bool = False, **kwargs):
        headers = kwargs.pop("headers", {})
        if bearer:
            headers["Authorization"] = f"Bearer {settings.TWITTER_BEARER_TOKEN}"
        oauth = self.signed(*auth) if auth else None
        return requests.request(method, self.url(path), auth=oauth, headers=headers, timeout=15, **kwargs)


@dataclass
class Receiver:
    """A webhook on its own port: answers the CRC as told and records every event POST."""

    crc_mode: str = "ok"  # ok | wrong | status | slow
    fail_posts: int = 0
    posts: list[dict] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://127.0.0.1:{port}/webhook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                query = urlsplit(self.path).query
                token = parse_qs(query).get("crc_token", [""])[0]
                if receiver.crc_mode == "slow":
                    receiver.release.wait(10)
                if receiver.crc_mode == "status":
                    self.send_response(404)
                    self.end_headers()
                    return
                secret = settings.TWITTER_CONSUMER_SECRET if receiver.crc_mode != "wrong" else "not-the-secret"
                body = json.dumps({"response_token": sign(secret, token.encode())}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.posts.append({"raw": raw, "headers": dict(self.headers), "json": json.loads(raw)})
                failing = receiver.fail_posts > 0
                if failing:
                    receiver.fail_posts -= 1
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def events(self, key: str) -> list[dict]:
        return [post["json"] for post in self.posts if key in post["json"]]
