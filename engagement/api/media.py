"""``/media``: files uploaded for a reply (used once by ``POST /conversations/{id}/messages``), and
every attachment's file to download."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Header, Router, Status
from ninja.files import UploadedFile

from engagement.api.auth import brand_of, user_of
from engagement.api.schemas import IDEMPOTENCY_KEY_MAX, MediaOut, error_responses
from engagement.models import Attachment
from engagement.selectors import attachment_get
from engagement.services.uploads_and_erasure import attachment_upload
from engagement.views.media import attachment_file_response

router = Router(tags=["media"])

# Uploads have no row to hold a key (replies do), so the key is remembered in the cache: a
# retried upload within a day answers with the first one instead of storing the file twice.
IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60


def _idempotency_cache_key(brand_pk: int, key: str) -> str:
    # The client chooses the key: hashed, any text makes a key every cache backend accepts.
    return f"api:media:{brand_pk}:{hashlib.sha256(key.encode()).hexdigest()}"


@router.post(
    "",
    response={201: MediaOut, **error_responses(400)},
    summary="Upload media for a reply",
)
def media_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        description="Sending the same key again within a day answers with the first upload.",
    ),
) -> Status[dict[str, Any]]:
    """A JPEG, PNG, WEBP or GIF image, or an MP4 video, within Twitter's limits for Direct
    Messages. Answers ``media_id`` for one reply."""
    brand = brand_of(request)
    key = (idempotency_key or "").strip()
    if key:
        earlier = _earlier_upload(brand_pk=brand.pk, key=key, brand=brand)
        if earlier is not None:
            return Status(201, _media_json(earlier))
    attachment = attachment_upload(brand=brand, user=user_of(request), upload=file)
    if key and not cache.add(_idempotency_cache_key(brand.pk, key), str(attachment.public_id), IDEMPOTENCY_TTL_SECONDS):
        # The same key raced us: answer as the first did (this upload stays unused).
        earlier = _earlier_upload(brand_pk=brand.pk, key=key, brand=brand)
        attachment = earlier or attachment
    return Status(201, _media_json(attachment))


@router.get(
    "/{media_id}",
    response={200: None, **error_responses(404)},
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, with its content type.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def media_download(request: HttpRequest, media_id: str) -> HttpResponse:
    """A message's attachment (an ``attachments[].url``), or an upload. 404 until it is stored."""
    return attachment_file_response(attachment_get(brand=brand_of(request), attachment_id=media_id))


def _earlier_upload(*, brand_pk: int, key: str, brand: Any) -> Attachment | None:
    attachment_id = cache.get(_idempotency_cache_key(brand_pk, key))
    if attachment_id is None:
        return None
    try:
        return attachment_get(brand=brand, attachment_id=attachment_id)
    except Http404:
        return None


def _media_json(attachment: Attachment) -> dict[str, Any]:
    return {
        "media_id": attachment.public_id,
        "kind": attachment.kind,
        "content_type": attachment.content_type,
        "size": attachment.size or 0,
    }
