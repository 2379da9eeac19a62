"""Replies: what an agent, the API, the admin or a bot sends goes through here.

A reply is a ``queued`` message, written with everything needed to send it and published to
the send task after commit; ``engagement.services.sending`` takes it from there.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import TwitterAccount, User
from accounts.services import audit_record
from config.logging import log_context
from config.queue import enqueue_on_commit
from engagement.forms import buttons_from_json, quick_replies_from_json
from engagement.models import Attachment, Conversation, CustomProfile, Message
from engagement.selectors.profiles import custom_profiles_for_account
from engagement.services.conversations import conversation_touch
from integrations.twitter import TwitterValidationError, wire_capabilities
from integrations.twitter.validation import validate_message, validate_tweet

logger = logging.getLogger(__name__)


class ReplyError(Exception):
    """The reply cannot be sent as it is; ``field`` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _check(
    *,
    conversation: Conversation,
    text: str,
    quick_replies: Sequence[dict[str, Any]],
    buttons: Sequence[dict[str, Any]],
    custom_profile: CustomProfile | None,
    attachment: Attachment | None,
) -> None:
    account = conversation.account
    if account.state == TwitterAccount.State.DISCONNECTED:
        raise ReplyError("account", f"@{account.screen_name} is disconnected; connect it again to reply.")
    # Synced with Twitter on v1.1; on a wire without custom profiles it is only a signature
    # line, so any profile of this account that is not being deleted will do.
    if custom_profile is not None:
        usable = custom_profiles_for_account(brand=conversation.brand, account=account)
        if not usable.filter(pk=custom_profile.pk).exists():
            state = "synced with Twitter" if wire_capabilities().custom_profiles else "not being deleted"
            raise ReplyError("custom_profile_id", f"choose a custom profile of this account that is {state}")
    if attachment is not None and (
        attachment.brand_id != conversation.brand_id
        or attachment.message_id is not None
        or attachment.state != Attachment.State.STORED
    ):
        raise ReplyError("media_id", "this media is not an upload of yours that is ready and unused")
    try:
        if conversation.kind == Conversation.Kind.MENTION:
            if quick_replies or buttons or custom_profile or attachment:
                raise ReplyError(
                    "text",
                    "a public reply is a Tweet: it cannot carry quick replies, buttons, media or a custom profile",
                )
            validate_tweet(text)
        else:
            validate_message(
                text=text,
                quick_replies=quick_replies_from_json(quick_replies),
                buttons=buttons_from_json(buttons),
                has_media=attachment is not None,
            )
    except TwitterValidationError as error:
        field = error.field.split("[")[0].split(".")[0]
        raise ReplyError(field, f"{error.field}: {error.reason}" if field != error.field else error.reason) from None


