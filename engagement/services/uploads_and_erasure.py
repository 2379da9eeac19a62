"""Media an agent attaches to a reply, and erasing a contact on request."""

from __future__ import annotations

import logging

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import Brand, User
from accounts.services import audit_record
from engagement.models import Attachment, Contact
from integrations.twitter import TwitterValidationError
from integrations.twitter.validation import media_category_for, validate_media

logger = logging.getLogger(__name__)

KINDS = {"dm_image": Attachment.Kind.PHOTO, "dm_gif": Attachment.Kind.ANIMATED_GIF, "dm_video": Attachment.Kind.VIDEO}
# What a file's first bytes say it is; the browser's claimed type is not trusted.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class UploadError(Exception):
    pass


def _sniff(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    return None


def attachment_upload(*, brand: Brand, user: User | None, upload: UploadedFile) -> Attachment:
    """Store an image, GIF or video for a reply (checked against Twitter's DM limits)."""
    head = upload.read(16)
    upload.seek(0)
    content_type = _sniff(head)
    if content_type is None:
        raise UploadError("only JPEG, PNG, GIF, WEBP images and MP4 videos can be sent")
    category = media_category_for(content_type)
    try:
        validate_media(size=upload.size or 0, media_type=content_type, category=category)
    except TwitterValidationError as error:
        raise UploadError(error.reason) from None
    attachment = Attachment(
        brand=brand,
        kind=KINDS[category],
        content_type=content_type,
        filename=(upload.name or "upload")[:255],
        size=upload.size,
        state=Attachment.State.STORED,
        uploaded_by=user,
    )
    attachment.file.save(upload.name or "upload", upload, save=False)
    attachment.save()
    return attachment


def contact_erase(*, brand: Brand, contact: Contact, by: User | None) -> int:
    """Erase a customer on request: every conversation, message, note and media file of theirs
    in the brand. The audit log keeps that it happened, not what was said."""
    files = list(
        Attachment.objects.filter(brand=brand, message__conversation__contact=contact)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    with transaction.atomic():
        conversations = contact.conversations.count()
        reference = str(contact.public_id)
        contact.delete()  # conversations, messages, notes and attachments go with it
        audit_record(
            brand=brand,
            actor=by,
            action="contact.erased",
            summary=f"erased a contact on request ({conversations} conversation(s))",
            data={"contact": reference},
        )
    from django.core.files.storage import default_storage

    def remove_files() -> None:
        for name in files:
            default_storage.delete(name)

    transaction.on_commit(remove_files)
    logger.info("contact erased with %d conversation(s) and %d file(s)", conversations, len(files))
    return conversations
