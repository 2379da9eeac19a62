"""Recovering Direct Messages missed while the webhook was down (twitter-api.md §6.2, §11.5).

Pages ``direct_messages/events/list`` (the last 30 days, newest first) and feeds what it finds
through the same pipeline as live deliveries, so messages already received are not duplicated.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from accounts.models import TwitterAccount
from accounts.services import twitter_account_credentials
from integrations.twitter import NotFound, twitter_client
from integrations.twitter.types import from_epoch_ms
from webhooks.models import WebhookEvent
from webhooks.services.intake import webhook_event_store

logger = logging.getLogger(__name__)
EVENTS_PER_PAYLOAD = 100
USERS_PER_LOOKUP = 100


@dataclass(frozen=True)
class BackfillResult:
    events: int
    payloads: int


def direct_messages_backfill(
    *, account: TwitterAccount, since: datetime, until: datetime | None = None
) -> BackfillResult:
    client = twitter_client()
    credentials = twitter_account_credentials(account)
    events: list[dict] = []
    apps: dict = {}
    for event, page_apps in client.dm_iter(credentials):
        created = from_epoch_ms(event.get("created_timestamp"))
        if created is not None and created < since:
            break  # newest first: everything after this is older still
        if until is not None and created is not None and created >= until:
            continue
        if event.get("type", "message_create") == "message_create":
            events.append(event)
            apps.update(page_apps or {})
    events.reverse()  # oldest first, as they happened
    users = _profiles(client, credentials, events)
    payloads = 0
    for start in range(0, len(events), EVENTS_PER_PAYLOAD):
        payload = {
            "for_user_id": account.twitter_user_id,
            "direct_message_events": events[start : start + EVENTS_PER_PAYLOAD],
            "users": users,
            "apps": apps,
        }
        webhook_event_store(body=json.dumps(payload), payload=payload, source=WebhookEvent.Source.BACKFILL)
        payloads += 1
    logger.info("backfill queued %d message event(s) in %d payload(s)", len(events), payloads)
    return BackfillResult(events=len(events), payloads=payloads)


def _profiles(client, credentials, events: list[dict]) -> dict[str, dict]:  # noqa: ANN001
    """``events/list`` has no ``users`` map; look the people up so contacts get their names."""
    ids = sorted(
        {
            str(value)
            for event in events
            for value in (
                (event.get("message_create") or {}).get("sender_id"),
                ((event.get("message_create") or {}).get("target") or {}).get("recipient_id"),
            )
            if value
        }
    )
    users: dict[str, dict] = {}
    for start in range(0, len(ids), USERS_PER_LOOKUP):
        try:
            found = client.users_lookup(credentials, user_ids=ids[start : start + USERS_PER_LOOKUP])
        except NotFound:
            continue
        users.update({user.id: user.raw for user in found})
    return users
