"""Account Activity events: who gets which payload, written to the outbox (§5).

Every event goes to each *subscribed* account involved, one body per ``for_user_id``, with
exactly one event-array key plus the ``users``/``apps`` maps. Callers run inside the
transaction that stores what happened, so the event and its deliveries commit together.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone

from config.compiled import CompiledQuery
from sandbox.ids import epoch_ms
from sandbox.models import SandboxDirectMessage, SandboxSubscription, SandboxTweet, SandboxUser, SandboxWebhook
from sandbox.services.deliveries import delivery_create
from sandbox.wire import app_json, dm_event_json, tweet_json, user_json, users_map

# Asked for each user of every event (config/compiled.py).
_SUBSCRIPTIONS = CompiledQuery(
    SandboxSubscription,
    lambda user_id, env_name: SandboxSubscription.objects.select_related("webhook", "user").filter(
        user_id=user_id, webhook__valid=True, webhook__env_name=env_name
    ),
    user_id=int,
    env_name=str,
)


def _subscriptions(users: Iterable[SandboxUser]) -> list[SandboxSubscription]:
    found = [
        subscription
        for user_id in {user.pk for user in users}
        for subscription in _SUBSCRIPTIONS.objects(user_id=user_id, env_name=settings.TWITTER_ENV_NAME)
    ]
    return sorted(found, key=lambda subscription: subscription.pk)


def _publish(users: Iterable[SandboxUser], event_type: str, build: Any) -> int:
    """``build(for_user)`` returns the body without ``for_user_id``; returns deliveries made."""
    made = 0
    for subscription in _subscriptions(users):
        body = {"for_user_id": subscription.user.id_str, **build(subscription.user)}
        delivery_create(
            webhook=subscription.webhook, for_user_id=subscription.user.id_str, event_type=event_type, body=body
        )
        made += 1
    return made


def dm_event_publish(*, dm: SandboxDirectMessage) -> int:
    event = dm_event_json(dm)
    participants = [dm.sender] if dm.sender_id == dm.recipient_id else [dm.sender, dm.recipient]

    def build(for_user: SandboxUser) -> dict[str, Any]:
        return {
            "direct_message_events": [event],
            "apps": {dm.source_app_id: app_json(dm.source_app_id)},
            "users": users_map(dm.sender, dm.recipient),
        }

    return _publish(participants, "direct_message_events", build)


def typing_event_publish(*, sender: SandboxUser, recipient: SandboxUser) -> int:
    event = {
        "created_timestamp": epoch_ms(timezone.now()),
        "sender_id": sender.id_str,
        "target": {"recipient_id": recipient.id_str},
    }

    def build(for_user: SandboxUser) -> dict[str, Any]:
        return {"direct_message_indicate_typing_events": [event], "users": users_map(sender, recipient)}

    return _publish([sender, recipient], "direct_message_indicate_typing_events", build)


def read_event_publish(*, reader: SandboxUser, other: SandboxUser, last_read_event_id: int) -> int:
    event = {
        "created_timestamp": epoch_ms(timezone.now()),
        "sender_id": reader.id_str,
        "target": {"recipient_id": other.id_str},
        "last_read_event_id": str(last_read_event_id),
    }

    def build(for_user: SandboxUser) -> dict[str, Any]:
        return {"direct_message_mark_read_events": [event], "users": users_map(reader, other)}

    return _publish([reader, other], "direct_message_mark_read_events", build)


def follow_event_publish(*, source: SandboxUser, target: SandboxUser, follow: bool) -> int:
    from sandbox.conf import sandbox_setting

    event = {
        "type": "follow" if follow else "unfollow",
        "created_timestamp": epoch_ms(timezone.now()),
        "target": user_json(target),
        "source": user_json(source),
    }
    # v1.1 delivered unfollows only to the account that unfollowed (§5.7).
    involved = [source, target] if follow or sandbox_setting("SANDBOX_DELIVER_UNFOLLOWS_TO_TARGET") else [source]
    return _publish(involved, "follow_events", lambda for_user: {"follow_events": [event]})


def tweet_event_publish(*, tweet: SandboxTweet) -> int:
    tweet_body = tweet_json(tweet)
    mentioned = list(tweet.mentions.all())
    if tweet.in_reply_to_user is not None and tweet.in_reply_to_user not in mentioned:
        mentioned.append(tweet.in_reply_to_user)

    def build(for_user: SandboxUser) -> dict[str, Any]:
        if for_user.pk == tweet.author_id:
            return {"tweet_create_events": [tweet_body]}
        # Only mention events carry user_has_blocked (§5.5); the sandbox has no blocks.
        return {"user_has_blocked": "false", "tweet_create_events": [tweet_body]}

    return _publish([tweet.author, *mentioned], "tweet_create_events", build)


def revoke_event_publish(*, user: SandboxUser, webhooks: Iterable[SandboxWebhook]) -> int:
    """``user_event`` has no ``for_user_id`` (§5.9)."""
    body = {
        "user_event": {
            "revoke": {
                "date_time": timezone.now().strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                "target": {"app_id": settings.TWITTER_APP_ID},
                "source": {"user_id": user.id_str},
            }
        }
    }
    made = 0
    for webhook in {webhook.pk: webhook for webhook in webhooks if webhook.valid}.values():
        delivery_create(webhook=webhook, for_user_id=user.id_str, event_type="user_event", body=body)
        made += 1
    return made
