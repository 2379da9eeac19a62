"""The upload host (twitter-api.md §9) and the places media is served back: DM media only to
OAuth-signed participants (``ton``), avatars publicly (``pbs``)."""

from __future__ import annotations

import base64
import binascii
import mimetypes

from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.api.base import Caller, Spec, ok, param, route
from sandbox.models import SandboxCustomProfile, SandboxDirectMessage, SandboxMedia, SandboxUser, SandboxWelcomeMessage
from sandbox.services import media as service

EXPIRES = {"expires_after_secs": service.EXPIRES_AFTER_SECS}


def _bool(value: str | None) -> bool:
    return (value or "").lower() in {"true", "1"}


def _owners(request: HttpRequest) -> list[str]:
    owners = [value.strip() for value in (param(request, "additional_owners") or "").split(",") if value.strip()]
    if len(owners) > 100 or not all(is_ascii_digits(owner) for owner in owners):
        raise errors.invalid_parameter("additional_owners", "A comma-separated list of up to 100 user ids.")
    return owners


def _bytes(request: HttpRequest) -> bytes:
    upload = request.FILES.get("media")
    if upload is not None:
        return upload.read()
    encoded = param(request, "media_data") or request.POST.get("media")
    if not encoded:
        raise errors.missing_parameter("media")
    try:
        return base64.b64decode(encoded, validate=False)
    except (binascii.Error, ValueError):
        raise errors.invalid_parameter("media_data", "It must be base64.") from None


def _media_json(media: SandboxMedia) -> dict:
    body: dict = {"media_id": media.id, "media_id_string": str(media.id), "size": media.total_bytes, **EXPIRES}
    if media.media_type.startswith("image/"):
        body["image"] = {"image_type": media.media_type, "w": media.width, "h": media.height}
    else:
        body["video"] = {"video_type": media.media_type}
    return body


def upload_command(request: HttpRequest, caller: Caller) -> tuple[str, SandboxMedia]:
    """Run one upload call (simple, INIT, APPEND or FINALIZE) for either wire; returns the
    command ("" for a simple upload) and the media it concerns."""
    try:
        command = (param(request, "command") or "").upper()
    except RequestDataTooBig:
        raise errors.media_invalid("Request too large: send the bytes as the multipart field 'media'.") from None
    if command == "":
        media = service.media_upload_simple(
            owner=caller.user,
            data=_bytes(request),
            media_category=param(request, "media_category") or "",
            shared=_bool(param(request, "shared")),
            additional_owners=_owners(request),
        )
        return command, media
    if command == "INIT":
        total = param(request, "total_bytes", required=True)
        if not is_ascii_digits(total):
            raise errors.invalid_parameter("total_bytes", "It must be a number of bytes.")
        media = service.media_init(
            owner=caller.user,
            total_bytes=int(total),
            media_type=param(request, "media_type", required=True),
            media_category=param(request, "media_category") or "",
            shared=_bool(param(request, "shared")),
            additional_owners=_owners(request),
        )
        return command, media
    media = service.media_for_upload(owner=caller.user, media_id=param(request, "media_id", required=True))
    if command == "APPEND":
        index = param(request, "segment_index", required=True)
        if not is_ascii_digits(index):
            raise errors.invalid_parameter("segment_index", "It must be between 0 and 999.")
        service.media_append(media=media, segment_index=int(index), data=_bytes(request))
        return command, media
    if command == "FINALIZE":
        return command, service.media_finalize(media=media)
    raise errors.invalid_parameter("command", "Use INIT, APPEND, FINALIZE or STATUS.")


def status_media(request: HttpRequest, caller: Caller) -> SandboxMedia:
    if (param(request, "command") or "").upper() != "STATUS":
        raise errors.invalid_parameter("command", "GET takes command=STATUS.")
    return service.media_for_upload(owner=caller.user, media_id=param(request, "media_id", required=True))


def _upload(request: HttpRequest, caller: Caller) -> HttpResponse:
    command, media = upload_command(request, caller)
    if command == "INIT":
        return ok({"media_id": media.id, "media_id_string": str(media.id), **EXPIRES}, status=202)
    if command == "APPEND":
        return HttpResponse(status=204)
    body = _media_json(media)
    if command == "FINALIZE":
        info = service.media_processing_info(media)
        if info:
            body["processing_info"] = info
        return ok(body, status=201)
    return ok(body)


def _status(request: HttpRequest, caller: Caller) -> HttpResponse:
    media = status_media(request, caller)
    body = _media_json(media)
    body["processing_info"] = service.media_processing_info(media) or {"state": "succeeded", "progress_percent": 100}
    return ok(body)


upload = route("media/upload", POST=Spec(_upload, write=True), GET=Spec(_status, write=True))


def _file_response(media: SandboxMedia) -> FileResponse:
    if not media.file:
        raise Http404("no file")
    content_type = media.media_type or mimetypes.guess_type(media.file.name)[0] or "application/octet-stream"
    response = FileResponse(media.file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def _dm_media(request: HttpRequest, caller: Caller, event_id: str, media_id: str, name: str) -> HttpResponse:
    dm = SandboxDirectMessage.objects.filter(pk=int(event_id), media_id=int(media_id)).select_related("media").first()
    if dm is None or caller.user.pk not in (dm.sender_id, dm.recipient_id):
        raise errors.page_not_found()
    return _file_response(dm.media)


def _welcome_media(request: HttpRequest, caller: Caller, welcome_id: str, media_id: str, name: str) -> HttpResponse:
    # Welcome-message media is shared=true: anyone signed may fetch it (§9 DM rules).
    welcome = SandboxWelcomeMessage.objects.filter(pk=int(welcome_id), media_id=int(media_id)).first()
    if welcome is None:
        raise errors.page_not_found()
    return _file_response(welcome.media)


ton_dm = route("ton/dm", GET=Spec(_dm_media))
ton_welcome = route("ton/welcome", GET=Spec(_welcome_media))


@require_GET
def pbs_media(request: HttpRequest, media_id: str, extension: str) -> HttpResponse:
    """Custom-profile avatars are public, like pbs.twimg.com."""
    if not SandboxCustomProfile.objects.filter(avatar_id=int(media_id)).exists():
        raise Http404("not an avatar")
    response = _file_response(SandboxMedia.objects.get(pk=int(media_id)))
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def pbs_profile_image(request: HttpRequest, user_id: str, name: str) -> HttpResponse:
    user = SandboxUser.objects.filter(pk=int(user_id)).first()
    if user is None or not user.profile_image:
        raise Http404("no profile image")
    content_type = mimetypes.guess_type(user.profile_image.name)[0] or "application/octet-stream"
    return FileResponse(user.profile_image.open("rb"), content_type=content_type)
