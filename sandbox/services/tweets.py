"""Tweets: ``statuses/update`` and the customer's own Tweets (twitter-api.md §10)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from config.text import is_ascii_digits, storable
from sandbox import errors
from sandbox.conf import sandbox_setting
from sandbox.models import SandboxMedia, SandboxTweet, SandboxUser
from sandbox.services.validation import STORABLE_TEXT
from sandbox.wire import MENTION, TWITTER_WEB_APP_ID, URL, users_by_screen_names

TWEET_LIMIT = 280
URL_WEIGHT = 23  # every link counts as a t.co link


def tweet_length(text: str) -> int:
    """Twitter's count, simplified: characters, with each URL counted as 23 (no CJK weights)."""
    length = len(text)
    for match in URL.finditer(text):
        length += URL_WEIGHT - len(match.group(0))
    return length


def tweet_create(
    *,
    author: SandboxUser,
    text: str,
    in_reply_to_tweet_id: int | str | None = None,
    auto_populate_reply_metadata: bool = False,
    media_ids: list[str] | None = None,
    source_app_id: str,
) -> SandboxTweet:
    from sandbox.services.events import tweet_event_publish

    if not text or not text.strip():
        raise errors.missing_parameter("status")
    if not storable(text):
        raise errors.invalid_parameter("status", STORABLE_TEXT)
    if tweet_length(text) > TWEET_LIMIT:
        raise errors.TwitterError(403, 186, "Tweet needs to be a bit shorter.")
    parent = None
    if in_reply_to_tweet_id not in (None, ""):
        parent = (
            SandboxTweet.objects.select_related("author").filter(pk=int(in_reply_to_tweet_id)).first()
            if is_ascii_digits(in_reply_to_tweet_id)
            else None
        )
        if parent is None:
            raise errors.TwitterError(
                403, 385, "You attempted to reply to a Tweet that is deleted or not visible to you."
            )
        mentioned = {name.lower() for name in MENTION.findall(text)}
        # Ignored unless the parent's author is @mentioned or metadata is auto-populated (§10.1).
        if not auto_populate_reply_metadata and parent.author.screen_name.lower() not in mentioned:
            parent = None
    media_ids = [media_id for media_id in (media_ids or []) if media_id]
    if media_ids:
        found = list(
            SandboxMedia.objects.filter(pk__in=[int(m) for m in media_ids if is_ascii_digits(m)], owner=author)
        )
        if len(found) != len(media_ids):
            raise errors.media_not_found()
        moving = [media for media in found if media.kind != "photo"]
        if len(media_ids) > 4 or (moving and len(media_ids) > 1):
            raise errors.TwitterError(400, 323, "Tweets can have up to 4 photos, or 1 animated GIF, or 1 video.")
    now = timezone.now()
    with transaction.atomic():
        SandboxUser.objects.select_for_update().filter(pk=author.pk).first()
        recent = SandboxTweet.objects.filter(author=author, created_at__gte=now - timedelta(hours=24))
        if recent.filter(text=text).exists():
            raise errors.TwitterError(403, 187, "Status is a duplicate.")
        if recent.count() >= int(sandbox_setting("SANDBOX_STATUS_DAILY_LIMIT")):
            raise errors.TwitterError(403, 185, "User is over daily status update limit.")
        tweet = SandboxTweet.objects.create(
            author=author,
            text=text,
            in_reply_to=parent,
            in_reply_to_user=parent.author if parent else None,
            media_ids=media_ids,
            source_app_id=source_app_id,
        )
        names = {name.lower() for name in MENTION.findall(text)}
        if names:
            tweet.mentions.set(users_by_screen_names(names).exclude(pk=author.pk))
        tweet_event_publish(tweet=tweet)
    return tweet


def customer_tweet(*, user: SandboxUser, text: str, in_reply_to_tweet_id: int | str | None = None) -> SandboxTweet:
    """A person tweets from the Twitter web app (the customer's page)."""
    return tweet_create(
        author=user,
        text=text,
        in_reply_to_tweet_id=in_reply_to_tweet_id,
        auto_populate_reply_metadata=True,
        source_app_id=TWITTER_WEB_APP_ID,
    )
