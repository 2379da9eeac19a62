"""What the sync task does for a custom profile: create it on Twitter (anew after an edit, and
destroy the old one), or destroy it. Writes are conditional on the row being as the task read
it, like ``welcome_sync``; a profile created for content the row no longer has is destroyed."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from config.logging import log_context
from engagement.models import CustomProfile, SyncState
from engagement.services.custom_profiles import AVATAR_CATEGORY
from engagement.services.twitter_sync import (
    SyncImpossible,
    failure_reason,
    file_delete_on_commit,
    image_upload_shared,
    rate_limited_note,
    retrying_note,
    sync_credentials,
)
from engagement.services.welcome import DELETE_FAILED_PREFIX
from integrations.twitter import (
    NotFound,
    RateLimited,
    Retryable,
    TwitterClient,
    TwitterError,
    UserCredentials,
    twitter_client,
    wire_capabilities,
)
from integrations.twitter.explain import explain

logger = logging.getLogger(__name__)

ROUNDS = 3


def custom_profile_sync(*, custom_profile_id: int, attempt: int = 0, final_attempt: bool = True) -> None:
    """Raises ``Retryable`` for a passing failure unless ``final_attempt`` (the task retries)."""
    if not wire_capabilities().custom_profiles:
        return  # this wire sends a profile as a signature line: there is nothing on Twitter to sync
    for _ in range(ROUNDS):
        profile = CustomProfile.objects.select_related("account", "brand").filter(pk=custom_profile_id).first()
        if profile is None or profile.sync_state not in (SyncState.PENDING, SyncState.DELETING):
            return
        with log_context(brand=profile.brand.slug, account=profile.account.screen_name):
            work = _destroy if profile.sync_state == SyncState.DELETING else _push
            if work(profile, attempt=attempt, final_attempt=final_attempt):
                return


def _push(profile: CustomProfile, *, attempt: int, final_attempt: bool) -> bool:
    version, old_id = profile.updated_at, profile.twitter_id
    client = twitter_client()
    try:
        credentials = sync_credentials(profile.account)
        # Always a fresh upload: a media id is usable only for a while (§9), and a profile is
        # created rarely (only when made or edited).
        if profile.avatar:
            media_id = image_upload_shared(client, credentials, profile.avatar, category=AVATAR_CATEGORY)
        elif profile.avatar_media_id:
            media_id = profile.avatar_media_id
        else:
            raise SyncImpossible("Upload an avatar: Twitter needs one for every custom profile.")
        created = client.custom_profile_create(credentials, name=profile.name, avatar_media_id=media_id)
    except RateLimited as error:
        return _wait(profile, error)
    except Retryable as error:
        if not final_attempt:
            _rows(profile).update(sync_error=retrying_note(error, attempt=attempt))
            raise
        return _fail(profile, version, failure_reason(error, account=profile.account))
    except (TwitterError, SyncImpossible) as error:
        return _fail(profile, version, failure_reason(error, account=profile.account))

    as_read = _as_read(profile.pk, old_id).filter(updated_at=version).exclude(sync_state=SyncState.DELETING)
    recorded = as_read.update(
        twitter_id=created.id,
        avatar_media_id=media_id,
        avatar_url=created.avatar_url,
        sync_state=SyncState.SYNCED,
        sync_error="",
        synced_at=timezone.now(),
    )
    if not recorded:
        # Edited, deleted or synced by another worker meanwhile: this copy is not the one wanted.
        _destroy_quietly(client, credentials, created.id)
        return False
    logger.info("custom profile %s synced as %s", profile.public_id, created.id)
    if old_id:
        # Replies already sent under the old profile keep showing it on Twitter.
        try:
            client.custom_profile_destroy(credentials, old_id)
        except NotFound:
            pass
        except TwitterError as error:
            note = f"Synced, but the previous profile ({old_id}) is still on Twitter: {explain(error)}"
            _rows(profile).filter(twitter_id=created.id).update(sync_error=note)
            logger.warning("previous custom profile %s not destroyed: %s", old_id, error)
    return True


def _destroy(profile: CustomProfile, *, attempt: int, final_attempt: bool) -> bool:
    known_id = profile.twitter_id
    if known_id:
        try:
            twitter_client().custom_profile_destroy(sync_credentials(profile.account), known_id)
        except NotFound:
            pass  # already gone on Twitter: that is what was asked
        except RateLimited as error:
            return _wait(profile, error)
        except Retryable as error:
            if not final_attempt:
                _rows(profile).update(sync_error=retrying_note(error, attempt=attempt))
                raise
            return _fail_delete(profile, error)
        except (TwitterError, SyncImpossible) as error:
            return _fail_delete(profile, error)
    with transaction.atomic():
        deleted, _ = _as_read(profile.pk, known_id).filter(sync_state=SyncState.DELETING).delete()
        if deleted:
            file_delete_on_commit(profile.avatar.name)
            logger.info("custom profile %s deleted", profile.public_id)
    return bool(deleted)


def _destroy_quietly(client: TwitterClient, credentials: UserCredentials, twitter_id: str) -> None:
    try:
        client.custom_profile_destroy(credentials, twitter_id)
    except TwitterError as error:
        logger.warning("could not destroy orphan custom profile %s: %s", twitter_id, error)


def _rows(profile: CustomProfile) -> QuerySet[CustomProfile]:
    return CustomProfile.objects.filter(pk=profile.pk)


def _wait(profile: CustomProfile, error: RateLimited) -> bool:
    """Done for now: the row stays pending (or deleting) and the sweep rings for it again."""
    _rows(profile).update(sync_error=rate_limited_note(error))
    logger.info("custom profile sync waits for Twitter's rate limit (reset %s)", error.reset_at)
    return True


def _as_read(pk: int, twitter_id: str | None) -> QuerySet[CustomProfile]:
    rows = CustomProfile.objects.filter(pk=pk)
    return rows.filter(twitter_id=twitter_id) if twitter_id else rows.filter(twitter_id__isnull=True)


def _fail(profile: CustomProfile, version: object, reason: str) -> bool:
    failed = _rows(profile).filter(updated_at=version, sync_state=SyncState.PENDING)
    if failed.update(sync_state=SyncState.FAILED, sync_error=reason):
        logger.warning("custom profile %s not synced: %s", profile.public_id, reason)
        return True
    return False  # it changed meanwhile: the failure may no longer apply


def _fail_delete(profile: CustomProfile, error: Exception) -> bool:
    reason = DELETE_FAILED_PREFIX + failure_reason(error, account=profile.account)
    if _rows(profile).filter(sync_state=SyncState.DELETING).update(sync_state=SyncState.FAILED, sync_error=reason):
        logger.warning("custom profile %s not deleted on Twitter: %s", profile.public_id, reason)
        return True
    return False
