"""What the API answers. Ids are the rows' public UUIDs; times are UTC with microseconds."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

from django.urls import reverse
from ninja import Field, Schema

from engagement.api.schemas.inputs import ConversationKind, ConversationStatus
from engagement.forms import buttons_from_json, quick_replies_from_json
from engagement.models import Attachment, Conversation, Message


def web_buttons(stored: Any) -> list[dict[str, str]]:
    """Stored buttons as documented, keeping only http(s) links: a ``javascript:`` URL saved
    before intake dropped them would run in whatever client renders it."""
    return [
        {"label": button.label, "url": button.url}
        for button in buttons_from_json(stored)
        if urlsplit(button.url.strip()).scheme.lower() in ("http", "https")
    ]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field({}, description="The fields to fix, each with its reasons.")


def error_responses(*statuses: int) -> dict[int, Any]:
    """The errors an endpoint documents: its own, and those every request may get (a missing or
    bad token, two-factor authentication required, the rate limit)."""
    return dict.fromkeys(sorted({*statuses, 401, 403, 429}), ErrorOut)


class Row(Schema):
    """A row, shown by its public id (never its primary key)."""

    id: UUID

    @staticmethod
    def resolve_id(obj: Any) -> UUID:
        return obj.public_id


class AccountRef(Row):
    screen_name: str


class ContactRef(Row):
    screen_name: str
    name: str
    avatar_url: str


class LabelOut(Row):
    name: str


class ConversationOut(Row):
    status: ConversationStatus
    kind: ConversationKind
    assignee: UUID | None = Field(description="The assigned member's user id.")
    labels: list[LabelOut]
    account: AccountRef
    contact: ContactRef
    last_message_at: datetime | None
    unread_count: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_assignee(obj: Conversation) -> UUID | None:
        return obj.assignee.public_id if obj.assignee_id else None

    @staticmethod
    def resolve_labels(obj: Conversation) -> list[Any]:
        # The selectors prefetch labels by name; sorting again costs nothing and keeps the order stable.
        return sorted(obj.labels.all(), key=lambda label: label.name)


class QuickReplyOut(Schema):
    label: str
    description: str
    metadata: str


class ButtonOut(Schema):
    label: str
    url: str


class AttachmentOut(Row):
    kind: Literal["photo", "animated_gif", "video"]
    content_type: str
    url: str = Field(description="The file: `GET` it with the same token (404 until it is stored).")

    @staticmethod
    def resolve_url(obj: Attachment, context: dict[str, Any]) -> str:
        path = reverse("api-v1:media_download", args=[obj.public_id])
        request = (context or {}).get("request")
        return request.build_absolute_uri(path) if request is not None else path


class MessageOut(Row):
    direction: Literal["inbound", "outbound"]
    text: str
    status: Literal["received", "queued", "sending", "sent", "failed", "unknown"]
    error: str = Field(description="Why it failed, in words an agent understands.")
    external_id: str | None = Field(description="Twitter's id, once Twitter has it.")
    quick_replies: list[QuickReplyOut]
    quick_reply_response: dict[str, Any] | None = Field(description="The option the customer tapped.")
    buttons: list[ButtonOut]
    custom_profile_id: UUID | None
    attachments: list[AttachmentOut]
    created_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_quick_replies(obj: Message) -> list[dict[str, str]]:
        # Through the same reader as sending, so any stored shape comes out as the documented one.
        return [vars(option) for option in quick_replies_from_json(obj.quick_replies)]

    @staticmethod
    def resolve_buttons(obj: Message) -> list[dict[str, str]]:
        return web_buttons(obj.buttons)

    @staticmethod
    def resolve_quick_reply_response(obj: Message) -> dict[str, Any] | None:
        return obj.quick_reply_response if isinstance(obj.quick_reply_response, dict) else None

    @staticmethod
    def resolve_custom_profile_id(obj: Message) -> UUID | None:
        return obj.custom_profile.public_id if obj.custom_profile_id else None


class ConversationPage(Schema):
    results: list[ConversationOut]
    next: str | None = Field(description="The next page's URL, or null on the last page.")


class MessagePage(Schema):
    results: list[MessageOut] = Field(description="Oldest first within the page.")
    next: str | None = Field(description="The page of older messages, or null when there are none.")


class MediaOut(Schema):
    media_id: UUID
    kind: Literal["photo", "animated_gif", "video"]
    content_type: str
    size: int


class ContactOut(Row):
    twitter_user_id: str
    screen_name: str
    name: str
    avatar_url: str
    description: str
    location: str
    url: str
    protected: bool
    verified: bool
    followers_count: int | None
    follows_brand: bool | None
    blocked_by_brand: bool
    muted_by_brand: bool
    created_at: datetime
    updated_at: datetime


class CustomProfileOut(Row):
    name: str
    account: AccountRef
    avatar_url: str
    sync_state: Literal["pending", "synced", "failed", "deleting"] = Field(
        description="Only a synced profile can be used in a reply."
    )
    sync_error: str
    created_at: datetime


class CustomProfileList(Schema):
    results: list[CustomProfileOut]
    next: str | None = Field(None, description="Always null: the list comes whole.")


class CannedResponseOut(Row):
    shortcut: str
    title: str
    text: str
    quick_replies: list[QuickReplyOut]
    buttons: list[ButtonOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_quick_replies(obj: Any) -> list[dict[str, str]]:
        return [vars(option) for option in quick_replies_from_json(obj.quick_replies)]

    @staticmethod
    def resolve_buttons(obj: Any) -> list[dict[str, str]]:
        return web_buttons(obj.buttons)


class CannedResponseList(Schema):
    results: list[CannedResponseOut]
    next: str | None = Field(None, description="Always null: the list comes whole.")


class AccountOut(Row):
    twitter_user_id: str
    screen_name: str
    name: str
    avatar_url: str
    state: Literal["active", "needs_reauth", "disconnected"]
    subscription_state: Literal["not_subscribed", "pending", "subscribed", "failed"]
    subscription_error: str
    last_error: str
    last_error_at: datetime | None
    connected_at: datetime
    needs_reauth_since: datetime | None
    disconnected_at: datetime | None


class AccountList(Schema):
    results: list[AccountOut]
    next: str | None = Field(None, description="Always null: the list comes whole.")
