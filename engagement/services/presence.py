"""Who else has a conversation open, and who is typing in it (the collision notice).

Kept in the cache with a short life: a tab that stops reporting (closed, asleep) simply
disappears after ``SEEN_FOR`` seconds. Nothing here is worth a database write.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

from accounts.models import User
from engagement.models import Conversation

SEEN_FOR = 25  # seconds; the page reports every 10 s while visible
TYPING_FOR = 6


def _key(conversation: Conversation, user_id: int) -> str:
    return f"roost:presence:{conversation.pk}:{user_id}"


def presence_mark(*, conversation: Conversation, user: User, typing: bool = False) -> None:
    key = _key(conversation, user.pk)
    previous = cache.get(key) or {}
    typing_at = time.time() if typing else previous.get("typing_at", 0)
    cache.set(key, {"name": user.display_name, "seen_at": time.time(), "typing_at": typing_at}, timeout=SEEN_FOR)


@dataclass(frozen=True)
class Presence:
    name: str
    typing: bool


def presence_others(*, conversation: Conversation, user: User, member_ids: list[int]) -> list[Presence]:
    """The other members looking at this conversation now, and whether they are typing."""
    keys = {_key(conversation, member_id): member_id for member_id in member_ids if member_id != user.pk}
    now = time.time()
    found = cache.get_many(list(keys))
    return sorted(
        (Presence(name=value["name"], typing=now - value.get("typing_at", 0) < TYPING_FOR) for value in found.values()),
        key=lambda presence: presence.name,
    )
