"""Account Activity payloads (twitter-api.md §5) parsed into typed inbound events.

Pure functions, no database: every element of every array of every key in §5.12 becomes an
event, or the payload is refused as a whole with a ``PayloadError`` saying what is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from config.text import is_ascii_digits, storable_text

# Keys that carry events, and those that only describe them.
EVENT_KEYS = (
    "direct_message_events",
    "direct_message_indicate_typing_events",
    "direct_message_mark_read_events",
    "tweet_create_events",
    "tweet_delete_events",
    "favorite_events",
    "follow_events",
    "unfollow_events",
    "block_events",
    "unblock_events",
    "mute_events",
    "unmute_events",
    "user_event",
    "replay_job_status",
)
LOOKUP_KEYS = ("for_user_id", "users", "apps", "user_has_blocked", "is_blocked_by", "source")


class PayloadError(ValueError):
    """The payload does not have the shape Twitter documents; retrying will not help."""


# --- values ------------------------------------------------------------------------------
def _id(value: Any, what: str) -> str:
    if isinstance(value, bool) or value is None or value == "":
        raise PayloadError(f"{what} is missing")
    if isinstance(value, int | str):
        text = str(value).strip()
        if is_ascii_digits(text):
            return text
    raise PayloadError(f"{what} is not a Twitter id: {str(value)[:40]!r}")


def optional_id(value: Any) -> str:
    """A Twitter id, or "" for anything that is not one."""
    try:
        return _id(value, "id")
    except PayloadError:
        return ""


def _epoch_ms(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _twitter_date(value: Any) -> datetime | None:
    """``Mon May 19 14:01:46 +0000 2025`` (v1.1 Tweets and users)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError:
        try:
            return parsedate_to_datetime(value).astimezone(UTC)
        except (TypeError, ValueError):
            return None


def _text(value: Any, limit: int = 100_000) -> str:
    # Repaired, not refused: the event must still be recorded (config.text).
    return storable_text(value[:limit]) if isinstance(value, str) else ""


