"""What the customer's page shows for users, messages and Tweets (page-relative URLs)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.templatetags.static import static
from django.urls import reverse

from sandbox.models import SandboxDirectMessage, SandboxTweet, SandboxUser, SandboxWelcomeMessage


def avatar(user: SandboxUser) -> str:
    if user.profile_image:
        name = user.profile_image.name.rsplit("/", 1)[-1]
        return reverse("sandbox:pbs_profile_image", args=[user.id, name])
    return static("sandbox/default_profile.svg")


def _options(message_data: dict[str, Any]) -> list[dict[str, Any]]:
    quick_reply = message_data.get("quick_reply") or {}
    return [{"index": index, **option} for index, option in enumerate(quick_reply.get("options", []))]


def message_rows(
    dms: Iterable[SandboxDirectMessage], *, me: SandboxUser, read_up_to: int | None
) -> list[dict[str, Any]]:
    dms = list(dms)
    rows = []
    for position, dm in enumerate(dms):
        mine = dm.sender_id == me.pk
        profile = dm.custom_profile
        data = dm.message_data or {}
        rows.append(
            {
                "id": dm.id,
                "source": f"dm:{dm.id}",
                "mine": mine,
                "text": dm.text,
                "name": profile.name if profile else dm.sender.name,
                "screen_name": dm.sender.screen_name,
                "avatar": reverse("sandbox:pbs_media", args=[profile.avatar_id, profile.avatar.extension])
                if profile
                else avatar(dm.sender),
                "media_url": reverse("sandbox:dm_media", args=[dm.id]) if dm.media_id else "",
                "ctas": data.get("ctas", []),
                # Quick replies show only while their message is the latest in the thread.
                "options": _options(data) if not mine and position == len(dms) - 1 else [],
                "tapped": (data.get("quick_reply_response") or {}).get("metadata"),
                "created_at": dm.created_at,
                "seen": mine and read_up_to is not None and dm.id <= read_up_to,
            }
        )
    # "Seen" is shown once, under the newest message the other side has read.
    seen = [row for row in rows if row["seen"]]
    for row in seen[:-1]:
        row["seen"] = False
    return rows


def welcome_row(welcome: SandboxWelcomeMessage, owner: SandboxUser) -> dict[str, Any]:
    data = welcome.message_data or {}
    return {
        "id": welcome.id,
        "source": f"welcome:{welcome.id}",
        "text": data.get("text", ""),
        "name": owner.name,
        "avatar": avatar(owner),
        "media_url": reverse("sandbox:welcome_media", args=[welcome.id]) if welcome.media_id else "",
        "ctas": data.get("ctas", []),
        "options": _options(data),
    }


def tweet_rows(tweets: Iterable[SandboxTweet]) -> list[dict[str, Any]]:
    return [
        {
            "id": tweet.id,
            "author": tweet.author,
            "avatar": avatar(tweet.author),
            "text": tweet.text,
            "reply_to": tweet.in_reply_to_user,
            "created_at": tweet.created_at,
        }
        for tweet in tweets
    ]
