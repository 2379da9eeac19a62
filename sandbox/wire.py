"""The JSON shapes Twitter answers and delivers (twitter-api.md §5, §6, §7, §8, §10).

Ids are strings, ``created_timestamp`` values are strings of epoch milliseconds, and Tweet and
user objects carry both ``id`` (number) and ``id_str``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.templatetags.static import static

from sandbox.conf import sandbox_setting
from sandbox.ids import epoch_ms
from sandbox.models import (
    SandboxCustomProfile,
    SandboxDirectMessage,
    SandboxFollow,
    SandboxMedia,
    SandboxTweet,
    SandboxUser,
    SandboxWelcomeMessage,
    SandboxWelcomeMessageRule,
)

TWITTER_WEB_APP_ID = "3033300"
TWITTER_WEB_APP = {"id": TWITTER_WEB_APP_ID, "name": "Twitter Web App", "url": "https://mobile.twitter.com"}
HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")
URL = re.compile(r"https?://[^\s<>\"]+")


def sandbox_url(path: str) -> str:
    """An absolute URL under ``/sandbox`` on the host clients call (``TWITTER_API_URL``)."""
    api = settings.TWITTER_API_URL or ""
    base = api[: -len("/api")] if api.endswith("/sandbox/api") else f"{settings.PUBLIC_URL}/sandbox"
    return base + path


def twitter_date(moment: datetime) -> str:
    return moment.strftime("%a %b %d %H:%M:%S +0000 %Y")


def app_json(app_id: str) -> dict[str, str]:
    if app_id == settings.TWITTER_APP_ID:
        return {"id": app_id, "name": sandbox_setting("SANDBOX_APP_NAME"), "url": settings.PUBLIC_URL or ""}
    if app_id == TWITTER_WEB_APP_ID:
        return dict(TWITTER_WEB_APP)
    return {"id": app_id, "name": "App", "url": ""}


# --- users -----------------------------------------------------------------------------------
def profile_image_url(user: SandboxUser) -> str:
    if user.profile_image:
        return sandbox_url(f"/pbs/profile_images/{user.id}/{user.profile_image.name.rsplit('/', 1)[-1]}")
    return sandbox_url("").removesuffix("/sandbox") + static("sandbox/default_profile.svg")


COUNTS = ("followers_count", "friends_count", "statuses_count")


def _counts_sql(user_count: int) -> str:
    """Followers, friends and Tweets per user: three correlated counts. Written out rather than
    built with the ORM's Subquery annotations, whose construction cost about 2 ms of CPU on
    every event the sandbox delivers (each carries its users' counts); the names come from the
    models, the ids are parameters."""
    quote = connection.ops.quote_name
    users = quote(SandboxUser._meta.db_table)
    follows = quote(SandboxFollow._meta.db_table)
    tweets = quote(SandboxTweet._meta.db_table)
    user_id = f"{users}.{quote(SandboxUser._meta.pk.column)}"

    def column(model: type[models.Model], name: str) -> str:
        return quote(model._meta.get_field(name).column)

    def count(table: str, model: type[models.Model], field: str) -> str:
        return f"(SELECT COUNT(*) FROM {table} WHERE {table}.{column(model, field)} = {user_id})"  # noqa: S608

    id_params = ", ".join(["%s"] * user_count)
    return (
        f"SELECT {user_id}, {count(follows, SandboxFollow, 'target')}, "  # noqa: S608 - names only
        f"{count(follows, SandboxFollow, 'source')}, {count(tweets, SandboxTweet, 'author')} "
        f"FROM {users} WHERE {user_id} IN ({id_params})"
    )


def _counts_by_user(users: Iterable[SandboxUser]) -> dict[int, dict[str, int]]:
    """Followers, friends and Tweets of several users in one query (each event carries them)."""
    ids = list(dict.fromkeys(user.pk for user in users))
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_counts_sql(len(ids)), ids)
        rows = cursor.fetchall()
    return {
        pk: dict(zip(COUNTS, (followers, friends, statuses), strict=True)) for pk, followers, friends, statuses in rows
    }


def _counts(user: SandboxUser) -> dict[str, int]:
    return _counts_by_user([user]).get(user.pk, dict.fromkeys(COUNTS, 0))


def users_map_entry(user: SandboxUser, counts: dict[str, int] | None = None) -> dict[str, Any]:
    """A user in an event's ``users`` map (§5.1): cut down, with ``created_timestamp``."""
    entry: dict[str, Any] = {
        "id": user.id_str,
        "created_timestamp": epoch_ms(user.created_at),
        "name": user.name,
        "screen_name": user.screen_name,
    }
    if user.location:
        entry["location"] = user.location
    if user.description:
        entry["description"] = user.description
    if user.url:
        entry["url"] = user.url
    entry.update({"protected": user.protected, "verified": user.verified, **(counts or _counts(user))})
    # Twitter really sends the string "null" here; only the https URL is usable.
    entry.update({"profile_image_url": "null", "profile_image_url_https": profile_image_url(user)})
    return entry


def users_map(*users: SandboxUser) -> dict[str, dict[str, Any]]:
    counts = _counts_by_user(users)
    return {user.id_str: users_map_entry(user, counts.get(user.pk)) for user in users}


def user_json(user: SandboxUser) -> dict[str, Any]:
    """The v1.1 User object (verify_credentials, users/lookup, Tweets, follow events)."""
    image = profile_image_url(user)
    return {
        "id": user.id,
        "id_str": user.id_str,
        "name": user.name,
        "screen_name": user.screen_name,
        "location": user.location,
        "url": user.url or None,
        "description": user.description,
        "protected": user.protected,
        "verified": user.verified,
        **_counts(user),
        "listed_count": 0,
        "favourites_count": 0,
        "created_at": twitter_date(user.created_at),
        "profile_image_url": image.replace("https://", "http://", 1),
        "profile_image_url_https": image,
        "default_profile_image": not user.profile_image,
    }


def users_by_screen_names(screen_names: set[str]):  # noqa: ANN201 - a QuerySet
    query = Q(pk__in=[])
    for screen_name in screen_names:
        query |= Q(screen_name__iexact=screen_name)
    return SandboxUser.objects.filter(query)


# --- entities --------------------------------------------------------------------------------
def entities(text: str) -> dict[str, list]:
    screen_names = {match.group(1).lower() for match in MENTION.finditer(text)}
    known = {user.screen_name.lower(): user for user in users_by_screen_names(screen_names)} if screen_names else {}
    mentions = []
    for match in MENTION.finditer(text):
        user = known.get(match.group(1).lower())
        if user is not None:
            mentions.append(
                {
                    "screen_name": user.screen_name,
                    "name": user.name,
                    "id": user.id,
                    "id_str": user.id_str,
                    "indices": [match.start(), match.end()],
                }
            )
    return {
        "hashtags": [{"text": m.group(1), "indices": [m.start(), m.end()]} for m in HASHTAG.finditer(text)],
        "symbols": [],
        "user_mentions": mentions,
        "urls": [
            {
                "url": m.group(0),
                "expanded_url": m.group(0),
                "display_url": m.group(0).split("://", 1)[1][:26],
                "indices": [m.start(), m.end()],
            }
            for m in URL.finditer(text)
        ],
    }


# --- Direct Messages -------------------------------------------------------------------------
def dm_media_url(dm: SandboxDirectMessage, media: SandboxMedia) -> str:
    return sandbox_url(f"/ton/1.1/ton/data/dm/{dm.id}/{media.id}/{media.id}.{media.extension}")


def media_entity(media: SandboxMedia, url: str, *, expanded_url: str, indices: list[int]) -> dict[str, Any]:
    width, height = media.width or 1200, media.height or 600
    entity: dict[str, Any] = {
        "id": media.id,
        "id_str": str(media.id),
        "indices": indices,
        "media_url": url.replace("https://", "http://", 1),
        "media_url_https": url,
        "url": expanded_url,
        "display_url": expanded_url.split("://", 1)[-1],
        "expanded_url": expanded_url,
        "type": media.kind,
        "sizes": {
            "thumb": {"w": 150, "h": 150, "resize": "crop"},
            "small": {"w": min(width, 680), "h": min(height, 680), "resize": "fit"},
            "medium": {"w": min(width, 1200), "h": min(height, 1200), "resize": "fit"},
            "large": {"w": width, "h": height, "resize": "fit"},
        },
    }
    if media.kind != "photo":
        entity["video_info"] = {"variants": [{"content_type": media.media_type, "url": url}]}
    return entity


def dm_event_json(dm: SandboxDirectMessage) -> dict[str, Any]:
    message_data: dict[str, Any] = {"text": dm.text, "entities": entities(dm.text)}
    stored = dm.message_data or {}
    for key in ("quick_reply", "ctas", "quick_reply_response"):
        if stored.get(key):
            message_data[key] = stored[key]
    if dm.media_id:
        media = dm.media
        message_data["attachment"] = {
            "type": "media",
            "media": media_entity(
                media,
                dm_media_url(dm, media),
                expanded_url=sandbox_url(f"/messages/media/{dm.id}"),
                indices=[len(dm.text), len(dm.text)],
            ),
        }
    message_create: dict[str, Any] = {
        "target": {"recipient_id": str(dm.recipient_id)},
        "sender_id": str(dm.sender_id),
        "source_app_id": dm.source_app_id,
    }
    if dm.custom_profile_id:
        message_create["custom_profile_id"] = str(dm.custom_profile_id)
    message_create["message_data"] = message_data
    event: dict[str, Any] = {"type": "message_create", "id": str(dm.id), "created_timestamp": epoch_ms(dm.created_at)}
    if dm.initiated_via:
        event["initiated_via"] = dm.initiated_via
    event["message_create"] = message_create
    return event


# --- welcome messages and custom profiles ----------------------------------------------------
def welcome_message_json(welcome: SandboxWelcomeMessage) -> dict[str, Any]:
    data = dict(welcome.message_data)
    data["entities"] = entities(data.get("text", ""))
    if welcome.media_id:
        media = welcome.media
        url = sandbox_url(f"/ton/1.1/ton/data/welcome/{welcome.id}/{media.id}/{media.id}.{media.extension}")
        data["attachment"] = {
            "type": "media",
            "media": media_entity(media, url, expanded_url=url, indices=[len(data.get("text", ""))] * 2),
        }
    body: dict[str, Any] = {"id": str(welcome.id), "created_timestamp": epoch_ms(welcome.created_at)}
    if welcome.source_app_id:
        body["source_app_id"] = welcome.source_app_id
    if welcome.name:
        body["name"] = welcome.name
    body["message_data"] = data
    return body


def welcome_rule_json(rule: SandboxWelcomeMessageRule) -> dict[str, str]:
    return {
        "id": str(rule.id),
        "created_timestamp": epoch_ms(rule.created_at),
        "welcome_message_id": str(rule.welcome_message_id),
    }


def avatar_url(media: SandboxMedia) -> str:
    return sandbox_url(f"/pbs/media/{media.id}.{media.extension}")


def custom_profile_json(profile: SandboxCustomProfile) -> dict[str, Any]:
    return {
        "id": str(profile.id),
        "created_timestamp": epoch_ms(profile.created_at),
        "name": profile.name,
        "avatar": {"media": {"url": avatar_url(profile.avatar)}},
    }


# --- Tweets ----------------------------------------------------------------------------------
def tweet_json(tweet: SandboxTweet) -> dict[str, Any]:
    author = tweet.author
    source = (
        '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>'
        if tweet.source_app_id == TWITTER_WEB_APP_ID
        else f'<a href="{settings.PUBLIC_URL}" rel="nofollow">{sandbox_setting("SANDBOX_APP_NAME")}</a>'
    )
    parent = tweet.in_reply_to
    reply_user = tweet.in_reply_to_user
    return {
        "created_at": twitter_date(tweet.created_at),
        "id": tweet.id,
        "id_str": str(tweet.id),
        "text": tweet.text,
        "display_text_range": [0, len(tweet.text)],
        "source": source,
        "truncated": False,
        "in_reply_to_status_id": parent.id if parent else None,
        "in_reply_to_status_id_str": str(parent.id) if parent else None,
        "in_reply_to_user_id": reply_user.id if reply_user else None,
        "in_reply_to_user_id_str": reply_user.id_str if reply_user else None,
        "in_reply_to_screen_name": reply_user.screen_name if reply_user else None,
        "user": user_json(author),
        "geo": None,
        "coordinates": None,
        "place": None,
        "contributors": None,
        "is_quote_status": False,
        "quote_count": 0,
        "reply_count": tweet.replies.count(),
        "retweet_count": 0,
        "favorite_count": 0,
        "entities": entities(tweet.text),
        "favorited": False,
        "retweeted": False,
        "filter_level": "low",
        "lang": "en",
        "timestamp_ms": epoch_ms(tweet.created_at),
    }
