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
    """The account's own ``message_create`` events since a moment, newest first."""

    events: list[dict]
    # True when the listing reached events older than that moment, or the end of the list:
    # then a send that is not here was not delivered. False when the page cap came first.
    complete: bool

    def find(self, message: Message, *, taken: set[str]) -> dict | None:
        """The event that is this message (same person, same text, not before its attempt),
        other than those already matched to another message."""
        return next((e for e in self.events if e["id"] not in taken and _is_this_message(e, message)), None)


def sent_events_since(account: TwitterAccount, since: datetime) -> SentEvents:
    """Page back until events are older than ``since`` (minus the clock skew) or the list ends;
    at most PAGES_AT_MOST pages. Raises ``TwitterError`` when Twitter refuses."""
    client = twitter_client()
    credentials = twitter_account_credentials(account)
    since -= CLOCK_SKEW
    # The end of the list only proves absence for a moment within the 30 days it covers.
    end_is_proof = since > timezone.now() - LISTED_FOR
    events: list[dict] = []
    cursor = None
    for _ in range(PAGES_AT_MOST):
        page = client.dm_list(credentials, cursor=cursor)
        for event in page.events:
            created = from_epoch_ms(event.get("created_timestamp"))
            if created is not None and created < since:
                return SentEvents(events, complete=True)
            if str((event.get("message_create") or {}).get("sender_id")) == account.twitter_user_id:
                events.append(event)
        if not page.next_cursor:
            return SentEvents(events, complete=end_is_proof)
        cursor = page.next_cursor
    return SentEvents(events, complete=False)


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
