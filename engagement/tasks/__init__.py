"""Engagement's Celery tasks, one module per area (Celery discovers them through this module)."""

from engagement.tasks import sync  # noqa: F401  (welcome messages and custom profiles)
from engagement.tasks.attachments import download_attachment
from engagement.tasks.sending import (
    indicate_typing,
    mark_read,
    notify_dm_limit,
    send_message,
    settle_unknown_messages,
    sweep_messages,
)

__all__ = [
    "download_attachment",
    "indicate_typing",
    "mark_read",
    "notify_dm_limit",
    "send_message",
    "settle_unknown_messages",
    "sweep_messages",
]
