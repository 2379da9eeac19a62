"""``/conversations``: the inbox, a conversation's changes, its messages and replies."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Header, Query, Router, Status

from accounts.models import Brand, Membership, User
from engagement.api.auth import brand_of, token_of, user_of
from engagement.api.errors import ApiError, field_error
from engagement.api.pagination import next_url
from engagement.api.schemas import (
    IDEMPOTENCY_KEY_MAX,
    ConversationChange,
    ConversationFilters,
    ConversationOut,
    ConversationPage,
    MessageOut,
    MessagePage,
    PageQuery,
    ReplyIn,
    error_responses,
)
from engagement.forms import buttons_to_json, quick_replies_to_json
from engagement.models import Attachment, Conversation, CustomProfile, Message
from engagement.selectors import (
    attachment_get,
    conversation_get,
    conversation_page,
    conversations_filtered,
    custom_profile_default_for,
    custom_profiles_list,
    labels_by_public_ids,
    member_user,
    thread_page,
)
from engagement.services.conversation_actions import UNSET, conversation_update
from engagement.services.replies import conversation_reply
from integrations.twitter import Button, QuickReplyOption

router = Router(tags=["conversations"])

ERRORS = error_responses(400, 404)


@router.get("", response={200: ConversationPage, **ERRORS}, summary="List conversations")
def conversations_list(request: HttpRequest, filters: Query[ConversationFilters]) -> dict[str, Any]:
    """Newest activity first. Unknown label, account or assignee ids match nothing."""
    conversations = conversations_filtered(
        brand=brand_of(request),
        user=user_of(request),
        status=filters.status,
        assignee=filters.assignee,
        kind=filters.kind,
        q=filters.q,
        label_id=filters.label,
        account_id=filters.account,
        updated_after=filters.updated_after,
    )
    page = conversation_page(conversations=conversations, cursor=filters.cursor or None, limit=filters.limit)
    return {"results": page.items, "next": next_url(request, page.next_cursor)}


@router.get("/{conversation_id}", response={200: ConversationOut, **ERRORS}, summary="Get a conversation")
def conversation_detail(request: HttpRequest, conversation_id: str) -> Conversation:
    return conversation_get(brand=brand_of(request), conversation_id=conversation_id)


@router.patch("/{conversation_id}", response={200: ConversationOut, **ERRORS}, summary="Change a conversation")
def conversation_change(request: HttpRequest, conversation_id: str, payload: ConversationChange) -> Conversation:
    """Change its status, assignee and labels at once. Every field is checked before anything
    changes; one bad field changes nothing."""
    brand, user = brand_of(request), user_of(request)
    conversation = conversation_get(brand=brand, conversation_id=conversation_id)
    conversation_update(conversation=conversation, by=user, **_changes(brand=brand, user=user, change=payload))
    return conversation_get(brand=brand, conversation_id=conversation.public_id)


def _changes(*, brand: Brand, user: User, change: ConversationChange) -> dict[str, Any]:
    """The service's arguments for the fields given, with ids turned into the brand's rows."""
    given = change.model_fields_set
    errors: dict[str, list[str]] = {}
    status: object = change.status if "status" in given else UNSET
    assignee: object = UNSET
    if "assignee" in given:
        if change.assignee is None or change.assignee == "me":
            assignee = user if change.assignee == "me" else None
        else:
            try:
                assignee = member_user(brand=brand, user_id=change.assignee)
            except Http404:
                errors["assignee"] = ["must be a member of this brand"]
    labels: object = UNSET
    if "labels" in given:
        wanted = set(change.labels)
        labels = labels_by_public_ids(brand=brand, label_ids=list(wanted))
        missing = wanted - {label.public_id for label in labels}
        if missing:
            errors["labels"] = [f"no such label: {label_id}" for label_id in sorted(map(str, missing))]
    if errors:
        raise ApiError(errors=errors)
    return {"status": status, "assignee": assignee, "labels": labels}


@router.get(
    "/{conversation_id}/messages", response={200: MessagePage, **ERRORS}, summary="List a conversation's messages"
)
def messages_list(request: HttpRequest, conversation_id: str, page: Query[PageQuery]) -> dict[str, Any]:
    """The newest messages, oldest first within the page; ``next`` leads to older ones."""
    conversation = conversation_get(brand=brand_of(request), conversation_id=conversation_id)
    found = thread_page(conversation=conversation, cursor=page.cursor or None, limit=page.limit)
    return {"results": found.items, "next": next_url(request, found.next_cursor)}


@router.post("/{conversation_id}/messages", response={202: MessageOut, **ERRORS}, summary="Reply")
def message_create(
    request: HttpRequest,
    conversation_id: str,
    payload: ReplyIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        description="Sending the same key again answers with the first message instead of sending twice.",
    ),
) -> Status[Message]:
    """Queue a reply; it is sent in the background (``status`` moves from ``queued`` to ``sent``
    or ``failed``, with ``error`` saying why)."""
    brand, user = brand_of(request), user_of(request)
    conversation = conversation_get(brand=brand, conversation_id=conversation_id)
    message = conversation_reply(
        conversation=conversation,
        author=user,
        text=payload.text,
        quick_replies=quick_replies_to_json(
            [QuickReplyOption(option.label, option.description, option.metadata) for option in payload.quick_replies]
        ),
        buttons=buttons_to_json([Button(button.label, button.url) for button in payload.buttons]),
        custom_profile=_custom_profile(
            membership=token_of(request).membership, conversation=conversation, payload=payload
        ),
        attachment=_media(brand=brand, media_id=payload.media_id),
        origin=Message.Origin.API,
        idempotency_key=(idempotency_key or "").strip() or None,
    )
    return Status(202, message)


def _custom_profile(*, membership: Membership, conversation: Conversation, payload: ReplyIn) -> CustomProfile | None:
    if "custom_profile_id" not in payload.model_fields_set:
        # Left out: the member's default, as the dashboard and the admin preselect it. A
        # public reply is a Tweet, which carries no custom profile.
        if conversation.kind != Conversation.Kind.DIRECT_MESSAGE:
            return None
        return custom_profile_default_for(membership=membership, account=conversation.account)
    if payload.custom_profile_id is None:
        return None  # null: the account itself, whatever the member's default
    # Only the lookup here: whether it suits this conversation is the reply service's to say
    # (and a repeated Idempotency-Key must still find the profile its first request used).
    profile = custom_profiles_list(brand=conversation.brand).filter(public_id=payload.custom_profile_id).first()
    if profile is None:
        raise field_error("custom_profile_id", "no such custom profile")
    return profile


def _media(*, brand: Brand, media_id: object) -> Attachment | None:
    if media_id is None:
        return None
    try:
        return attachment_get(brand=brand, attachment_id=media_id)
    except Http404:
        raise field_error("media_id", "no such media; upload it with POST /api/v1/media first") from None
