"""Finding the conversation an inbound event belongs to."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import TwitterAccount
from config.compiled import CompiledQuery, CompiledSave
from engagement.models import Contact, Conversation

# A customer writing again within a week of their conversation being resolved reopens it
# (the agent keeps the context); after that they start a new conversation.
REOPEN_WINDOW = timedelta(days=7)


# Looked up for every message of a known customer (config/compiled.py).
_UNRESOLVED = CompiledQuery(
    Conversation,
    lambda account_id, contact_id, kind: (
        Conversation.objects.filter(account_id=account_id, contact_id=contact_id, kind=kind)
        .exclude(status=Conversation.Status.RESOLVED)
        .order_by("pk")[:1]
    ),
    account_id=int,
    contact_id=int,
    kind=str,
)


def conversation_for_inbound(
    *, account: TwitterAccount, contact: Contact, kind: str, at: datetime | None = None, new_contact: bool = False
) -> tuple[Conversation, bool]:
    """The contact's unresolved conversation of this kind, a recently resolved one reopened,
    or a new one. Returns (conversation, created). A contact created just now has no
    conversation to look for."""
    at = at or timezone.now()
    recent = None
    if not new_contact:
        open_one = _UNRESOLVED.first_object(account_id=account.pk, contact_id=contact.pk, kind=kind)
        if open_one is not None:
            return _with_known(open_one, account=account, contact=contact), False
        recent = (
            _of(account=account, contact=contact, kind=kind)
            .filter(status=Conversation.Status.RESOLVED, resolved_at__gte=at - REOPEN_WINDOW)
            .order_by("-resolved_at")
            .first()
        )
    try:
        with transaction.atomic():
            if recent is not None:
                recent.status = Conversation.Status.OPEN
                recent.resolved_at = None
                recent.save(update_fields=["status", "resolved_at", "updated_at"])
                return _with_known(recent, account=account, contact=contact), False
            return Conversation.objects.create(brand=account.brand, account=account, contact=contact, kind=kind), True
    except IntegrityError:
        # Another worker opened it at the same moment (one unresolved per contact and kind).
        return _of(account=account, contact=contact, kind=kind).exclude(
            status=Conversation.Status.RESOLVED
        ).get(), False


def _of(*, account: TwitterAccount, contact: Contact, kind: str) -> QuerySet[Conversation]:
    return Conversation.objects.filter(account=account, contact=contact, kind=kind)


def _with_known(conversation: Conversation, *, account: TwitterAccount, contact: Contact) -> Conversation:
    """Hand the conversation the account, brand and contact it was found by, so what follows
    (recording, the bots, a reply) does not load each of them again."""
    conversation.account = account
    conversation.brand = account.brand
    conversation.contact = contact
    return conversation


def conversation_touch(
    *, conversation: Conversation, at: datetime | None, inbound: bool, count_unread: bool = True
) -> Conversation:
    """Move the conversation's clocks forward for a new message; a customer's message makes a
    pending conversation open again and counts as unread."""
    at = at or timezone.now()
    fields = ["updated_at"]
    if conversation.last_message_at is None or at > conversation.last_message_at:
        conversation.last_message_at = at
        fields.append("last_message_at")
    if inbound:
        if conversation.last_inbound_at is None or at > conversation.last_inbound_at:
            conversation.last_inbound_at = at
            fields.append("last_inbound_at")
        if count_unread:
            conversation.unread_count += 1
            fields.append("unread_count")
        if conversation.status == Conversation.Status.PENDING:
            conversation.status = Conversation.Status.OPEN
            fields.append("status")
        conversation.customer_typing_at = None
        fields.append("customer_typing_at")
    elif conversation.last_outbound_at is None or at > conversation.last_outbound_at:
        conversation.last_outbound_at = at
        fields.append("last_outbound_at")
    # Twice per Direct Message (the customer's, the reply): compiled once per set of fields.
    CompiledSave.of(Conversation, *fields).save(conversation)
    return conversation
