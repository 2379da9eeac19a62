"""v2 media upload: ``POST /2/media/upload`` with the v1.1 commands, on the API host
(twitter-api.md §12.5), answering ``{"data": {"id", "media_key", ...}}``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from sandbox.api.base import Caller, Spec
from sandbox.api.media import status_media, upload_command
from sandbox.api.v2.base import ok_data, route_v2
from sandbox.models import SandboxMedia
from sandbox.services import media as service
from sandbox.wire_v2 import media_key


def _media_json(media: SandboxMedia, *, processing: bool) -> dict:
    body: dict = {
        "id": str(media.id),
        "media_key": media_key(media),
        "size": media.total_bytes,
        "expires_after_secs": service.EXPIRES_AFTER_SECS,
    }
    info = service.media_processing_info(media)
    if processing and info:
        body["processing_info"] = info
    return body


def _upload(request: HttpRequest, caller: Caller) -> HttpResponse:
    command, media = upload_command(request, caller)
    if command == "APPEND":
        return HttpResponse(status=204)
    return ok_data(_media_json(media, processing=command == "FINALIZE"), status=201 if command == "FINALIZE" else 200)


def _status(request: HttpRequest, caller: Caller) -> HttpResponse:
    media = status_media(request, caller)
    body = _media_json(media, processing=True)
    body.setdefault("processing_info", {"state": "succeeded", "progress_percent": 100})
    return ok_data(body)


upload = route_v2("2/media/upload", twin="media/upload", POST=Spec(_upload, write=True), GET=Spec(_status, write=True))
