"""Thin tasks for sending: each calls one service; the rows hold the state."""

from __future__ import annotations

from celery import shared_task


@shared_task
def send_message(message_id: int) -> None:
    from engagement.services.sending import message_send

    message_send(message_id=message_id)


@shared_task
def sweep_messages() -> None:
    from engagement.services.settling import messages_sweep

    messages_sweep()


@shared_task
def settle_unknown_messages(account_id: int) -> None:
    from engagement.services.settling import messages_settle_unknown

    messages_settle_unknown(account_id=account_id)


@shared_task
def indicate_typing(conversation_id: int) -> None:
    from engagement.services.receipts import receipt_send

    receipt_send(conversation_id=conversation_id, kind="typing")


@shared_task
def mark_read(conversation_id: int, last_read_event_id: str) -> None:
    from engagement.services.receipts import receipt_send

    receipt_send(conversation_id=conversation_id, kind="read", last_read_event_id=last_read_event_id)


@shared_task
def notify_dm_limit(account_id: int, sent: int) -> None:
    from engagement.services.daily_limit import dm_limit_notify

    dm_limit_notify(account_id=account_id, sent=sent)
