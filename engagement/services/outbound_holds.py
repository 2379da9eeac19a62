"""Holding and releasing an account's outbound messages while its token is not accepted."""

from __future__ import annotations

from accounts.models import TwitterAccount
from engagement.models import Message


def messages_hold_for_reauth(*, account: TwitterAccount) -> int:
    """Queued messages wait (not lost, not failed) until the account is re-authorised."""
    return Message.objects.filter(account=account, status=Message.Status.QUEUED).update(
        hold_reason=Message.HoldReason.NEEDS_REAUTH
    )


def messages_held_for_reauth_ids(*, account: TwitterAccount) -> list[int]:
    held = Message.objects.filter(
        account=account, status=Message.Status.QUEUED, hold_reason=Message.HoldReason.NEEDS_REAUTH
    )
    return list(held.values_list("pk", flat=True))


def messages_release_after_reauth(*, account: TwitterAccount) -> list[int]:
    """Clear the hold and send the held messages (after commit), in order."""
    from config.queue import enqueue_on_commit
    from engagement.tasks import send_message

    ids = messages_held_for_reauth_ids(account=account)
    Message.objects.filter(pk__in=ids).update(hold_reason=Message.HoldReason.NONE, not_before=None, error="")
    for message_id in sorted(ids):
        enqueue_on_commit(send_message, message_id)
    return ids
