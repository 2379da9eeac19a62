"""Writes about contacts, conversations, messages and what agents and admins configure."""

from engagement.services.attachments import attachment_download, attachments_pending_ids
from engagement.services.contacts import (
    contact_record_blocked,
    contact_record_favourite,
    contact_record_relationship,
    contact_upsert,
)
from engagement.services.conversations import REOPEN_WINDOW, conversation_for_inbound, conversation_touch
from engagement.services.inbound import (
    Recorded,
    direct_message_record,
    mention_record,
    read_record,
    tweet_text_remove,
    typing_record,
)
from engagement.services.outbound_holds import messages_hold_for_reauth, messages_release_after_reauth

__all__ = [
    "REOPEN_WINDOW",
    "Recorded",
    "attachment_download",
    "attachments_pending_ids",
    "contact_record_blocked",
    "contact_record_favourite",
    "contact_record_relationship",
    "contact_upsert",
    "conversation_for_inbound",
    "conversation_touch",
    "direct_message_record",
    "mention_record",
    "messages_hold_for_reauth",
    "messages_release_after_reauth",
    "read_record",
    "tweet_text_remove",
    "typing_record",
]
