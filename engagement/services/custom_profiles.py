"""Custom profiles as people change them (twitter-api.md §8): a name and avatar replies show.

Twitter has no update for custom profiles: a new name or avatar is created there anew and the
old profile destroyed (``engagement.services.custom_profiles_sync``, run by a Celery task after
commit). The row keeps its identity throughout, so members' default profiles and past replies
still point at it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import TwitterAccount, User
from accounts.services.brands import audit_record
from config.queue import enqueue_on_commit
from engagement.models import CustomProfile, SyncState
from engagement.services.twitter_sync import file_delete_on_commit, image_validate
from engagement.services.welcome import DELETE_FAILED_PREFIX, SWEEP_AFTER
from integrations.twitter import TwitterValidationError, wire_capabilities
from integrations.twitter.validation import validate_custom_profile_name

logger = logging.getLogger(__name__)

# Either one changed means a new profile on Twitter.
CONTENT_FIELDS = frozenset({"name", "avatar"})
AVATAR_CATEGORY = "dm_image"  # Twitter documents none for avatars; dm_image is the one that works (§8)


def custom_profiles_on_twitter() -> bool:
    """Whether profiles live on Twitter (v1.1). Without them (X API v2) a profile is only a
    name, sent as a signature line, so nothing syncs and no avatar is needed."""
    return wire_capabilities().custom_profiles


def custom_profile_validate(*, name: str) -> None:
    try:
        validate_custom_profile_name(name)
    except TwitterValidationError as error:
        raise ValidationError({"name": f"{error.reason[:1].upper()}{error.reason[1:]}."}) from None


def custom_profile_create(
    *, account: TwitterAccount, name: str, avatar: File, actor: User | None = None
) -> CustomProfile:
    profile = CustomProfile(account=account, brand_id=account.brand_id, name=name, avatar=avatar)
    return custom_profile_save(custom_profile=profile, actor=actor)


def custom_profile_save(
    *, custom_profile: CustomProfile, changed: Collection[str] | None = None, actor: User | None = None
) -> CustomProfile:
    """Save a new or edited custom profile; Twitter is brought in line after commit."""
    profile = custom_profile
    adding = profile.pk is None
    changed = set(CONTENT_FIELDS if changed is None else changed)
    if profile.sync_state == SyncState.DELETING and not adding:
        raise ValidationError(f"“{profile.name}” is being deleted; it can no longer be changed.")
    custom_profile_validate(name=profile.name)
    avatar_changed = adding or "avatar" in changed
    if avatar_changed and profile.avatar and not profile.avatar._committed:
        image_validate(profile.avatar, field="avatar", category=AVATAR_CATEGORY)
    needs_sync = adding or bool(changed & CONTENT_FIELDS) or profile.twitter_id is None
    if needs_sync and not profile.avatar and custom_profiles_on_twitter():
        raise ValidationError({"avatar": "Upload an avatar: Twitter needs one for every custom profile."})
    profile.brand_id = profile.account.brand_id
    with transaction.atomic():
        old_avatar = None
        if adding:
            profile.created_by = actor if actor is not None and actor.is_authenticated else None
        elif avatar_changed:
            old_avatar = CustomProfile.objects.filter(pk=profile.pk).values_list("avatar", flat=True).first()
            profile.avatar_media_id = ""
        if needs_sync:
            profile.sync_state = SyncState.PENDING
            profile.sync_error = ""
        if adding:
            profile.save()
        else:
            # Only what this edit changes: a worker may be recording twitter_id right now.
            fields = (changed & CONTENT_FIELDS) | {"updated_at"}
            fields |= {"avatar_media_id"} if avatar_changed else set()
            fields |= {"sync_state", "sync_error"} if needs_sync else set()
            profile.save(update_fields=fields)
        if old_avatar and old_avatar != profile.avatar.name:
            file_delete_on_commit(old_avatar)
        audit_record(
            brand=profile.brand,
            actor=actor,
            action="custom_profile.create" if adding else "custom_profile.update",
            target=profile,
            summary=f"Custom profile “{profile.name}” {'created' if adding else 'changed'} for @{profile.account.screen_name}",
        )
        if needs_sync:
            _ring(profile.pk)
    return profile


def custom_profile_delete(*, custom_profile: CustomProfile, actor: User | None = None) -> bool:
    """Delete it on Twitter, then here (members who had it as their default lose it). Returns
    True when the row is already gone (Twitter never had it); otherwise it shows as deleting."""
    profile = custom_profile
    with transaction.atomic():
        audit_record(
            brand=profile.brand,
            actor=actor,
            action="custom_profile.delete",
            target=profile,
            summary=f"Custom profile “{profile.name}” deleted from @{profile.account.screen_name}",
        )
        # Conditional: a create in flight may record its Twitter id at any moment. Without
        # custom profiles on the wire, Twitter's copy (if one was made on v1.1) cannot be
        # destroyed from here, so the row goes at once.
        rows = CustomProfile.objects.filter(pk=profile.pk)
        if custom_profiles_on_twitter():
            rows = rows.filter(twitter_id__isnull=True)
        gone, _ = rows.delete()
        if gone:
            file_delete_on_commit(profile.avatar.name)
            return True
        CustomProfile.objects.filter(pk=profile.pk).update(
            sync_state=SyncState.DELETING, sync_error="", updated_at=timezone.now()
        )
        _ring(profile.pk)
    profile.sync_state = SyncState.DELETING
    return False


def custom_profiles_sync_again(*, custom_profiles: Iterable[CustomProfile]) -> int:
    """Try failed (or stuck) syncs again; a failed delete is deleted again."""
    count = 0
    with transaction.atomic():
        for profile in custom_profiles:
            if profile.sync_state not in (SyncState.FAILED, SyncState.PENDING):
                continue
            retry_delete = profile.sync_error.startswith(DELETE_FAILED_PREFIX)
            state = SyncState.DELETING if retry_delete else SyncState.PENDING
            updated = CustomProfile.objects.filter(pk=profile.pk, sync_state=profile.sync_state).update(
                sync_state=state, updated_at=timezone.now()
            )
            if updated:
                _ring(profile.pk)
                count += 1
    return count


def custom_profiles_sync_sweep(*, limit: int = 200) -> int:
    """Ring again for profiles whose task was lost (published while the broker was down)."""
    if not custom_profiles_on_twitter():
        return 0
    waiting = Q(sync_state__in=[SyncState.PENDING, SyncState.DELETING])
    cutoff = timezone.now() - SWEEP_AFTER
    ids = list(CustomProfile.objects.filter(waiting, updated_at__lte=cutoff).values_list("pk", flat=True)[:limit])
    for pk in ids:
        _ring(pk)
    return len(ids)


def _ring(custom_profile_id: int) -> None:
    from engagement.tasks.sync import sync_custom_profile

    if not custom_profiles_on_twitter():
        return
    enqueue_on_commit(sync_custom_profile, custom_profile_id)
