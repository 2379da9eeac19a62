"""Media upload (twitter-api.md §9): simple and chunked, with DM rules (category, shared,
24 h, once, uploader only) and size limits. Files go to the private ``default_storage``."""

from __future__ import annotations

import struct
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.conf import sandbox_setting
from sandbox.models import SandboxMedia, SandboxUser

MB = 1024 * 1024
IMAGE_LIMIT = 5 * MB
GIF_LIMIT = 15 * MB
VIDEO_LIMIT = 512 * MB
CHUNK_LIMIT = 5 * MB
EXPIRES_AFTER_SECS = 86400
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
CATEGORIES = {"dm_image", "dm_gif", "dm_video", "tweet_image", "tweet_gif", "tweet_video", "amplify_video"}
DM_CATEGORIES = {"dm_image", "dm_gif", "dm_video"}


def sniff_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    return None


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG (0, 0 when unknown); enough for ``sizes``."""
    try:
        if data.startswith(b"\x89PNG"):
            return struct.unpack(">II", data[16:24])
        if data[:3] == b"GIF":
            return struct.unpack("<HH", data[6:10])
        if data.startswith(b"\xff\xd8"):
            index = 2
            while index < len(data) - 9:
                if data[index] != 0xFF:
                    index += 1
                    continue
                marker = data[index + 1]
                length = struct.unpack(">H", data[index + 2 : index + 4])[0]
                if marker in (0xC0, 0xC1, 0xC2):
                    height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                    return width, height
                index += 2 + length
    except struct.error:
        pass
    return 0, 0


def size_limit(*, media_type: str, media_category: str) -> int:
    if media_type.startswith("video/"):
        return VIDEO_LIMIT
    if media_type == "image/gif" and media_category in {"dm_gif", "tweet_gif"}:
        return GIF_LIMIT
    return IMAGE_LIMIT


def _check_kind(*, media_type: str, media_category: str, total_bytes: int) -> None:
    if media_category and media_category not in CATEGORIES:
        raise errors.invalid_parameter("media_category", f"Use one of: {', '.join(sorted(CATEGORIES))}.")
    if media_type not in IMAGE_TYPES and not media_type.startswith("video/"):
        raise errors.media_invalid("Media type unrecognized.")
    expected = {"dm_video": "video/", "tweet_video": "video/", "amplify_video": "video/", "dm_gif": "image/gif"}
    wanted = expected.get(media_category)
    if (
        wanted
        and not media_type.startswith(wanted)
        or media_type.startswith("video/")
        and media_category
        in {
            "dm_image",
            "tweet_image",
            "dm_gif",
            "tweet_gif",
        }
    ):
        raise errors.media_invalid(f"media_category {media_category} does not match media_type {media_type}.")
    limit = size_limit(media_type=media_type, media_category=media_category)
    if total_bytes > limit:
        raise errors.media_invalid(f"File size exceeds {limit} bytes.")
    if total_bytes <= 0:
        raise errors.invalid_parameter("total_bytes", "It must be a positive number of bytes.")


def _needs_processing(media: SandboxMedia) -> bool:
    return media.media_type.startswith("video/") or media.media_category in {"dm_gif", "tweet_gif"}


def media_upload_simple(
    *, owner: SandboxUser, data: bytes, media_category: str = "", shared: bool = False, additional_owners=()
) -> SandboxMedia:
    media_type = sniff_type(data[:16])
    if media_type is None or media_type not in IMAGE_TYPES:
        # Simple upload takes images only (§9.1); video goes through INIT/APPEND/FINALIZE.
        raise errors.media_invalid("Media type unrecognized.")
    _check_kind(media_type=media_type, media_category=media_category, total_bytes=len(data))
    width, height = image_size(data)
    media = SandboxMedia(
        owner=owner,
        media_type=media_type,
        media_category=media_category,
        shared=shared,
        additional_owners=list(additional_owners),
        total_bytes=len(data),
        width=width,
        height=height,
        expires_at=timezone.now() + timedelta(seconds=EXPIRES_AFTER_SECS),
    )
    media.file.save(f"{media.id}.{media.extension}", ContentFile(data), save=False)
    media.save()
    return media


def media_init(
    *,
    owner: SandboxUser,
    total_bytes: int,
    media_type: str,
    media_category: str = "",
    shared: bool = False,
    additional_owners=(),
) -> SandboxMedia:
    _check_kind(media_type=media_type, media_category=media_category, total_bytes=total_bytes)
    return SandboxMedia.objects.create(
        owner=owner,
        media_type=media_type,
        media_category=media_category,
        shared=shared,
        additional_owners=list(additional_owners),
        total_bytes=total_bytes,
        state=SandboxMedia.State.UPLOADING,
        expires_at=timezone.now() + timedelta(seconds=EXPIRES_AFTER_SECS),
    )


def media_for_upload(*, owner: SandboxUser, media_id: str) -> SandboxMedia:
    media = SandboxMedia.objects.filter(pk=int(media_id), owner=owner).first() if is_ascii_digits(media_id) else None
    if media is None:
        raise errors.media_not_found()
    return media


def _chunk_name(media: SandboxMedia, index: int) -> str:
    return f"sandbox/chunks/{media.id}/{index:04d}"


def media_append(*, media: SandboxMedia, segment_index: int, data: bytes) -> None:
    if media.state != SandboxMedia.State.UPLOADING:
        raise errors.media_invalid("This media was already finalized.")
    if not 0 <= segment_index <= 999:
        raise errors.invalid_parameter("segment_index", "It must be between 0 and 999.")
    if len(data) > CHUNK_LIMIT:
        raise errors.media_invalid(f"Segment size exceeds {CHUNK_LIMIT} bytes.")
    name = _chunk_name(media, segment_index)
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(data))


def media_finalize(*, media: SandboxMedia) -> SandboxMedia:
    if media.state != SandboxMedia.State.UPLOADING:
        raise errors.media_invalid("This media was already finalized.")
    folder = f"sandbox/chunks/{media.id}"
    names = sorted(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else []
    data = b"".join(default_storage.open(f"{folder}/{name}").read() for name in names)
    if len(data) != media.total_bytes:
        raise errors.media_invalid("Segments do not add up to provided total file size.")
    sniffed = sniff_type(data[:16])
    if sniffed is None or sniffed.split("/")[0] != media.media_type.split("/")[0]:
        raise errors.media_invalid(f"The uploaded bytes are not {media.media_type}.")
    media.width, media.height = image_size(data)
    media.file.save(f"{media.id}.{media.extension}", ContentFile(data), save=False)
    for name in names:
        default_storage.delete(f"{folder}/{name}")
    if _needs_processing(media):
        media.state = SandboxMedia.State.PROCESSING
        media.processing_ready_at = timezone.now() + timedelta(
            seconds=float(sandbox_setting("SANDBOX_MEDIA_PROCESSING_SECONDS"))
        )
    else:
        media.state = SandboxMedia.State.READY
    media.save()
    return media


def media_processing_info(media: SandboxMedia) -> dict | None:
    """``processing_info`` for FINALIZE/STATUS; None for media that needed no processing."""
    if media.processing_ready_at is None:
        return None
    remaining = (media.processing_ready_at - timezone.now()).total_seconds()
    if remaining <= 0:
        if media.state != SandboxMedia.State.READY:
            SandboxMedia.objects.filter(pk=media.pk).update(state=SandboxMedia.State.READY)
            media.state = SandboxMedia.State.READY
        return {"state": "succeeded", "progress_percent": 100}
    total = float(sandbox_setting("SANDBOX_MEDIA_PROCESSING_SECONDS")) or 1
    progress = max(0, min(99, int(100 * (1 - remaining / total))))
    state = "pending" if progress == 0 else "in_progress"
    return {"state": state, "check_after_secs": max(1, int(remaining + 0.999)), "progress_percent": progress}


def media_usable_check(*, media_id: str, user: SandboxUser, for_welcome: bool = False) -> SandboxMedia:
    """The media a DM or welcome message may attach (§6.1, §7, §9 DM rules)."""
    media = SandboxMedia.objects.filter(pk=int(media_id)).first() if is_ascii_digits(media_id) else None
    if media is None or (media.owner_id != user.pk and user.id_str not in media.additional_owners):
        raise errors.media_not_found()
    if media.media_category not in DM_CATEGORIES:
        raise errors.media_invalid("Direct Message media needs media_category dm_image, dm_gif or dm_video.")
    if media.expires_at <= timezone.now():
        raise errors.media_invalid("This media expired: attach media within 24 hours of uploading it.")
    media_processing_info(media)
    if media.state != SandboxMedia.State.READY:
        raise errors.media_invalid("This media is still processing; check STATUS until it has succeeded.")
    if for_welcome and not media.shared:
        raise errors.media_invalid("Welcome message media must be uploaded with shared=true.")
    if not media.shared and media.used_at is not None:
        raise errors.media_invalid(
            "This media was already used in a Direct Message; upload it with shared=true to reuse it."
        )
    return media


def media_mark_used(*, media: SandboxMedia) -> None:
    # Conditional: two concurrent sends cannot both use a non-shared media id.
    with transaction.atomic():
        if media.shared:
            SandboxMedia.objects.filter(pk=media.pk, used_at__isnull=True).update(used_at=timezone.now())
            return
        if SandboxMedia.objects.filter(pk=media.pk, used_at__isnull=True).update(used_at=timezone.now()) != 1:
            raise errors.media_invalid(
                "This media was already used in a Direct Message; upload it with shared=true to reuse it."
            )