def _dict(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{what} is not an object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise PayloadError(f"{what} is not a list")
    return value


def _bool(value: Any) -> bool | None:
    """Twitter sends some booleans as strings ("false")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    return None


# --- records -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Profile:
    id: str
    screen_name: str = ""
    name: str = ""
    avatar_url: str = ""
    description: str = ""
    location: str = ""
    url: str = ""
    protected: bool = False
    verified: bool = False
    followers_count: int | None = None
    created_at: datetime | None = None


def parse_profile(data: Any, what: str = "user") -> Profile:
    data = _dict(data, what)
    followers = data.get("followers_count")
    avatar = _text(data.get("profile_image_url_https"), 500)
    return Profile(
        id=_id(data.get("id_str") or data.get("id"), f"{what}.id"),
        screen_name=_text(data.get("screen_name"), 50),
        name=_text(data.get("name"), 100),
        avatar_url=avatar if avatar.startswith("https://") else "",
        description=_text(data.get("description"), 2000),
        location=_text(data.get("location"), 100),
        url=_text(data.get("url"), 500) if _text(data.get("url")).startswith(("http://", "https://")) else "",
        protected=bool(_bool(data.get("protected"))),
        verified=bool(_bool(data.get("verified"))),
        followers_count=followers if isinstance(followers, int) and followers >= 0 else None,
        created_at=_epoch_ms(data.get("created_timestamp")) or _twitter_date(data.get("created_at")),
    )


@dataclass(frozen=True)
class Media:
    id: str
    type: str  # photo, animated_gif or video
    url: str  # the file to download: the best mp4 for videos and GIFs, the image otherwise
    content_type: str


def parse_media(data: Any) -> Media | None:
    if not isinstance(data, dict):
        return None
    kind = data.get("type") if data.get("type") in {"photo", "animated_gif", "video"} else "photo"
    url = _text(data.get("media_url_https"), 1000)
    content_type = "image/jpeg"
    variants = (data.get("video_info") or {}).get("variants") if isinstance(data.get("video_info"), dict) else None
    if kind != "photo" and isinstance(variants, list):
        mp4s = [v for v in variants if isinstance(v, dict) and v.get("content_type") == "video/mp4" and v.get("url")]
        if mp4s:
            best = max(mp4s, key=lambda v: v.get("bitrate") if isinstance(v.get("bitrate"), int) else 0)
            url, content_type = _text(best["url"], 1000), "video/mp4"
    if not url.startswith("https://") and not url.startswith("http://"):
        return None
    return Media(id=optional_id(data.get("id_str") or data.get("id")), type=kind, url=url, content_type=content_type)


@dataclass(frozen=True)
class DirectMessage:
    id: str
    created_at: datetime | None
    sender_id: str
    recipient_id: str
    text: str
    source_app_id: str = ""
    custom_profile_id: str = ""
    quick_reply_response: dict[str, str] | None = None
    quick_replies: list[dict[str, str]] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)
    media: Media | None = None
    initiated_via: dict[str, str] | None = None


def _options(data: Any) -> list[dict[str, str]]:
    options = data.get("options") if isinstance(data, dict) else None
    if not isinstance(options, list):
        return []
    return [
        {key: _text(option.get(key), 1000) for key in ("label", "description", "metadata") if option.get(key)}
        for option in options
        if isinstance(option, dict)
    ][:20]


def _web_url(value: Any) -> str:
    """An http(s) URL or nothing: a button arrives from whoever sent the message, and a
    ``javascript:`` link in it would run in the agent's browser the moment it was clicked."""
    url = _text(value, 1000).strip()
    return url if urlsplit(url).scheme.lower() in ("http", "https") else ""


def _buttons(data: Any) -> list[dict[str, str]]:
    if not isinstance(data, list):
        return []
    buttons = [{"label": _text(b.get("label"), 36), "url": _web_url(b.get("url"))} for b in data if isinstance(b, dict)]
    return [button for button in buttons if button["url"]][:3]


def parse_direct_message(data: Any) -> DirectMessage | None:
    """A ``message_create`` event; other DM event types are not messages (None)."""
    data = _dict(data, "direct_message_events[]")
    if data.get("type", "message_create") != "message_create":
        return None
    create = _dict(data.get("message_create"), "message_create")
    message_data = _dict(create.get("message_data", {}), "message_data")
    target = _dict(create.get("target"), "message_create.target")
    response = message_data.get("quick_reply_response")
    quick_reply_response = None
    if isinstance(response, dict):
        quick_reply_response = {
            "type": _text(response.get("type"), 20) or "options",
            "metadata": _text(response.get("metadata"), 1000),
        }
    initiated = data.get("initiated_via")
    initiated_via = (
        {key: optional_id(initiated.get(key)) for key in ("tweet_id", "welcome_message_id") if initiated.get(key)}
        if isinstance(initiated, dict)
        else None
    )
    attachment = message_data.get("attachment")
    return DirectMessage(
        id=_id(data.get("id"), "direct message id"),
        created_at=_epoch_ms(data.get("created_timestamp")),
        sender_id=_id(create.get("sender_id"), "message_create.sender_id"),
        recipient_id=_id(target.get("recipient_id"), "message_create.target.recipient_id"),
        text=_text(message_data.get("text"), 10_000),
        source_app_id=optional_id(create.get("source_app_id")),
        custom_profile_id=optional_id(create.get("custom_profile_id")),
        quick_reply_response=quick_reply_response,
        quick_replies=_options(message_data.get("quick_reply")),
        buttons=_buttons(message_data.get("ctas")),
        media=parse_media(attachment.get("media")) if isinstance(attachment, dict) else None,
        initiated_via=initiated_via or None,
    )


@dataclass(frozen=True)
class Typing:
    created_at: datetime | None
    sender_id: str
    recipient_id: str


@dataclass(frozen=True)
class Read:
    created_at: datetime | None
    sender_id: str
    recipient_id: str
    last_read_event_id: str


@dataclass(frozen=True)
class TweetCreated:
    id: str
    created_at: datetime | None
    text: str
    author: Profile
    in_reply_to_status_id: str
    in_reply_to_user_id: str
    mentioned_user_ids: frozenset[str]
    is_retweet: bool


def parse_tweet(data: Any) -> TweetCreated:
    data = _dict(data, "tweet_create_events[]")
    extended = data.get("extended_tweet") if isinstance(data.get("extended_tweet"), dict) else {}
    text = _text(extended.get("full_text")) or _text(data.get("full_text")) or _text(data.get("text"))
    entities = extended.get("entities") if isinstance(extended.get("entities"), dict) else data.get("entities")
    mentions = entities.get("user_mentions", []) if isinstance(entities, dict) else []
    mentioned = frozenset(optional_id(m.get("id_str") or m.get("id")) for m in mentions if isinstance(m, dict)) - {""}
    return TweetCreated(
        id=_id(data.get("id_str") or data.get("id"), "tweet id"),
        created_at=_epoch_ms(data.get("timestamp_ms")) or _twitter_date(data.get("created_at")),
        text=text,
        author=parse_profile(data.get("user"), "tweet.user"),
        in_reply_to_status_id=optional_id(data.get("in_reply_to_status_id_str") or data.get("in_reply_to_status_id")),
        in_reply_to_user_id=optional_id(data.get("in_reply_to_user_id_str") or data.get("in_reply_to_user_id")),
        mentioned_user_ids=mentioned,
        is_retweet="retweeted_status" in data,
    )


@dataclass(frozen=True)
class TweetDeleted:
    tweet_id: str
    user_id: str


@dataclass(frozen=True)
class Favorited:
    created_at: datetime | None
    user: Profile
    tweet_id: str


@dataclass(frozen=True)
class Relationship:
    """follow/unfollow, block/unblock, mute/unmute: ``source`` acts on ``target``."""

    kind: str
    source: Profile
    target: Profile
    created_at: datetime | None


@dataclass(frozen=True)
class Revoked:
    user_id: str
    app_id: str
    at: datetime | None


@dataclass(frozen=True)
class ReplayJob:
    job_id: str
    state: str
    description: str


@dataclass(frozen=True)
class Payload:
    for_user_id: str
    events: list[Any]
    users: dict[str, Profile]
    unknown_keys: list[str]
    user_has_blocked: bool | None = None

    @property
    def event_types(self) -> list[str]:
        return sorted({type(event).__name__ for event in self.events})


def _relationship(key: str, item: Any) -> Relationship:
    item = _dict(item, f"{key}[]")
    default = key.removesuffix("_events")
    kind = item.get("type") if isinstance(item.get("type"), str) else default
    if kind not in {"follow", "unfollow", "block", "unblock", "mute", "unmute"}:
        raise PayloadError(f"{key}[].type {str(kind)[:20]!r} is not known")
    return Relationship(
        kind=kind,
        source=parse_profile(item.get("source"), f"{key}[].source"),
        target=parse_profile(item.get("target"), f"{key}[].target"),
        created_at=_epoch_ms(item.get("created_timestamp")),
    )


def _events_for_key(key: str, value: Any) -> list[Any]:
    if key == "user_event":
        revoke = _dict(_dict(value, "user_event").get("revoke"), "user_event.revoke")
        source = _dict(revoke.get("source"), "user_event.revoke.source")
        target = revoke.get("target") if isinstance(revoke.get("target"), dict) else {}
        at = revoke.get("date_time")
        try:
            when = datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            when = None
        return [
            Revoked(
                user_id=_id(source.get("user_id"), "revoke.source.user_id"),
                app_id=optional_id(target.get("app_id")),
                at=when,
            )
        ]
    if key == "replay_job_status":
        job = _dict(value, "replay_job_status")
        return [
            ReplayJob(
                _text(job.get("job_id"), 64),
                _text(job.get("job_state"), 32),
                _text(job.get("job_state_description"), 300),
            )
        ]
    items = _list(value, key)
    events: list[Any] = []
    for item in items:
        if key == "direct_message_events":
            message = parse_direct_message(item)
            if message is not None:
                events.append(message)
        elif key in {"direct_message_indicate_typing_events", "direct_message_mark_read_events"}:
            item = _dict(item, f"{key}[]")
            target = _dict(item.get("target"), f"{key}[].target")
            sender = _id(item.get("sender_id"), f"{key}[].sender_id")
            recipient = _id(target.get("recipient_id"), f"{key}[].target.recipient_id")
            when = _epoch_ms(item.get("created_timestamp"))
            if key == "direct_message_indicate_typing_events":
                events.append(Typing(when, sender, recipient))
            else:
                events.append(Read(when, sender, recipient, _id(item.get("last_read_event_id"), "last_read_event_id")))
        elif key == "tweet_create_events":
            events.append(parse_tweet(item))
        elif key == "tweet_delete_events":
            status = _dict(_dict(item, "tweet_delete_events[]").get("status"), "tweet_delete_events[].status")
            events.append(TweetDeleted(_id(status.get("id"), "status.id"), optional_id(status.get("user_id"))))
        elif key == "favorite_events":
            item = _dict(item, "favorite_events[]")
            tweet = item.get("favorited_status") if isinstance(item.get("favorited_status"), dict) else {}
            events.append(
                Favorited(
                    created_at=_epoch_ms(item.get("timestamp_ms")) or _twitter_date(item.get("created_at")),
                    user=parse_profile(item.get("user"), "favorite_events[].user"),
                    tweet_id=optional_id(tweet.get("id_str") or tweet.get("id")),
                )
            )
        else:
            events.append(_relationship(key, item))
    return events


def parse_payload(body: str | bytes) -> Payload:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise PayloadError(f"the body is not JSON: {error}") from error
    data = _dict(data, "the payload")
    events: list[Any] = []
    for key in EVENT_KEYS:
        if key in data:
            events.extend(_events_for_key(key, data[key]))
    users: dict[str, Profile] = {}
    raw_users = data.get("users")
    if isinstance(raw_users, dict):
        for user_id, user in raw_users.items():
            try:
                users[str(user_id)] = parse_profile(user, f"users[{str(user_id)[:20]}]")
            except PayloadError:
                continue  # a malformed profile in the lookup map only costs us that profile
    has_revoke = any(isinstance(event, Revoked | ReplayJob) for event in events)
    for_user_id = optional_id(data.get("for_user_id"))
    if not for_user_id and not has_revoke and events:
        raise PayloadError("for_user_id is missing")
    blocked = data.get("user_has_blocked", data.get("is_blocked_by"))
    unknown = sorted(str(key)[:50] for key in data if key not in EVENT_KEYS and key not in LOOKUP_KEYS)
    return Payload(
        for_user_id=for_user_id, events=events, users=users, unknown_keys=unknown, user_has_blocked=_bool(blocked)
    )
