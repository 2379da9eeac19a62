"""The brand's typing indicator and read receipts, within Twitter's limits (§6.5, §6.6).

Both endpoints allow 1,000 calls per 15 minutes per account; the indicator shows for about
3 seconds. Roost sends at most one indicator per conversation every few seconds while an
agent writes, a read receipt only when there is something newer to mark read, and stops
short of the account's window.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

from accounts.models import TwitterAccount, User
from config.queue import enqueue_on_commit
from engagement.models import Conversation, Message

logger = logging.getLogger(__name__)
TYPING_EVERY_SECONDS = 4
WINDOW_SECONDS = 15 * 60
WINDOW_BUDGET = 900  # of Twitter's 1,000, leaving room for everything else


def _within_budget(account_id: int) -> bool:
    key = f"roost:receipts:{account_id}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key) <= WINDOW_BUDGET
    except ValueError:  # expired between add and incr
        return True


def _usable(conversation: Conversation) -> bool:
    return (
        conversation.kind == Conversation.Kind.DIRECT_MESSAGE
        and conversation.account.state == TwitterAccount.State.ACTIVE
    )


def _wire_carries(receipt: str) -> bool:
    from integrations.twitter import wire_capabilities

    return getattr(wire_capabilities(), receipt)


def conversation_indicate_typing(*, conversation: Conversation) -> bool:
    """An agent is writing in this conversation. Returns whether an indicator was sent."""
    from engagement.tasks import indicate_typing

    if not _usable(conversation) or not _wire_carries("typing_indicator"):
        return False
    if not cache.add(f"roost:typing:{conversation.pk}", True, timeout=TYPING_EVERY_SECONDS):
        return False
    if not _within_budget(conversation.account_id):
        return False
    enqueue_on_commit(indicate_typing, conversation.pk)
    return True


def conversation_mark_read(*, conversation: Conversation) -> bool:
    """An agent opened the conversation: tell the customer up to where it was read."""
    from engagement.tasks import mark_read

    if conversation.unread_count:
        Conversation.objects.filter(pk=conversation.pk).update(unread_count=0)
        conversation.unread_count = 0
    if not _usable(conversation) or not _wire_carries("read_receipts"):
        return False  # checked before the query below: no receipt can go anyway
    newest = (
        conversation.messages.filter(direction=Message.Direction.INBOUND, external_id__isnull=False)
        .order_by("-sent_at", "-pk")
        .values_list("external_id", flat=True)
        .first()
    )
    if not newest or newest == conversation.brand_last_read_event_id:
        return False
    if not _within_budget(conversation.account_id):
        return False
    Conversation.objects.filter(pk=conversation.pk).update(brand_last_read_event_id=newest)
    enqueue_on_commit(mark_read, conversation.pk, newest)
    return True


def conversation_opened(*, conversation: Conversation, by: User) -> None:
    """An agent opened the conversation, in the dashboard or the admin: it is read (a receipt
    to the customer, throttled) and the other agents see who is in it."""
    from engagement.services.presence import presence_mark

    conversation_mark_read(conversation=conversation)
    presence_mark(conversation=conversation, user=by)


def receipt_send(*, conversation_id: int, kind: str, last_read_event_id: str = "") -> None:
    """The task's work: call Twitter. A failure here only costs a cosmetic signal."""
    from accounts.services import twitter_account_credentials
    from integrations.twitter import TwitterError, twitter_client

    conversation = Conversation.objects.select_related("account", "contact").filter(pk=conversation_id).first()
    if conversation is None or not conversation.account.has_tokens:
        return
    client = twitter_client()
    credentials = twitter_account_credentials(conversation.account)
    try:
        if kind == "typing":
            client.typing_indicate(credentials, recipient_id=conversation.contact.twitter_user_id)
        else:
            client.mark_read(
                credentials, recipient_id=conversation.contact.twitter_user_id, last_read_event_id=last_read_event_id
            )
    except TwitterError as error:
        # The indicator and the receipt are courtesies: nothing waits on them, so a failure is
        # logged and dropped (a token Twitter rejects is caught by the next send).
        logger.info("%s not sent to Twitter: %s", kind, error)
