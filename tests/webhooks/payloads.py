"""Account Activity payloads shaped exactly like twitter-api.md §5's examples."""

from __future__ import annotations

import itertools
import json
from typing import Any

from django.conf import settings

from webhooks.signatures import sign

_ids = itertools.count(954491830116155396)

BRAND_ID = "4337869213"
CUSTOMER_ID = "3001969357"


def next_id() -> str:
    return str(next(_ids))


def user(user_id: str = CUSTOMER_ID, screen_name: str = "furiouscamper", name: str = "Jordan Brinks") -> dict[str, Any]:
    return {
        "id": user_id,
        "created_timestamp": "1422556069340",
        "name": name,
        "screen_name": screen_name,
        "location": "Boulder, CO",
        "description": "Alter Ego - Twitter PE opinions-are-my-own",
        "url": "https://t.co/SnxaA15ZuY",
        "protected": False,
        "verified": False,
        "followers_count": 22,
        "friends_count": 45,
        "statuses_count": 494,
        "profile_image_url": "null",
        "profile_image_url_https": "https://pbs.twimg.com/profile_images/851526626785480705/cW4WTi7C_normal.jpg",
    }


def tweet_user(user_id: str = CUSTOMER_ID, screen_name: str = "furiouscamper") -> dict[str, Any]:
    return {
        "id": int(user_id),
        "id_str": user_id,
        "name": "Jordan Brinks",
        "screen_name": screen_name,
        "created_at": "Thu Jan 29 18:14:29 +0000 2015",
        "profile_image_url_https": "https://pbs.twimg.com/x_normal.jpg",
    }


def message_event(
    *,
    event_id: str | None = None,
    sender_id: str = CUSTOMER_ID,
    recipient_id: str = BRAND_ID,
    text: str = "Blue Bird",
    source_app_id: str = "13090192",
    **message_data: Any,
) -> dict[str, Any]:
    create: dict[str, Any] = {
        "target": {"recipient_id": recipient_id},
        "sender_id": sender_id,
        "source_app_id": source_app_id,
        "message_data": {"text": text, "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": []}},
    }
    custom_profile_id = message_data.pop("custom_profile_id", None)
    if custom_profile_id:
        create["custom_profile_id"] = custom_profile_id
    initiated_via = message_data.pop("initiated_via", None)
    create["message_data"].update(message_data)
    event = {
        "type": "message_create",
        "id": event_id or next_id(),
        "created_timestamp": "1516403560557",
        "message_create": create,
    }
    if initiated_via:
        event["initiated_via"] = initiated_via
    return event


def direct_messages(*events: dict[str, Any], for_user_id: str = BRAND_ID, users: dict | None = None) -> dict[str, Any]:
    return {
        "for_user_id": for_user_id,
        "direct_message_events": list(events),
        "apps": {
            "13090192": {"id": "13090192", "name": "FuriousCamperTestApp1", "url": "https://twitter.com/furiouscamper"}
        },
        "users": users or {CUSTOMER_ID: user(), BRAND_ID: user(BRAND_ID, "Harris_0ff", "Harrison Test")},
    }


def photo(url: str = "https://ton.twitter.com/1.1/ton/data/dm/954491830116155396/1149914661267148800/abc.jpg") -> dict:
    return {
        "type": "media",
        "media": {
            "id": 1149914661267148800,
            "id_str": "1149914661267148800",
            "indices": [10, 33],
            "media_url": url.replace("https://", "http://"),
            "media_url_https": url,
            "url": "https://t.co/xyz",
            "display_url": "pic.twitter.com/xyz",
            "expanded_url": "https://twitter.com/messages/media/954491830116155396",
            "type": "photo",
            "sizes": {"thumb": {"w": 150, "h": 150, "resize": "crop"}},
        },
    }


def typing(sender_id: str = CUSTOMER_ID, recipient_id: str = BRAND_ID) -> dict[str, Any]:
    return {
        "for_user_id": BRAND_ID,
        "direct_message_indicate_typing_events": [
            {"created_timestamp": "1518127183443", "sender_id": sender_id, "target": {"recipient_id": recipient_id}}
        ],
        "users": {CUSTOMER_ID: user(), BRAND_ID: user(BRAND_ID, "Harris_0ff")},
    }


def mark_read(last_read_event_id: str, sender_id: str = CUSTOMER_ID, recipient_id: str = BRAND_ID) -> dict[str, Any]:
    return {
        "for_user_id": BRAND_ID,
        "direct_message_mark_read_events": [
            {
                "created_timestamp": "1518452444662",
                "sender_id": sender_id,
                "target": {"recipient_id": recipient_id},
                "last_read_event_id": last_read_event_id,
            }
        ],
        "users": {CUSTOMER_ID: user(), BRAND_ID: user(BRAND_ID, "Harris_0ff")},
    }


def tweet(
    *,
    tweet_id: str | None = None,
    author_id: str = CUSTOMER_ID,
    text: str = "@brand my order #123 hasn't arrived",
    mention: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    tweet_id = tweet_id or next_id()
    data = {
        "created_at": "Mon May 19 14:01:46 +0000 2025",
        "id": int(tweet_id),
        "id_str": tweet_id,
        "text": text,
        "truncated": False,
        "in_reply_to_status_id": None,
        "in_reply_to_status_id_str": None,
        "in_reply_to_user_id": int(BRAND_ID) if mention else None,
        "in_reply_to_user_id_str": BRAND_ID if mention else None,
        "user": tweet_user(author_id, "furiouscamper" if author_id == CUSTOMER_ID else "brand"),
        "entities": {
            "hashtags": [],
            "urls": [],
            "symbols": [],
            "user_mentions": [{"screen_name": "brand", "id": int(BRAND_ID), "id_str": BRAND_ID, "indices": [0, 6]}]
            if mention
            else [],
        },
        "timestamp_ms": "1747663306000",
    }
    data.update(extra)
    return data


def tweets(*items: dict[str, Any], user_has_blocked: str = "false") -> dict[str, Any]:
    return {"for_user_id": BRAND_ID, "user_has_blocked": user_has_blocked, "tweet_create_events": list(items)}


def relationship(key: str, kind: str, source: dict, target: dict) -> dict[str, Any]:
    return {
        "for_user_id": BRAND_ID,
        key: [{"type": kind, "created_timestamp": "1517588749178", "source": source, "target": target}],
    }


def revoke(user_id: str = BRAND_ID, app_id: str | None = None) -> dict[str, Any]:
    return {
        "user_event": {
            "revoke": {
                "date_time": "2018-05-24T09:48:12+00:00",
                "target": {"app_id": app_id or settings.TWITTER_APP_ID},
                "source": {"user_id": user_id},
            }
        }
    }


def encode(payload: dict[str, Any] | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def signature_for(body: bytes) -> str:
    return sign(settings.TWITTER_CONSUMER_SECRET, body)


def post_signed(client, payload: dict[str, Any] | bytes, *, signature: str | None = None):
    body = encode(payload)
    headers = {"HTTP_X_TWITTER_WEBHOOKS_SIGNATURE": signature if signature is not None else signature_for(body)}
    return client.generic("POST", "/webhooks/twitter/", body, content_type="application/json", **headers)
