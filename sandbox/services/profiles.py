"""Custom profiles (twitter-api.md §8)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.models import SandboxCustomProfile, SandboxMedia, SandboxUser
from sandbox.services.media import IMAGE_TYPES, media_processing_info

NAME_LIMIT = 48


def custom_profile_create(*, owner: SandboxUser, body: Any) -> SandboxCustomProfile:
    profile = body.get("custom_profile") if isinstance(body, dict) else None
    if not isinstance(profile, dict):
        raise errors.missing_parameter("custom_profile")
    name = profile.get("name")
    if not isinstance(name, str) or not name.strip():
        raise errors.missing_parameter("custom_profile.name")
    if len(name) > NAME_LIMIT:
        raise errors.invalid_parameter("custom_profile.name", f"It must be at most {NAME_LIMIT} characters.")
    avatar = profile.get("avatar")
    media = avatar.get("media") if isinstance(avatar, dict) else None
    media_id = str(media.get("id", "")) if isinstance(media, dict) else ""
    if not media_id:
        raise errors.missing_parameter("custom_profile.avatar.media.id")
    found = SandboxMedia.objects.filter(pk=int(media_id) if is_ascii_digits(media_id) else 0).first()
    if found is None or (found.owner_id != owner.pk and owner.id_str not in found.additional_owners):
        raise errors.media_not_found()
    media_processing_info(found)
    if found.media_type not in IMAGE_TYPES or found.state != SandboxMedia.State.READY:
        raise errors.media_invalid("A custom profile avatar must be an uploaded image.")
    if found.expires_at <= timezone.now():
        raise errors.media_invalid("This media expired: use media within 24 hours of uploading it.")
    return SandboxCustomProfile.objects.create(owner=owner, name=name, avatar=found)


def custom_profile_get(*, owner: SandboxUser, profile_id: str) -> SandboxCustomProfile:
    profile = (
        SandboxCustomProfile.objects.filter(pk=int(profile_id), owner=owner, deleted_at__isnull=True).first()
        if is_ascii_digits(profile_id)
        else None
    )
    if profile is None:
        raise errors.page_not_found()
    return profile


def custom_profile_destroy(*, owner: SandboxUser, profile_id: str) -> None:
    """A repeated destroy of a valid id is a 204 too (§8)."""
    profile = (
        SandboxCustomProfile.objects.filter(pk=int(profile_id), owner=owner).first()
        if is_ascii_digits(profile_id)
        else None
    )
    if profile is None:
        raise errors.page_not_found()
    if profile.deleted_at is None:
        profile.deleted_at = timezone.now()
        profile.save(update_fields=["deleted_at"])
