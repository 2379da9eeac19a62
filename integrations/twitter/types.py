"""What the client returns: small typed records, each keeping Twitter's raw JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def from_epoch_ms(value: str | int | None) -> datetime | None:
    """Twitter's ``created_timestamp``: epoch milliseconds, usually as a string."""
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class UserCredentials:
    """A user's OAuth 1.0a access token. Its repr never shows the secret."""

    token: str
    secret: str

    def __repr__(self) -> str:
        return f"UserCredentials(token='{self.token[:8]}…')"


@dataclass(frozen=True)
class RequestToken:
    token: str
    secret: str
    callback_confirmed: bool


@dataclass(frozen=True)
class AccessToken:
    token: str
    secret: str
    user_id: str
    screen_name: str

    def __repr__(self) -> str:
        return f"AccessToken(user_id={self.user_id!r}, screen_name={self.screen_name!r})"

    @property
    def credentials(self) -> UserCredentials:
        return UserCredentials(self.token, self.secret)


@dataclass(frozen=True)
class TwitterUser:
    id: str
    screen_name: str
    name: str = ""
    profile_image_url: str = ""
    description: str = ""
    location: str = ""
    url: str = ""
    protected: bool = False
    verified: bool = False
    followers_count: int | None = None
    access_level: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any], *, access_level: str = "") -> TwitterUser:
        return cls(
            id=str(data.get("id_str") or data.get("id") or ""),
            screen_name=data.get("screen_name") or "",
            name=data.get("name") or "",
            profile_image_url=data.get("profile_image_url_https") or "",
            description=data.get("description") or "",
            location=data.get("location") or "",
            url=data.get("url") or "",
            protected=bool(data.get("protected")),
            verified=bool(data.get("verified")),
            followers_count=data.get("followers_count"),
            access_level=access_level,
            raw=data,
        )

    @property
    def can_direct_message(self) -> bool:
        """The token carries the Direct Messages permission (``x-access-level``)."""
        return "directmessages" in self.access_level


@dataclass(frozen=True)
class Webhook:
    id: str
    url: str
    valid: bool
    created_at: str = ""


@dataclass(frozen=True)
class SubscriptionCount:
    subscriptions: int
    provisioned: int

    @property
    def remaining(self) -> int:
        return max(self.provisioned - self.subscriptions, 0)


@dataclass(frozen=True)
class SentDirectMessage:
    """Twitter's id for a sent message (the echo on the webhook carries the same id)."""

    id: str
    created_at: datetime | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class DirectMessagePage:
    events: list[dict[str, Any]]
    next_cursor: str | None
    apps: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class UploadedMedia:
    media_id: str
    expires_after_secs: int | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class WelcomeMessageRef:
    id: str
    name: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class WelcomeMessageRuleRef:
    id: str
    welcome_message_id: str


@dataclass(frozen=True)
class CustomProfileRef:
    id: str
    name: str
    avatar_url: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Page:
    """One page of a cursored list."""

    items: list[dict[str, Any]]
    next_cursor: str | None


@dataclass(frozen=True)
class Tweet:
    id: str
    text: str
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class DownloadedMedia:
    content: bytes
    content_type: str
