"""Twitter's errors as types. Callers decide what to do (retry, wait, re-authorise, give up)
from the type alone; each error still carries Twitter's code and message for people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RateLimit:
    """The ``x-rate-limit-*`` headers of a response."""

    limit: int | None
    remaining: int | None
    reset_at: datetime | None


class TwitterError(Exception):
    """Anything that went wrong talking to Twitter."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status: int | None = None,
        rate_limit: RateLimit | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.rate_limit = rate_limit

    def __str__(self) -> str:
        parts = [self.message]
        if self.code is not None:
            parts.append(f"(code {self.code})")
        elif self.status is not None:
            parts.append(f"(HTTP {self.status})")
        return " ".join(parts)


class TwitterValidationError(TwitterError, ValueError):
    """Refused before sending: a value breaks one of Twitter's documented limits."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class RateLimited(TwitterError):
    """429 / code 88: wait until ``reset_at`` (when Twitter said) before trying again."""

    @property
    def reset_at(self) -> datetime | None:
        return self.rate_limit.reset_at if self.rate_limit else None


class AuthenticationFailed(TwitterError):
    """The credentials are no good (32, 89, 135, 215, 99): the token was revoked or expired,
    or the request could not be authenticated. Retrying the same request will not help."""

    def __init__(self, message: str, *, token_rejected: bool = False, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self._token_rejected = token_rejected

    @property
    def token_rejected(self) -> bool:
        """Twitter no longer accepts the user's token: the account must be re-authorised.
        v1.1 says so with code 89; on v2 the client finds out (``token_rejected=True``)."""
        return self._token_rejected or self.code == 89


class NotPermitted(TwitterError):
    """Twitter refuses this action for this account or recipient (93, 150, 214, 349, ...)."""


class NotFound(TwitterError):
    """The resource does not exist (34, 17, 404)."""


class WebhookNotRegistered(NotFound):
    """The app has no webhook at our URL, so there is nothing to subscribe an account to.

    Carries code 34 (the v1.1 "webhook does not exist"), so callers explain it the same way
    on either wire: an operator runs ``manage.py twitter_webhook register``."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code=34, status=404)


class Conflict(TwitterError):
    """It already exists: 355 (subscription already exists), 187 (duplicate status)."""


class InvalidRequest(TwitterError):
    """Twitter rejected the request's content (too long, bad media id, bad parameter)."""


class Retryable(TwitterError):
    """A passing failure: 5xx, 130 over capacity, 131 internal error, a timeout or a broken
    connection. The same request may succeed later (with backoff)."""


class TransportError(Retryable):
    """No usable HTTP response at all: connection refused, reset, DNS or a timeout.

    ``maybe_sent`` is False only when the request certainly never reached Twitter (the
    connection was refused or never opened). After a read timeout or a dropped response,
    Twitter may have acted on it: a send must then be checked, not repeated.
    """

    def __init__(self, message: str, *, maybe_sent: bool = True) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent


class UnsupportedOnThisWire(TwitterError):
    """The configured API version has no such operation (e.g. welcome messages on v2)."""


AUTHENTICATION_CODES = frozenset({32, 89, 99, 135, 215, 416})
NOT_PERMITTED_CODES = frozenset({64, 87, 93, 150, 151, 185, 200, 214, 220, 226, 261, 326, 348, 349, 385, 415, 433, 476})
NOT_FOUND_CODES = frozenset({17, 34, 50, 144})
CONFLICT_CODES = frozenset({187, 355})
INVALID_CODES = frozenset({38, 44, 186, 323, 324, 325, 354})
RETRYABLE_CODES = frozenset({130, 131})


def error_for(status: int, code: int | None, message: str, rate_limit: RateLimit | None) -> TwitterError:
    """Map an HTTP status and Twitter error code to the error type callers act on."""
    kind: type[TwitterError]
    if status in (420, 429) or code == 88:
        kind = RateLimited
    elif code in RETRYABLE_CODES or status >= 500:
        kind = Retryable
    elif code in AUTHENTICATION_CODES:
        kind = AuthenticationFailed
    elif code in CONFLICT_CODES or status == 409:
        kind = Conflict
    elif code in NOT_FOUND_CODES or status == 404:
        kind = NotFound
    elif code in INVALID_CODES:
        kind = InvalidRequest
    elif code in NOT_PERMITTED_CODES or status == 403:
        kind = NotPermitted
    elif status == 401:
        kind = AuthenticationFailed
    else:
        kind = InvalidRequest
    return kind(message, code=code, status=status, rate_limit=rate_limit)
