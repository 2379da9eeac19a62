"""The one place Roost makes HTTP requests to Twitter.

User-context calls are signed with OAuth 1.0a (requests-oauthlib). JSON bodies are sent as
``application/json`` and so are *not* part of the signature (twitter-api.md §2.3: signing
them is the classic cause of code 32); form bodies are. App-only calls carry the bearer token.
Every call has connect and read timeouts.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests_oauthlib import OAuth1
from urllib3.exceptions import NameResolutionError, NewConnectionError

from config.http import SessionPerThread
from integrations.twitter.errors import RateLimit, TransportError, error_for
from integrations.twitter.types import UserCredentials

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.05
READ_TIMEOUT = 15.0
UPLOAD_READ_TIMEOUT = 60.0

_sessions = SessionPerThread(headers={"User-Agent": "Roost/0.1 (+https://github.com/roost)"})


def rate_limit_from(headers: Any) -> RateLimit | None:
    def number(name: str) -> int | None:
        try:
            return int(headers.get(name))
        except (TypeError, ValueError):
            return None

    limit, remaining, reset = (number(f"x-rate-limit-{part}") for part in ("limit", "remaining", "reset"))
    if limit is None and remaining is None and reset is None:
        return None
    reset_at = datetime.fromtimestamp(reset, tz=UTC) if reset is not None else None
    return RateLimit(limit=limit, remaining=remaining, reset_at=reset_at)


def _error_details(response: requests.Response) -> tuple[int | None, str]:
    """Twitter's ``{"errors":[{"code","message"}]}``, the odd ``{"error": ...}`` and v2 problems."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()[:200]
        return None, text or response.reason or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            code = first.get("code")
            message = first.get("message") or first.get("detail") or first.get("title") or ""
            return (code if isinstance(code, int) else None), str(message)
        if isinstance(body.get("error"), str):
            return 131, body["error"]  # the legacy shape; R-PLH normalises it to 131 too
        if "title" in body or "detail" in body:
            return None, str(body.get("detail") or body.get("title"))
    return None, response.reason or f"HTTP {response.status_code}"


def _connection_never_opened(error: requests.ConnectionError) -> bool:
    """True when the TCP connection was never established (refused, DNS), so nothing was sent."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError | NewConnectionError | NameResolutionError):
            return True
        reason = getattr(cause, "reason", None)
        cause = reason if isinstance(reason, BaseException) else cause.__cause__ or cause.__context__
    return False


class TwitterHttp:
    """Sends one request and either returns the response or raises a typed ``TwitterError``."""

    def __init__(self, *, consumer_key: str, consumer_secret: str) -> None:
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret

    def oauth1(
        self,
        user: UserCredentials | None = None,
        *,
        callback_uri: str | None = None,
        verifier: str | None = None,
    ) -> OAuth1:
        return OAuth1(
            self.consumer_key,
            client_secret=self.consumer_secret,
            resource_owner_key=user.token if user else None,
            resource_owner_secret=user.secret if user else None,
            callback_uri=callback_uri,
            verifier=verifier,
            signature_type="AUTH_HEADER",
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        auth: OAuth1 | None = None,
        bearer: str | None = None,
        params: dict[str, Any] | None = None,
        form: dict[str, Any] | None = None,
        json_body: dict[str, Any] | None = None,
        files: dict[str, Any] | None = None,
        read_timeout: float | None = None,
        expect: tuple[int, ...] = (200, 201, 202, 204),
    ) -> requests.Response:
        headers: dict[str, str] = {}
        data: Any = form
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        path = urlsplit(url).path
        try:
            response = _sessions.get().request(
                method,
                url,
                params=params,
                data=data,
                files=files,
                headers=headers,
                auth=auth,
                timeout=(CONNECT_TIMEOUT, read_timeout or READ_TIMEOUT),
                allow_redirects=False,
            )
        except requests.ConnectTimeout as error:
            raise TransportError(f"could not connect to Twitter in time ({method} {path})", maybe_sent=False) from error
        except requests.Timeout as error:
            raise TransportError(f"Twitter did not answer in time ({method} {path})") from error
        except requests.ConnectionError as error:
            never_sent = _connection_never_opened(error)
            raise TransportError(
                f"could not reach Twitter ({method} {path}): {error.__class__.__name__}", maybe_sent=not never_sent
            ) from error
        except requests.RequestException as error:
            raise TransportError(f"could not reach Twitter ({method} {path}): {error.__class__.__name__}") from error
        logger.debug("twitter %s %s -> %s", method, path, response.status_code)
        if response.status_code in expect:
            return response
        code, message = _error_details(response)
        error = error_for(response.status_code, code, message, rate_limit_from(response.headers))
        logger.info("twitter %s %s refused: %s", method, path, error)
        raise error
