"""What welcome messages and custom profiles share when they are synced to Twitter.

A row says what Twitter should have (``sync_state`` pending or deleting); a Celery task makes
it so and records the outcome in the row. A passing failure (5xx, a timeout) is raised to the
task, which tries again a few times with a short backoff; on the last attempt, or for anything
permanent, the row ends ``failed`` with a sentence a person can act on. A rate limit is neither:
the row stays waiting, says until when, and the periodic sweep rings for it again.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

from accounts.models import TwitterAccount
from integrations.twitter import (
    AuthenticationFailed,
    RateLimited,
    TwitterClient,
    TwitterError,
    TwitterValidationError,
    UserCredentials,
)
from integrations.twitter.explain import explain
from integrations.twitter.validation import media_category_for, validate_media

logger = logging.getLogger(__name__)

# Settings people change on twitter.com when Twitter refuses a welcome message with 214.
ALLOW_DMS_HINT = (
    "Twitter only shows welcome messages of accounts that accept Direct Messages from anyone: "
    "turn on 'Allow message requests from everyone' in @{screen_name}'s Direct Message settings on "
    "Twitter, then use 'Sync again'."
)


def rate_limited_note(error: RateLimited) -> str:
    """Stored in ``sync_error`` of a row left waiting: the sweep tries it again later."""
    if error.reset_at is None:  # Twitter did not say when
        return "Twitter's rate limit for this is used up; it will sync again on its own once it resets."
    return f"Twitter's rate limit for this is used up until {error.reset_at:%H:%M} UTC; it will sync again after that on its own."


class SyncImpossible(Exception):
    """Known before calling Twitter that the call cannot work (e.g. the account lost its token)."""


def sync_credentials(account: TwitterAccount) -> UserCredentials:
    """The account's token, or a reason a person can act on when there is none to use."""
    from accounts.services.twitter_accounts import twitter_account_credentials

    if account.state == TwitterAccount.State.DISCONNECTED:
        raise SyncImpossible(f"@{account.screen_name} is disconnected: connect it again to change it on Twitter.")
    if account.state == TwitterAccount.State.NEEDS_REAUTH or not account.has_tokens:
        raise SyncImpossible(
            f"@{account.screen_name} must be connected again (sign in with Twitter as @{account.screen_name}), "
            "then use 'Sync again'."
        )
    return twitter_account_credentials(account)


def failure_reason(error: Exception, *, account: TwitterAccount) -> str:
    """The sentence stored in ``sync_error``. A token Twitter no longer accepts also puts the
    account in *needs re-authorisation*, so people are told where it matters most."""
    if isinstance(error, SyncImpossible):
        return str(error)
    if not isinstance(error, TwitterError):
        return f"Could not sync: {error}"
    if error.code == 214:
        # explain() can only say "see its message" for 214 (it means two things, §11.2); here
        # it means one thing, and the fix is a setting on Twitter.
        return f"Twitter refused: {error.message} (code 214). {ALLOW_DMS_HINT.format(screen_name=account.screen_name)}"
    reason = explain(error)
    if isinstance(error, AuthenticationFailed) and error.token_rejected:
        from accounts.services.twitter_accounts import twitter_account_mark_needs_reauth

        twitter_account_mark_needs_reauth(account=account, reason=explain(error), wipe_tokens=False)
    return reason


def retrying_note(error: TwitterError, *, attempt: int) -> str:
    return f"{explain(error)} Trying again (attempt {attempt + 1})."


# --- images ----------------------------------------------------------------------------------
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
)


def image_content_type(head: bytes) -> str | None:
    """What the bytes are (JPEG, PNG, GIF or WebP), whatever the file name or browser claims."""
    for signature, offset, content_type in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return content_type
    return None


def image_validate(file: File, *, field: str, category: str | None = None) -> str:
    """Check an uploaded image against Twitter's DM media limits; return its content type."""
    file.seek(0)
    content_type = image_content_type(file.read(16))
    file.seek(0)
    if content_type is None:
        raise ValidationError({field: "Upload a JPEG, PNG, GIF or WebP image."})
    try:
        validate_media(size=file.size, media_type=content_type, category=category or media_category_for(content_type))
    except TwitterValidationError as error:
        raise ValidationError({field: f"{error.reason}."}) from None
    return content_type


def image_upload_shared(
    client: TwitterClient, credentials: UserCredentials, file: FieldFile, *, category: str | None = None
) -> str:
    """Upload a stored image as shared media (welcome messages require it, §7 and §9; custom
    profile avatars are reused across DMs too) and return its media id."""
    with file.open("rb") as handle:
        content = handle.read()
    content_type = image_content_type(content[:16]) or "application/octet-stream"
    uploaded = client.media_upload(
        credentials,
        content=content,
        media_type=content_type,
        category=category or media_category_for(content_type),
        shared=True,
    )
    return uploaded.media_id


def file_delete_on_commit(name: str | None) -> None:
    """Remove a stored file once no row points at it any more (files do not roll back)."""
    if name:
        transaction.on_commit(lambda: _delete_quietly(name), robust=True)


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError as error:
        logger.warning("could not delete %s: %s", name, error)
