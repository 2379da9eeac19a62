"""Finding the account's own sends in ``direct_messages/events/list`` (twitter-api.md §6.2):
the last 30 days of its Direct Messages, sent and received, newest first, a page at a time,
15 calls per 15 minutes. Settling reads it to tell a delivered send from one that was not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import TwitterAccount
from accounts.services import twitter_account_credentials
from engagement.models import Message
from engagement.services.wire import message_delivered_text
from integrations.twitter import twitter_client
from integrations.twitter.types import from_epoch_ms

PAGES_AT_MOST = 10  # the rate limit allows 15 calls per 15 minutes for everything that lists
LISTED_FOR = timedelta(days=30)  # how far back the list goes
CLOCK_SKEW = timedelta(minutes=1)  # Twitter's clock and ours may disagree this much


@dataclass(frozen=True)
class SentEvents:
    """The account's own ``message_create`` events, newest first, back to ``read_back_to``."""

    events: list[dict]
    # Nothing older was read: a send attempted after it and not among ``events`` was not
    # delivered; one attempted before it may be further down the list.
    read_back_to: datetime

    def find(self, message: Message, *, taken: set[str]) -> dict | None:
        """The event that is this message (same person, same text, not before its attempt),
        other than those already matched to another message."""
        return next((e for e in self.events if e["id"] not in taken and _is_this_message(e, message)), None)

    def covers(self, message: Message) -> bool:
        """Whether this message, if delivered, would be among ``events``."""
        return self.read_back_to <= message.claimed_at - CLOCK_SKEW


def sent_events_since(account: TwitterAccount, since: datetime) -> SentEvents:
    """Page back until events are older than ``since`` (minus the clock skew) or the list ends;
    at most PAGES_AT_MOST pages. Raises ``TwitterError`` when Twitter refuses."""
    client = twitter_client()
    credentials = twitter_account_credentials(account)
    since -= CLOCK_SKEW
    events: list[dict] = []
    oldest_read = timezone.now()
    cursor = None
    for _ in range(PAGES_AT_MOST):
        page = client.dm_list(credentials, cursor=cursor)
        for event in page.events:
            created = from_epoch_ms(event.get("created_timestamp"))
            if created is not None and created < since:
                return SentEvents(events, read_back_to=since)
            oldest_read = min(oldest_read, created or oldest_read)
            if str((event.get("message_create") or {}).get("sender_id")) == account.twitter_user_id:
                events.append(event)
        if not page.next_cursor:
            # The end of the list: it holds the last 30 days, all of them read.
            return SentEvents(events, read_back_to=timezone.now() - LISTED_FOR)
        cursor = page.next_cursor
    return SentEvents(events, read_back_to=oldest_read)


def _is_this_message(event: dict, message: Message) -> bool:
    create = event.get("message_create") or {}
    recipient = str((create.get("target") or {}).get("recipient_id"))
    text = (create.get("message_data") or {}).get("text", "")
    created = from_epoch_ms(event.get("created_timestamp"))
    started = message.claimed_at - CLOCK_SKEW
    return (
        recipient == message.conversation.contact.twitter_user_id
        and text == message_delivered_text(message)
        and (created is None or created >= started)
    )