def conversation_reply(
    *,
    conversation: Conversation,
    author: User | None,
    text: str,
    quick_replies: Sequence[dict[str, Any]] = (),
    buttons: Sequence[dict[str, Any]] = (),
    custom_profile: CustomProfile | None = None,
    attachment: Attachment | None = None,
    origin: str = Message.Origin.AGENT,
    idempotency_key: str | None = None,
    as_new_tweet: bool = False,
) -> Message:
    """Queue a reply; the send task picks it up after commit. The same ``idempotency_key``
    returns the message it first created instead of queueing another. In a conversation about a
    public mention, ``as_new_tweet`` posts a Tweet of the brand's own instead of a reply."""
    if idempotency_key:
        existing = Message.objects.filter(brand=conversation.brand, idempotency_key=idempotency_key).first()
        if existing is not None:
            return _same_request(existing, conversation)
    _check(
        conversation=conversation,
        text=text,
        quick_replies=quick_replies,
        buttons=buttons,
        custom_profile=custom_profile,
        attachment=attachment,
    )
    if as_new_tweet and conversation.kind != Conversation.Kind.MENTION:
        raise ReplyError("as_new_tweet", "only a conversation about a public mention can post a Tweet")
    from engagement.tasks import send_message

    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                brand=conversation.brand,
                account=conversation.account,
                conversation=conversation,
                direction=Message.Direction.OUTBOUND,
                origin=origin,
                status=Message.Status.QUEUED,
                text=text,
                quick_replies=list(quick_replies),
                buttons=list(buttons),
                custom_profile=custom_profile,
                sender_user=author,
                idempotency_key=idempotency_key or None,
                in_reply_to_tweet_id="" if as_new_tweet else _tweet_replied_to(conversation),
                hold_reason=(
                    Message.HoldReason.NEEDS_REAUTH
                    if conversation.account.state == TwitterAccount.State.NEEDS_REAUTH
                    else Message.HoldReason.NONE
                ),
            )
            if attachment is not None:
                attachment.message = message
                attachment.save(update_fields=["message"])
            _conversation_after_reply(conversation, author=author, origin=origin, at=now)
            if origin in (Message.Origin.AGENT, Message.Origin.API):
                summary = f"replied in the conversation with {conversation.contact}"
                audit_record(
                    brand=conversation.brand, actor=author, action="message.queued", target=message, summary=summary
                )
    except IntegrityError:
        # Two requests with the same key at the same moment: the first one's message wins.
        existing = Message.objects.filter(brand=conversation.brand, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _same_request(existing, conversation)
    enqueue_on_commit(send_message, message.pk)
    with log_context(brand=conversation.brand.slug, message=str(message.public_id)):
        logger.info("reply queued (%s)", origin)
    return message


def _same_request(existing: Message, conversation: Conversation) -> Message:
    if existing.conversation_id != conversation.pk:
        raise ReplyError(
            "idempotency_key", "this Idempotency-Key was already used for a message in another conversation"
        )
    return existing


def _tweet_replied_to(conversation: Conversation) -> str:
    if conversation.kind != Conversation.Kind.MENTION:
        return ""
    latest = (
        conversation.messages.filter(direction=Message.Direction.INBOUND, external_id__isnull=False)
        .order_by("-sent_at", "-pk")
        .values_list("external_id", flat=True)
        .first()
    )
    return latest or ""


def _conversation_after_reply(conversation: Conversation, *, author: User | None, origin: str, at: Any) -> None:
    conversation_touch(conversation=conversation, at=at, inbound=False)
    fields = []
    if origin in (Message.Origin.AGENT, Message.Origin.API) and author is not None:
        # A person answered: the bot steps back, and an unassigned conversation is theirs now.
        if conversation.bot_active:
            conversation.bot_active = False
            fields.append("bot_active")
        if conversation.assignee_id is None:
            conversation.assignee = author
            fields.append("assignee")
        if conversation.unread_count:
            conversation.unread_count = 0
            fields.append("unread_count")
    if conversation.status == Conversation.Status.RESOLVED:
        conversation.status = Conversation.Status.OPEN
        conversation.resolved_at = None
        fields += ["status", "resolved_at"]
    if fields:
        conversation.save(update_fields=[*fields, "updated_at"])


def message_retry(*, message: Message, by: User | None = None) -> Message:
    """Send a failed message again (the agent's Retry)."""
    from engagement.tasks import send_message

    if message.direction != Message.Direction.OUTBOUND or message.status != Message.Status.FAILED:
        raise ReplyError("status", "only a failed message can be retried")
    if message.account.state == TwitterAccount.State.DISCONNECTED:
        raise ReplyError("account", f"@{message.account.screen_name} is disconnected; connect it again to retry.")
    updated = Message.objects.filter(pk=message.pk, status=Message.Status.FAILED).update(
        status=Message.Status.QUEUED,
        error="",
        error_code=None,
        not_before=None,
        hold_reason=Message.HoldReason.NONE,
        attempts=0,
        first_attempt_at=None,
    )
    if updated:
        audit_record(
            brand=message.brand, actor=by, action="message.retried", target=message, summary="retried a failed message"
        )
        enqueue_on_commit(send_message, message.pk)
    message.refresh_from_db()
    return message
