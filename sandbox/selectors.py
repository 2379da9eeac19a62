"""Reads for the customer's page."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from config.text import storable_text
from sandbox.models import (
    SandboxDirectMessage,
    SandboxFollow,
    SandboxSubscription,
    SandboxThreadState,
    SandboxTweet,
    SandboxUser,
)


def conversations_for(*, user: SandboxUser, limit: int = 30) -> list[tuple[SandboxUser, SandboxDirectMessage]]:
    """The people ``user`` has DMs with, newest conversation first, with the latest message."""
    latest: dict[int, SandboxDirectMessage] = {}
    rows = (
        SandboxDirectMessage.objects.filter(
            Q(sender=user, hidden_for_sender=False) | Q(recipient=user, hidden_for_recipient=False)
        )
        .select_related("sender", "recipient")
        .order_by("-id")[:500]
    )
    for dm in rows:
        other = dm.recipient if dm.sender_id == user.pk else dm.sender
        latest.setdefault(other.pk, dm)
        if len(latest) >= limit:
            break
    return [(dm.recipient if dm.sender_id == user.pk else dm.sender, dm) for dm in latest.values()]


def accounts_search(*, user: SandboxUser | None, query: str = "", limit: int = 20) -> QuerySet[SandboxUser]:
    rows = SandboxUser.objects.all()
    if user is not None:
        rows = rows.exclude(pk=user.pk)
    query = storable_text(query).strip().lstrip("@")  # SQL cannot carry NUL, and no name holds it
    if query:
        rows = rows.filter(Q(screen_name__icontains=query) | Q(name__icontains=query))
    return rows.order_by("screen_name")[:limit]


def subscribed_ids() -> set[int]:
    return set(SandboxSubscription.objects.values_list("user_id", flat=True))


def following_ids(*, user: SandboxUser) -> set[int]:
    return set(SandboxFollow.objects.filter(source=user).values_list("target_id", flat=True))


def thread_messages(*, user: SandboxUser, other: SandboxUser, limit: int = 100) -> list[SandboxDirectMessage]:
    rows = (
        SandboxDirectMessage.objects.filter(
            Q(sender=user, recipient=other, hidden_for_sender=False)
            | Q(sender=other, recipient=user, hidden_for_recipient=False)
        )
        .select_related("sender", "recipient", "custom_profile__avatar", "media")
        .order_by("-id")[:limit]
    )
    return list(reversed(rows))


def recently_talked(*, user: SandboxUser, other: SandboxUser, days: int = 7) -> bool:
    since = timezone.now() - timedelta(days=days)
    return SandboxDirectMessage.objects.filter(
        Q(sender=user, recipient=other) | Q(sender=other, recipient=user), created_at__gte=since
    ).exists()


def thread_state(*, user: SandboxUser, other: SandboxUser) -> SandboxThreadState | None:
    return SandboxThreadState.objects.filter(user=user, other=other).select_related("welcome_message").first()


def timeline_for(*, user: SandboxUser, limit: int = 30) -> QuerySet[SandboxTweet]:
    """The user's Tweets, replies to them, and Tweets that mention them."""
    return (
        SandboxTweet.objects.filter(Q(author=user) | Q(in_reply_to_user=user) | Q(mentions=user))
        .select_related("author", "in_reply_to_user")
        .distinct()
        .order_by("-id")[:limit]
    )
