"""What an agent is told about: conversations assigned to them, and their customers writing again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accounts.models import AuditEvent, Brand, User
from engagement.models import Conversation, Message

LIMIT = 20


@dataclass(frozen=True)
class Notification:
    kind: str  # "assigned" or "message"
    conversation_id: str
    title: str
    body: str
    at: datetime


def notifications_for(*, brand: Brand, user: User, since: datetime) -> list[Notification]:
    notes: list[Notification] = []
    assigned = (
        AuditEvent.objects.filter(
            brand=brand, action="conversation.assigned", created_at__gt=since, data__assignee=str(user.public_id)
        )
        .exclude(actor=user)
        .select_related("actor")
        .order_by("-created_at")[:LIMIT]
    )
    conversations = {
        str(conversation.public_id): conversation
        for conversation in Conversation.objects.filter(
            brand=brand, public_id__in=[event.target_id for event in assigned]
        ).select_related("contact")
    }
    for event in assigned:
        conversation = conversations.get(event.target_id)
        if conversation is None:
            continue
        by = event.actor.display_name if event.actor else "Roost"
        notes.append(
            Notification(
                "assigned",
                event.target_id,
                f"{by} assigned you a conversation",
                f"with {conversation.contact}",
                event.created_at,
            )
        )
    written = (
        Message.objects.filter(
            brand=brand,
            direction=Message.Direction.INBOUND,
            created_at__gt=since,
            conversation__assignee=user,
        )
        .select_related("conversation__contact")
        .order_by("-created_at")[:LIMIT]
    )
    for message in written:
        contact = message.conversation.contact
        notes.append(
            Notification(
                "message",
                str(message.conversation.public_id),
                f"{contact} wrote",
                message.text[:140] or "(media)",
                message.created_at,
            )
        )
    return sorted(notes, key=lambda note: note.at)
