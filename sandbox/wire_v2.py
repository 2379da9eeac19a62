"""The JSON shapes X API v2 answers (twitter-api.md §12): ``{"data": ...}``, string ids, ISO
8601 ``created_at``. Webhook deliveries stay in the v1.1 shapes of ``wire.py`` (§12.2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.models import SandboxDirectMessage, SandboxMedia, SandboxTweet, SandboxUser, SandboxWebhook
from sandbox.wire import dm_media_url, profile_image_url

# A media_key is "<type digit>_<media id>": 3 a photo, 7 a video, 16 an animated GIF.
MEDIA_KEY_PREFIX = {"photo": "3", "video": "7", "animated_gif": "16"}


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def webhook_json(webhook: SandboxWebhook) -> dict[str, Any]:
    return {"id": str(webhook.id), "url": webhook.url, "valid": webhook.valid, "created_at": iso(webhook.created_at)}


def user_json(user: SandboxUser) -> dict[str, Any]:
    return {
        "id": user.id_str,
        "name": user.name,
        "username": user.screen_name,
        "created_at": iso(user.created_at),
        "description": user.description,
        "location": user.location,
        "url": user.url or "",
        "protected": user.protected,
        "verified": user.verified,
        "profile_image_url": profile_image_url(user),
        "public_metrics": {
            "followers_count": user.followers.count(),
            "following_count": user.following.count(),
            "tweet_count": user.tweets.count(),
            "listed_count": 0,
        },
    }


def media_key(media: SandboxMedia) -> str:
    return f"{MEDIA_KEY_PREFIX.get(media.kind, '3')}_{media.id}"


def dm_media_json(dm: SandboxDirectMessage) -> dict[str, Any]:
    media = dm.media
    url = dm_media_url(dm, media)
    body: dict[str, Any] = {"media_key": media_key(media), "type": media.kind, "width": media.width or 1200}
    body["height"] = media.height or 600
    if media.kind == "photo":
        body["url"] = url
    else:
        body["variants"] = [{"content_type": media.media_type, "url": url}]
    return body


def conversation_id(*user_ids: int) -> str:
    """One-to-one: ``{smaller id}-{larger id}`` (§12.3)."""
    low, high = sorted(user_ids)
    return f"{low}-{high}"


def dm_event_json(dm: SandboxDirectMessage) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": str(dm.id),
        "event_type": "MessageCreate",
        "text": dm.text,
        "sender_id": str(dm.sender_id),
        "dm_conversation_id": conversation_id(dm.sender_id, dm.recipient_id),
        "created_at": iso(dm.created_at),
    }
    if dm.media_id:
        event["attachments"] = {"media_keys": [media_key(dm.media)]}
    return event


def dm_events_body(events: list[SandboxDirectMessage], *, next_token: str | None = None) -> dict[str, Any]:
    """``data`` is left out when there are no events, as v2 does; media go in ``includes``."""
    body: dict[str, Any] = {}
    if events:
        body["data"] = [dm_event_json(dm) for dm in events]
    media = [dm_media_json(dm) for dm in events if dm.media_id]
    if media:
        body["includes"] = {"media": media}
    body["meta"] = {"result_count": len(events), **({"next_token": next_token} if next_token else {})}
    return body


def tweet_json(tweet: SandboxTweet) -> dict[str, Any]:
    return {"id": str(tweet.id), "text": tweet.text, "edit_history_tweet_ids": [str(tweet.id)]}
