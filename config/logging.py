"""Structured logging: one logfmt line per record, greppable by brand, event and message.

Code that works on behalf of a brand, a webhook event or a message wraps that work in
``log_context(brand=..., event=..., message=...)``; every line logged inside carries those
keys, in the web process and in Celery workers alike::

    ts=2026-11-21T12:00:00Z level=INFO logger=webhooks.services brand=acme event=8812 msg="event processed"
"""

from __future__ import annotations

import contextvars
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse

# The default is never mutated: log_context() always sets a new dict.
_context: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("roost_log_context", default={})  # noqa: B039

# Keys rendered first, in this order, when present.
CONTEXT_KEYS = ("request_id", "brand", "account", "event", "message", "conversation", "task")


@contextmanager
def log_context(**values: Any) -> Iterator[None]:
    """Add key=value pairs to every log line emitted inside the block."""
    merged = {**_context.get(), **{key: value for key, value in values.items() if value is not None}}
    token = _context.set(merged)
    try:
        yield
    finally:
        _context.reset(token)


def current_log_context() -> dict[str, Any]:
    return dict(_context.get())


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.roost_context = _context.get()
        return True


def _quote(value: Any) -> str:
    text = str(value)
    if text == "" or any(char in text for char in ' ="\n\t'):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    return text


class LogfmtFormatter(logging.Formatter):
    """``key=value`` lines: easy to grep, easy for log shippers to parse."""

    _standard = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "roost_context"}

    def format(self, record: logging.LogRecord) -> str:
        created = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        pairs: list[tuple[str, Any]] = [
            ("ts", f"{created}.{int(record.msecs):03d}Z"),
            ("level", record.levelname),
            ("logger", record.name),
        ]
        context = dict(getattr(record, "roost_context", {}) or {})
        # Only plain values: libraries attach objects (Django's dev server a socket, Celery a dict
        # of task details) that would make a line unreadable or leak what they hold.
        extras = {
            key: value
            for key, value in record.__dict__.items()
            if key not in self._standard and isinstance(value, str | int | float | bool | uuid.UUID)
        }
        context.update(extras)
        for key in CONTEXT_KEYS:
            if key in context:
                pairs.append((key, context.pop(key)))
        pairs.extend(sorted(context.items()))
        pairs.append(("msg", record.getMessage()))
        line = " ".join(f"{key}={_quote(value)}" for key, value in pairs)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def build_logging_config(level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.logging.ContextFilter"}},
        "formatters": {"logfmt": {"()": "config.logging.LogfmtFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "logfmt", "filters": ["context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"level": "INFO"},
            # Request bodies and headers never reach the logs: a webhook body is a customer's DM.
            "django.request": {"level": "ERROR"},
            "django.db.backends": {"level": "INFO"},
            "celery": {"level": "INFO"},
            "urllib3": {"level": "WARNING"},
            "oauthlib": {"level": "WARNING"},
            "requests_oauthlib": {"level": "WARNING"},
        },
    }


class RequestLogContextMiddleware:
    """Tags every log line of a request with a short request id (echoed as X-Request-ID)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex[:12]
        with log_context(request_id=request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
