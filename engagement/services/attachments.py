"""Customers' media: downloaded with a signed request into private storage."""

from __future__ import annotations

import logging
import mimetypes
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from config.logging import log_context
from engagement.models import Attachment
from integrations.twitter import Retryable, TwitterError, twitter_client
from integrations.twitter.explain import explain

logger = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_BYTES = {Attachment.Kind.PHOTO: 5 * MB, Attachment.Kind.ANIMATED_GIF: 15 * MB, Attachment.Kind.VIDEO: 512 * MB}
# Twitter keeps DM media around; a download that keeps failing for a day is given up, visibly.
GIVE_UP_AFTER = timedelta(days=1)
RETRY_AFTER = timedelta(minutes=2)
ALLOWED_CONTENT_TYPES = ("image/", "video/")


def attachment_download(*, attachment_id: int) -> Attachment | None:
    """Fetch a pending inbound attachment as the account and store it. A passing failure
    leaves it pending (a sweep tries again); a permanent one marks it failed with the reason."""
    from accounts.services import twitter_account_credentials

    now = timezone.now()
    claimed = (
        Attachment.objects.filter(pk=attachment_id, state=Attachment.State.PENDING, message__isnull=False)
        .filter(Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=now - RETRY_AFTER))
        .update(last_attempt_at=now)
    )
    if claimed != 1:
        return None  # stored, failed, or another worker is fetching it right now
    attachment = Attachment.objects.select_related("message__account__brand").get(pk=attachment_id)
    account = attachment.message.account
    try:
        media = twitter_client().media_download(
            twitter_account_credentials(account), attachment.source_url, max_bytes=MAX_BYTES[attachment.kind]
        )
    except Retryable as error:
        if timezone.now() - attachment.created_at > GIVE_UP_AFTER:
            return _fail(attachment, explain(error))
        attachment.error = explain(error)
        attachment.save(update_fields=["error"])
        raise  # stays pending; the sweep tries again after RETRY_AFTER
    except TwitterError as error:
        return _fail(attachment, explain(error))
    content_type = (media.content_type.split(";")[0].strip() or attachment.content_type).lower()
    if not content_type.startswith(ALLOWED_CONTENT_TYPES):
        return _fail(attachment, f"Twitter served {content_type or 'an unknown type'}, not an image or video")
    extension = mimetypes.guess_extension(content_type) or ""
    name = f"{attachment.message.external_id or attachment.public_id}{extension}"
    attachment.file.save(name, ContentFile(media.content), save=False)
    attachment.filename = name
    attachment.size = len(media.content)
    attachment.content_type = content_type
    attachment.state = Attachment.State.STORED
    attachment.error = ""
    attachment.save()
    with log_context(message=str(attachment.message.public_id)):
        logger.info("attachment stored (%d bytes)", attachment.size)
    return attachment


def _fail(attachment: Attachment, reason: str) -> Attachment:
    attachment.state = Attachment.State.FAILED
    attachment.error = reason
    attachment.save(update_fields=["state", "error"])
    with log_context(message=str(attachment.message.public_id)):
        logger.warning("attachment download failed: %s", reason)
    return attachment


def attachments_pending_ids(*, limit: int = 200) -> list[int]:
    """Downloads whose task was lost or whose last attempt failed a while ago."""
    cutoff = timezone.now() - RETRY_AFTER
    pending = Attachment.objects.filter(state=Attachment.State.PENDING, message__isnull=False).filter(
        Q(last_attempt_at__lte=cutoff) | Q(last_attempt_at__isnull=True, created_at__lte=cutoff)
    )
    return list(pending.order_by("created_at").values_list("pk", flat=True)[:limit])
