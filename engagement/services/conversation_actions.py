"""What agents do to conversations: status, assignment, labels, notes. Each is audited."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import audit_record
from config.text import text_problem
from engagement.models import Conversation, Label, Note

logger = logging.getLogger(__name__)

UNSET = object()
NOTE_MAX = 5000


class ConversationError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def conversation_update(
    *,
    conversation: Conversation,
    by: User | None,
    status: object = UNSET,
    assignee: object = UNSET,
    labels: object = UNSET,
) -> Conversation:
    """Change any of status, assignee (a member of the brand, or None) and labels at once.
    Everything is checked before anything changes."""
    if status is not UNSET and status not in Conversation.Status.values:
        raise ConversationError("status", f"must be one of {', '.join(Conversation.Status.values)}")
    if (
        assignee is not UNSET
        and assignee is not None
        and not assignee.memberships.filter(brand=conversation.brand).exists()
    ):
        raise ConversationError("assignee", "must be a member of this brand")
    if labels is not UNSET and any(label.brand_id != conversation.brand_id for label in labels):
        raise ConversationError("labels", "must be this brand's labels")
    with transaction.atomic():
        if status is not UNSET:
            conversation_set_status(conversation=conversation, status=status, by=by)
        if assignee is not UNSET:
            conversation_assign(conversation=conversation, assignee=assignee, by=by)
        if labels is not UNSET:
            conversation_set_labels(conversation=conversation, labels=labels, by=by)
    return conversation


def conversation_set_status(*, conversation: Conversation, status: str, by: User | None) -> Conversation:
    if conversation.status == status:
        return conversation
    previous = conversation.status
    conversation.status = status
    conversation.resolved_at = timezone.now() if status == Conversation.Status.RESOLVED else None
    conversation.save(update_fields=["status", "resolved_at", "updated_at"])
    audit_record(
        brand=conversation.brand,
        actor=by,
        action="conversation.status",
        target=conversation,
        summary=f"marked the conversation with {conversation.contact} {status}",
        data={"from": previous, "to": status},
    )
    return conversation


def conversation_assign(*, conversation: Conversation, assignee: User | None, by: User | None) -> Conversation:
    if conversation.assignee_id == (assignee.pk if assignee else None):
        return conversation
    conversation.assignee = assignee
    conversation.save(update_fields=["assignee", "updated_at"])
    who = assignee.display_name if assignee else "nobody"
    audit_record(
        brand=conversation.brand,
        actor=by,
        action="conversation.assigned",
        target=conversation,
        summary=f"assigned the conversation with {conversation.contact} to {who}",
        data={"assignee": str(assignee.public_id) if assignee else None},
    )
    return conversation


def conversation_set_labels(*, conversation: Conversation, labels: Sequence[Label], by: User | None) -> Conversation:
    before = set(conversation.labels.values_list("pk", flat=True))
    after = {label.pk for label in labels}
    if before == after:
        return conversation
    conversation.labels.set(labels)
    conversation.save(update_fields=["updated_at"])
    names = ", ".join(sorted(label.name for label in labels)) or "none"
    audit_record(
        brand=conversation.brand,
        actor=by,
        action="conversation.labels",
        target=conversation,
        summary=f"set the labels of the conversation with {conversation.contact} to {names}",
    )
    return conversation


def note_add(*, conversation: Conversation, author: User, text: str) -> Note:
    text = text.strip()
    if not text:
        raise ConversationError("text", "a note needs text")
    if len(text) > NOTE_MAX:
        raise ConversationError("text", f"at most {NOTE_MAX} characters")
    if problem := text_problem(text):  # the dashboard's note view has no form to refuse it
        raise ConversationError("text", f"a note {problem}")
    return Note.objects.create(brand=conversation.brand, conversation=conversation, author=author, text=text)
