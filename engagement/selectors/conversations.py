"""Reads for the inbox and the API: conversations, their threads, contacts. Always by brand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from accounts.models import Brand, Membership, User
from accounts.selectors import _as_uuid
from config.text import storable_text
from engagement.models import Attachment, Contact, Conversation, Label, Message, Note
from engagement.selectors.pagination import Page, keyset_page

DM = Conversation.Kind.DIRECT_MESSAGE
MENTION = Conversation.Kind.MENTION
Status = Conversation.Status

# The inbox's views. Direct Messages and public mentions are kept apart.
VIEWS: dict[str, str] = {
    "mine": "Mine",
    "unassigned": "Unassigned",
    "open": "All open",
    "pending": "Pending",
    "resolved": "Resolved",
    "mentions": "Public mentions",
}


def _view_filter(view: str, user: User) -> Q:
    if view == "mine":
        return Q(kind=DM, assignee=user, status__in=[Status.OPEN, Status.PENDING])
    if view == "unassigned":
        return Q(kind=DM, assignee__isnull=True, status=Status.OPEN)
    if view == "pending":
        return Q(kind=DM, status=Status.PENDING)
    if view == "resolved":
        return Q(kind=DM, status=Status.RESOLVED)
    if view == "mentions":
        return Q(kind=MENTION) & ~Q(status=Status.RESOLVED)
    return Q(kind=DM, status=Status.OPEN)


def conversations_filtered(
    *,
    brand: Brand,
    user: User,
    view: str | None = None,
    status: str | None = None,
    assignee: str | None = None,
    kind: str | None = None,
    q: str = "",
    label_id: object = None,
    account_id: object = None,
    updated_after: datetime | None = None,
) -> QuerySet[Conversation]:
    """The brand's conversations matching every filter given (unknown ids match nothing)."""
    conversations = Conversation.objects.filter(brand=brand, last_message_at__isnull=False)
    if view:
        conversations = conversations.filter(_view_filter(view, user))
    if status:
        conversations = conversations.filter(status=status)
    if kind:
        conversations = conversations.filter(kind=kind)
    if assignee == "me":
        conversations = conversations.filter(assignee=user)
    elif assignee == "none":
        conversations = conversations.filter(assignee__isnull=True)
    elif assignee:
        conversations = conversations.filter(assignee__public_id=_as_uuid(assignee), assignee__memberships__brand=brand)
    if label_id:
        conversations = conversations.filter(labels__public_id=_as_uuid(label_id), labels__brand=brand)
    if account_id:
        conversations = conversations.filter(account__public_id=_as_uuid(account_id))
    if updated_after:
        conversations = conversations.filter(updated_at__gt=updated_after)
    term = storable_text(q).strip()  # no stored text holds NUL, and SQL cannot carry it
    if term:
        said = Message.objects.filter(conversation=OuterRef("pk"), text__icontains=term)
        conversations = conversations.filter(
            Q(contact__screen_name__icontains=term.lstrip("@")) | Q(contact__name__icontains=term) | Exists(said)
        )
    return conversations.select_related("contact", "account", "assignee").prefetch_related(
        Prefetch("labels", queryset=Label.objects.order_by("name"))
    )


def conversations_with_preview(conversations: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """Each row's latest message text and direction, for the list (one subquery each, on the
    thread index)."""
    latest = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-pk")
    return conversations.annotate(
        preview=Subquery(latest.values("text")[:1]), preview_direction=Subquery(latest.values("direction")[:1])
    )


def conversation_page(*, conversations: QuerySet[Conversation], cursor: str | None, limit: int = 50) -> Page:
    """Newest activity first."""
    return keyset_page(conversations, key="last_message_at", cursor=cursor, limit=limit)


def inbox_counts(*, brand: Brand, user: User) -> dict[str, int]:
    """How many conversations each view holds (resolved ones are not counted: there are
    many and nobody works through them), and how many have unread messages."""
    live = Conversation.objects.filter(brand=brand, last_message_at__isnull=False).exclude(status=Status.RESOLVED)
    counts = live.aggregate(
        **{name: Count("pk", filter=_view_filter(name, user)) for name in VIEWS if name != "resolved"},
        unread=Count("pk", filter=Q(unread_count__gt=0)),
        mine_unread=Count("pk", filter=_view_filter("mine", user) & Q(unread_count__gt=0)),
    )
    return counts


def conversation_get(*, brand: Brand, conversation_id: object) -> Conversation:
    return get_object_or_404(
        Conversation.objects.filter(brand=brand).select_related("contact", "account", "assignee"),
        public_id=_as_uuid(conversation_id),
    )


def thread_page(*, conversation: Conversation, cursor: str | None = None, limit: int = 50) -> Page:
    """The newest ``limit`` messages (oldest first for reading), with a cursor to older ones.

    Messages are ordered by when Twitter says they happened (``sent_at``), or, for replies
    still on their way, when they were written.
    """
    messages = (
        conversation.messages.annotate(at=Coalesce("sent_at", "created_at"))
        .select_related("custom_profile", "sender_user")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
    )
    page = keyset_page(messages, key="at", cursor=cursor, limit=limit)
    return Page(items=list(reversed(page.items)), next_cursor=page.next_cursor)


def message_get(*, brand: Brand, message_id: object) -> Message:
    return get_object_or_404(
        Message.objects.filter(brand=brand).select_related("conversation", "custom_profile"),
        public_id=_as_uuid(message_id),
    )


def messages_updated(*, conversation: Conversation, ids: list[int]) -> QuerySet[Message]:
    return conversation.messages.filter(pk__in=ids).select_related("custom_profile", "sender_user")


def contact_get(*, brand: Brand, contact_id: object) -> Contact:
    return get_object_or_404(Contact.objects.filter(brand=brand), public_id=_as_uuid(contact_id))


def contact_conversations(
    *, brand: Brand, contact: Contact, exclude: Conversation | None = None
) -> QuerySet[Conversation]:
    conversations = Conversation.objects.filter(brand=brand, contact=contact).select_related("account")
    if exclude is not None:
        conversations = conversations.exclude(pk=exclude.pk)
    return conversations.order_by("-last_message_at")


def notes_for(*, conversation: Conversation) -> QuerySet[Note]:
    return conversation.notes.select_related("author").order_by("created_at")


def labels_list(*, brand: Brand) -> QuerySet[Label]:
    return Label.objects.filter(brand=brand).order_by("name")


def labels_by_public_ids(*, brand: Brand, label_ids: list[Any]) -> list[Label]:
    """The brand's labels with these ids; an id that is not the brand's is simply absent."""
    ids = [_as_uuid(label_id) for label_id in label_ids]
    return list(Label.objects.filter(brand=brand, public_id__in=ids))


def assignable_members(*, brand: Brand) -> QuerySet[Membership]:
    return Membership.objects.filter(brand=brand).select_related("user").order_by("user__first_name", "user__email")


def member_user(*, brand: Brand, user_id: object) -> User:
    """A member of the brand by their public id (404 otherwise)."""
    membership = get_object_or_404(
        Membership.objects.filter(brand=brand).select_related("user"), user__public_id=_as_uuid(user_id)
    )
    return membership.user
