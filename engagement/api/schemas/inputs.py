"""What the API reads: query filters and request bodies.

Inputs refuse unknown fields, so a typo is a 400 naming it instead of a request that silently
does nothing; every string is checked storable before it reaches the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, field_validator

from config.text import text_problem


def _storable(value: str) -> str:
    # Refused here, what the database cannot store is a 400 naming the field, not a 500.
    if problem := text_problem(value):
        raise ValueError(problem)
    return value


Text = Annotated[str, AfterValidator(_storable)]
# Long enough for any client's UUID or hash; what a message row keeps.
IDEMPOTENCY_KEY_MAX = 128

ConversationStatus = Literal["open", "pending", "resolved"]
ConversationKind = Literal["direct_message", "mention"]


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


def _assignee(value: str | None, *, allow_none_word: bool) -> str | None:
    if value is None or value == "me" or (allow_none_word and value == "none"):
        return value
    try:
        return str(UUID(value))
    except ValueError:
        words = '"me", "none"' if allow_none_word else '"me"'
        raise ValueError(f"must be {words} or a member's user id") from None


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    # A time without an offset is read as UTC, the API's (and storage's) time zone.
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range") from None


class PageQuery(Schema):
    cursor: Text | None = Field(None, description="The `next` link's cursor; leave out for the first page.")
    limit: int = Field(50, ge=1, le=100, description="Items per page, 1 to 100.")


class ConversationFilters(PageQuery):
    status: ConversationStatus | None = None
    assignee: Text | None = Field(None, description='"me", "none" (unassigned) or a member\'s user id.')
    q: Text = Field("", max_length=200, description="Text in the contact's name, screen name or messages.")
    label: UUID | None = Field(None, description="Only conversations with this label.")
    account: UUID | None = Field(None, description="Only conversations of this Twitter account.")
    kind: ConversationKind | None = None
    updated_after: datetime | None = Field(
        None, description="Only conversations changed after this time (ISO 8601; UTC when no offset is given)."
    )

    @field_validator("assignee")
    @classmethod
    def _check_assignee(cls, value: str | None) -> str | None:
        return _assignee(value, allow_none_word=True)

    @field_validator("updated_after")
    @classmethod
    def _check_updated_after(cls, value: datetime | None) -> datetime | None:
        return _utc(value)


class ConversationChange(Input):
    """Any of these; fields left out stay as they are."""

    status: ConversationStatus = Field(None, description="open, pending or resolved.")  # type: ignore[assignment]
    assignee: Text | None = Field(None, description='A member\'s user id, "me", or null to unassign.')
    labels: list[UUID] = Field(None, description="The label ids the conversation has afterwards.")  # type: ignore[assignment]

    @field_validator("assignee")
    @classmethod
    def _check_assignee(cls, value: str | None) -> str | None:
        return _assignee(value, allow_none_word=False)

    @field_validator("status", "labels", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("cannot be null")
        return value


class QuickReplyIn(Input):
    label: Text
    description: Text = ""
    metadata: Text = ""


class ButtonIn(Input):
    label: Text
    url: Text


class ReplyIn(Input):
    text: Text = Field("", description="Up to 10,000 characters (280 for a public reply); optional with media.")
    quick_replies: list[QuickReplyIn] = Field([], description="Up to 20 options.")
    buttons: list[ButtonIn] = Field([], description="Up to 3 links.")
    custom_profile_id: UUID | None = Field(
        None,
        description=(
            "A synced custom profile of the conversation's account. Left out: the member's default "
            "custom profile, when they have one for this account; null: the account itself."
        ),
    )
    media_id: UUID | None = Field(None, description="From POST /api/v1/media; used once.")


class ListQuery(Schema):
    q: Text = Field("", max_length=100, description="Shortcuts starting with this text.")


class CustomProfileFilters(Schema):
    account: UUID | None = Field(None, description="Only profiles of this Twitter account.")
