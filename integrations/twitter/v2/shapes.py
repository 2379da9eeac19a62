"""X API v2 objects in the v1.1 shapes the code above the seam reads.

Backfill and unknown-send settling walk DM events as ``message_create`` dicts, and contacts are
made from ``users``-map entries (twitter-api.md §5.1); on v2 those come back as v2 objects
(§12.3). Mapping them here keeps every caller on one shape, whichever wire is configured.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from integrations.twitter.types import TwitterUser

USER_FIELDS = "created_at,description,location,profile_image_url,protected,public_metrics,url,verified"
DM_EVENT_FIELDS = "id,event_type,text,sender_id,dm_conversation_id,created_at,attachments,referenced_tweets"
MEDIA_FIELDS = "media_key,type,url,preview_image_url,variants,width,height"


def epoch_ms(iso: str | None) -> str | None:
    """v2's ``created_at`` (ISO 8601) as v1.1's ``created_timestamp`` (epoch ms, a string)."""
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    return str(int(moment.timestamp() * 1000))


def user_as_v1(data: dict[str, Any]) -> dict[str, Any]:
    """A v2 user as a v1.1 user / ``users``-map entry."""
    metrics = data.get("public_metrics") or {}
    user: dict[str, Any] = {
        "id": str(data.get("id", "")),
        "id_str": str(data.get("id", "")),
        "screen_name": data.get("username") or "",
        "name": data.get("name") or "",
        "profile_image_url_https": data.get("profile_image_url") or "",
        "description": data.get("description") or "",
        "location": data.get("location") or "",
        "url": data.get("url") or "",
        "protected": bool(data.get("protected")),
        "verified": bool(data.get("verified")),
    }
    if "followers_count" in metrics:
        user["followers_count"] = metrics["followers_count"]
    if created := epoch_ms(data.get("created_at")):
        user["created_timestamp"] = created
    return user


def twitter_user(data: dict[str, Any], *, access_level: str = "") -> TwitterUser:
    return TwitterUser.from_json(user_as_v1(data), access_level=access_level)


def _media_as_v1(media: dict[str, Any]) -> dict[str, Any]:
    key = str(media.get("media_key", ""))
    media_id = key.split("_", 1)[-1]  # a media_key is "<type digit>_<media id>"
    kind = media.get("type") or "photo"
    converted: dict[str, Any] = {
        "id": media_id,
        "id_str": media_id,
        "type": kind,
        "media_url_https": media.get("url") or media.get("preview_image_url") or "",
    }
    if variants := media.get("variants"):
        converted["video_info"] = {
            "variants": [
                {
                    "bitrate": variant.get("bit_rate"),
                    "content_type": variant.get("content_type"),
                    "url": variant.get("url"),
                }
                for variant in variants
                if isinstance(variant, dict)
            ]
        }
    return converted


def recipient_of(*, sender_id: str, conversation_id: str) -> str:
    """A one-to-one conversation id is ``{smaller id}-{larger id}`` (§12.3): the other one."""
    participants = [part for part in conversation_id.split("-") if part]
    others = [part for part in participants if part != sender_id]
    if others:
        return others[0]
    return sender_id if participants else ""


def dm_event_as_v1(event: dict[str, Any], media_by_key: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """A v2 ``MessageCreate`` DM event as a v1.1 ``message_create`` event."""
    sender = str(event.get("sender_id", ""))
    message_data: dict[str, Any] = {"text": event.get("text") or ""}
    keys = (event.get("attachments") or {}).get("media_keys") or []
    media = (media_by_key or {}).get(str(keys[0])) if keys else None
    if media is not None:
        message_data["attachment"] = {"type": "media", "media": _media_as_v1(media)}
    converted: dict[str, Any] = {
        "type": "message_create" if event.get("event_type", "MessageCreate") == "MessageCreate" else "other",
        "id": str(event.get("id", "")),
        "message_create": {
            "target": {
                "recipient_id": recipient_of(sender_id=sender, conversation_id=str(event.get("dm_conversation_id", "")))
            },
            "sender_id": sender,
            "message_data": message_data,
        },
    }
    if created := epoch_ms(event.get("created_at")):
        converted["created_timestamp"] = created
    return converted


def media_by_key(includes: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {str(item.get("media_key")): item for item in (includes or {}).get("media", []) if isinstance(item, dict)}
