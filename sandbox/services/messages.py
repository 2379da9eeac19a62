"""Direct Messages (twitter-api.md §6): sending (from the API or the customer's page),
typing and read receipts, listing and deleting."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from config.compiled import CompiledQuery
from config.text import is_ascii_digits
from sandbox import errors
from sandbox.conf import sandbox_setting
from sandbox.models import (
    SandboxCustomProfile,
    SandboxDirectMessage,
    SandboxFollow,
    SandboxThreadState,
    SandboxUser,
    SandboxWelcomeMessage,
)
from sandbox.services.events import dm_event_publish, read_event_publish, typing_event_publish
from sandbox.services.media import media_mark_used, media_upload_simple, media_usable_check
from sandbox.services.validation import DM_TEXT_LIMIT, MessageData, message_data_parse
from sandbox.wire import TWITTER_WEB_APP_ID

DAY = timedelta(hours=24)


def _check_recipient(*, sender: SandboxUser, recipient: SandboxUser) -> None:
    if recipient.accepts_dms_from_anyone or sender.pk == recipient.pk:
        return
    follows = SandboxFollow.objects.filter(source=recipient, target=sender).exists()
    talked = SandboxDirectMessage.objects.filter(sender=recipient, recipient=sender).exists()
    if not (follows or talked):
        raise errors.TwitterError(403, 150, "You cannot send messages to users who are not following you.")


# Every DM sent asks these (config/compiled.py).
_USER = CompiledQuery(SandboxUser, lambda user_id: SandboxUser.objects.filter(pk=user_id), user_id=int)
_LOCK_SENDER = CompiledQuery(
    SandboxUser,
    lambda user_id: SandboxUser.objects.select_for_update().filter(pk=user_id).order_by().values_list("pk"),
    user_id=int,
)
_LAST_SENT = CompiledQuery(
    SandboxDirectMessage,
    lambda sender_id, recipient_id, since: (
        SandboxDirectMessage.objects.filter(sender_id=sender_id, recipient_id=recipient_id, created_at__gte=since)
        .order_by("-created_at", "-id")
        .values_list("created_at")[:1]
    ),
    sender_id=int,
    recipient_id=int,
    since=datetime,
)
# Replies not counted since the customer's last message: never more than the allowance, as
# the one after it counts.
_FREE_REPLIES = CompiledQuery(
    SandboxDirectMessage,
    lambda sender_id, recipient_id, after: SandboxDirectMessage.objects.filter(
        sender_id=sender_id, recipient_id=recipient_id, counted=False, created_at__gt=after
    ).values_list("pk"),
    sender_id=int,
    recipient_id=int,
    after=datetime,
)


def _counts_toward_limit(*, sender: SandboxUser, recipient: SandboxUser, now) -> bool:  # noqa: ANN001
    """False for one of the 5 replies allowed within 24 h of an incoming message (§6.1)."""
    last_incoming = _LAST_SENT.first_value(sender_id=recipient.pk, recipient_id=sender.pk, since=now - DAY)
    if last_incoming is None:
        return True
    free_replies = len(_FREE_REPLIES.rows(sender_id=sender.pk, recipient_id=recipient.pk, after=last_incoming))
    return free_replies >= int(sandbox_setting("SANDBOX_DM_REPLY_ALLOWANCE"))


def _counted_since(*, sender_id: int, since: datetime) -> tuple[int, int]:
    """The sender's and the app's counted DMs since ``since``, for both daily limits in one
    statement, which runs for every DM sent. Written out: the ORM's conditional aggregate cost
    more CPU to build than the database spent counting. Names come from the model, values are
    parameters."""
    meta = SandboxDirectMessage._meta
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    sql = (
        f"SELECT COUNT(CASE WHEN {column('sender')} = %s THEN 1 END), COUNT(*) "  # noqa: S608 - names only
        f"FROM {quote(meta.db_table)} "
        f"WHERE {column('counted')} = %s AND {column('source_app_id')} = %s AND {column('created_at')} >= %s"
    )
    params = [sender_id, True, settings.TWITTER_APP_ID, connection.ops.adapt_datetimefield_value(since)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        by_sender, by_app = cursor.fetchone()
    return by_sender, by_app


def _check_rate_limit(*, sender: SandboxUser, now) -> None:  # noqa: ANN001
    by_sender, by_app = _counted_since(sender_id=sender.pk, since=now - DAY)
    for limit, total, only_sender in (
        (int(sandbox_setting("SANDBOX_DM_DAILY_LIMIT")), by_sender, True),
        (int(sandbox_setting("SANDBOX_DM_APP_DAILY_LIMIT")), by_app, False),
    ):
        if total >= limit:
            rows = SandboxDirectMessage.objects.filter(
                counted=True, source_app_id=settings.TWITTER_APP_ID, created_at__gte=now - DAY
            )
            if only_sender:
                rows = rows.filter(sender=sender)
            oldest = rows.order_by("created_at").values_list("created_at", flat=True)[0]
            raise errors.rate_limited(limit=limit, reset=int((oldest + DAY).timestamp()) + 1)


def _create(
    *,
    sender: SandboxUser,
    recipient: SandboxUser,
    data: MessageData,
    source_app_id: str,
    custom_profile: SandboxCustomProfile | None = None,
    extra: dict[str, Any] | None = None,
    initiated_via: dict[str, str] | None = None,
    media=None,  # noqa: ANN001
    counted: bool = False,
) -> SandboxDirectMessage:
    if media is not None:
        media_mark_used(media=media)
    dm = SandboxDirectMessage.objects.create(
        sender=sender,
        recipient=recipient,
        text=data.text,
        message_data={**data.stored, **(extra or {})},
        media=media,
        custom_profile=custom_profile,
        source_app_id=source_app_id,
        initiated_via=initiated_via,
        counted=counted,
    )
    dm_event_publish(dm=dm)
    return dm


def dm_send(*, sender: SandboxUser, event: Any) -> SandboxDirectMessage:
    """``POST direct_messages/events/new.json`` as the app (source_app_id = TWITTER_APP_ID)."""
    if not isinstance(event, dict) or event.get("type") != "message_create":
        raise errors.dm_refused('event.type must be "message_create".')
    message_create = event.get("message_create")
    if not isinstance(message_create, dict):
        raise errors.dm_refused("event.message_create is required.")
    target = message_create.get("target")
    recipient_id = str(target.get("recipient_id", "")) if isinstance(target, dict) else ""
    if not (recipient_id.isascii() and recipient_id.isdigit()):
        raise errors.dm_refused("event.message_create.target.recipient_id is required.")
    data = message_data_parse(message_create.get("message_data"), text_limit=DM_TEXT_LIMIT)
    # An unknown recipient, digits beyond any id included: twitter-api.md documents 349 for
    # "cannot send to this user".
    recipient = _USER.first_object(user_id=int(recipient_id)) if is_ascii_digits(recipient_id) else None
    if recipient is None:
        raise errors.TwitterError(403, 349, "You cannot send messages to this user.")
    custom_profile = None
    profile_id = message_create.get("custom_profile_id")
    if profile_id is not None:
        custom_profile = SandboxCustomProfile.objects.filter(
            pk=int(profile_id) if is_ascii_digits(profile_id) else 0, owner=sender, deleted_at__isnull=True
        ).first()
        if custom_profile is None:
            raise errors.dm_refused(f"custom profile {profile_id} does not exist or is not yours.")
    media = media_usable_check(media_id=data.media_id, user=sender) if data.media_id else None
    _check_recipient(sender=sender, recipient=recipient)
    with transaction.atomic():
        _LOCK_SENDER.rows(user_id=sender.pk)  # one send at a time per sender
        now = timezone.now()
        counted = _counts_toward_limit(sender=sender, recipient=recipient, now=now)
        if counted:
            _check_rate_limit(sender=sender, now=now)
        return _create(
            sender=sender,
            recipient=recipient,
            data=data,
            source_app_id=settings.TWITTER_APP_ID,
            custom_profile=custom_profile,
            media=media,
            counted=counted,
        )


def customer_send_dm(
    *,
    sender: SandboxUser,
    recipient: SandboxUser,
    text: str,
    quick_reply_metadata: str | None = None,
    image: UploadedFile | bytes | None = None,
    welcome_message_id: int | str | None = None,
) -> SandboxDirectMessage:
    """A person sends a DM from the Twitter web app (the customer's page): source_app_id
    3033300, a tapped quick reply's metadata, an image, the welcome message it answers."""
    if not text.strip() and image is None:
        raise errors.dm_refused("write a message or attach an image.")
    data = message_data_parse({"text": text}, text_limit=DM_TEXT_LIMIT, attached=image is not None)
    _check_recipient(sender=sender, recipient=recipient)
    extra = {}
    if quick_reply_metadata is not None:
        extra["quick_reply_response"] = {"type": "options", "metadata": quick_reply_metadata}
    initiated_via = None
    if welcome_message_id:
        welcome = SandboxWelcomeMessage.objects.filter(pk=int(welcome_message_id), owner=recipient).first()
        if welcome is not None:
            initiated_via = {"welcome_message_id": str(welcome.id)}
    with transaction.atomic():
        media = None
        if image is not None:
            raw = image if isinstance(image, bytes) else image.read()
            media = media_upload_simple(owner=sender, data=raw, media_category="dm_image")
        dm = _create(
            sender=sender,
            recipient=recipient,
            data=data,
            source_app_id=TWITTER_WEB_APP_ID,
            extra=extra,
            initiated_via=initiated_via,
            media=media,
        )
        SandboxThreadState.objects.filter(user=sender, other=recipient).update(welcome_message=None)
    return dm


def _state(user: SandboxUser, other: SandboxUser) -> SandboxThreadState:
    state, _ = SandboxThreadState.objects.get_or_create(user=user, other=other)
    return state


def user_typing(*, sender: SandboxUser, recipient: SandboxUser) -> None:
    """``sender`` is typing to ``recipient`` (shows for about 3 s, §6.5)."""
    with transaction.atomic():
        state = _state(sender, recipient)
        state.typing_until = timezone.now() + timedelta(seconds=float(sandbox_setting("SANDBOX_TYPING_SECONDS")))
        state.save(update_fields=["typing_until"])
        typing_event_publish(sender=sender, recipient=recipient)


def user_mark_read(*, reader: SandboxUser, other: SandboxUser, last_read_event_id: int | None = None) -> int | None:
    """``reader`` has read the conversation with ``other`` up to ``last_read_event_id`` (the
    newest message from ``other`` when not given). Returns the id marked, or None."""
    with transaction.atomic():
        if last_read_event_id is None:
            last_read_event_id = (
                SandboxDirectMessage.objects.filter(sender=other, recipient=reader).values_list("id", flat=True).first()
            )
            if last_read_event_id is None:
                return None
        state = _state(reader, other)
        if state.last_read_event_id is not None and state.last_read_event_id >= last_read_event_id:
            return None
        state.last_read_event_id = last_read_event_id
        state.save(update_fields=["last_read_event_id"])
        read_event_publish(reader=reader, other=other, last_read_event_id=last_read_event_id)
    return last_read_event_id


def dm_visible_to(user: SandboxUser):  # noqa: ANN201 - a QuerySet
    """The DMs ``user`` can list: theirs, last 30 days, not deleted from their view (§6.2, §6.4)."""
    return SandboxDirectMessage.objects.filter(
        Q(sender=user, hidden_for_sender=False) | Q(recipient=user, hidden_for_recipient=False),
        created_at__gte=timezone.now() - timedelta(days=30),
    ).select_related("sender", "recipient", "media")


def dm_get(*, user: SandboxUser, event_id: str) -> SandboxDirectMessage:
    dm = dm_visible_to(user).filter(pk=int(event_id)).first() if is_ascii_digits(event_id) else None
    if dm is None:
        raise errors.page_not_found()
    return dm


def dm_destroy(*, user: SandboxUser, event_id: str) -> None:
    """Deletes only from ``user``'s view; the other side keeps it (§6.4)."""
    dm = dm_get(user=user, event_id=event_id)
    fields = []
    if dm.sender_id == user.pk:
        dm.hidden_for_sender = True
        fields.append("hidden_for_sender")
    if dm.recipient_id == user.pk:
        dm.hidden_for_recipient = True
        fields.append("hidden_for_recipient")
    dm.save(update_fields=fields)


def dm_send_v2(*, sender: SandboxUser, participant_id: str, body: Any) -> SandboxDirectMessage:
    """``POST /2/dm_conversations/with/:participant_id/messages``: text and at most one
    attachment (twitter-api.md §12.3). Sent through the v1.1 path, so limits, the echo on the
    webhook and the customer's page are the same on both wires."""
    if not is_ascii_digits(participant_id):
        raise errors.invalid_parameter("participant_id", "It must be a user id.")
    if not isinstance(body, dict):
        raise errors.invalid_parameter("body", "It must be a JSON object.")
    extra = sorted(set(body) - {"text", "attachments"})
    if extra:
        raise errors.invalid_parameter(extra[0], "v2 Direct Messages carry only text and attachments.")
    text, attachments = body.get("text"), body.get("attachments") or []
    if text is not None and not isinstance(text, str):
        raise errors.invalid_parameter("text", "It must be a string.")
    if not isinstance(attachments, list) or len(attachments) > 1:
        raise errors.invalid_parameter("attachments", "At most one attachment.")
    media_ids = [str(item.get("media_id", "")) if isinstance(item, dict) else "" for item in attachments]
    if not all(is_ascii_digits(media_id) for media_id in media_ids):
        raise errors.invalid_parameter("attachments", 'Each one is {"media_id": "<id>"}.')
    if not ((text or "").strip() or media_ids):
        raise errors.invalid_parameter("text", "Give text, an attachment, or both.")
    message_data: dict[str, Any] = {"text": text or ""}
    if media_ids:
        message_data["attachment"] = {"type": "media", "media": {"id": media_ids[0]}}
    target = {"recipient_id": participant_id}
    event = {"type": "message_create", "message_create": {"target": target, "message_data": message_data}}
    return dm_send(sender=sender, event=event)
