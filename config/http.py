"""An HTTP session for Roost's outgoing calls (Twitter, and the sandbox's deliveries)."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

import requests


class Session(requests.Session):
    """A ``requests.Session`` that reads the proxy and CA settings from the environment once
    per host, not on every request: requests walks the environment and the ``no_proxy`` list
    each time, a few percent of a worker's CPU when it sends hundreds of calls a second.
    Settings given to a call are honoured as requests would; the environment is read as it was
    when the host was first called (proxies are configured before a process starts)."""

    def __init__(self) -> None:
        super().__init__()
        self._environment_by_host: dict[str, dict[str, Any]] = {}

    def merge_environment_settings(
        self, url: str | bytes | None, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        if proxies or stream is not None or verify is not None or cert is not None or not self.trust_env:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        parts = urlsplit(url.decode() if isinstance(url, bytes) else url or "")
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._environment_by_host:
            self._environment_by_host[host] = super().merge_environment_settings(url, {}, None, None, None)
        settings = self._environment_by_host[host]
        return {**settings, "proxies": dict(settings["proxies"])}


class SessionPerThread:
    """One ``Session`` per thread (requests does not document sessions as thread-safe), so each
    worker thread keeps its own pooled, kept-alive connections across calls."""

    def __init__(self, headers: dict[str, str] | None = None) -> None:
        self.headers = headers or {}
        self._local = threading.local()

    def get(self) -> Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = Session()
            session.headers.update(self.headers)
        return session
