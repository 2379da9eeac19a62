"""What the sync task does: make Twitter's welcome messages and default rule match the rows.

The task's writes are conditional on the row being as the task read it (``updated_at`` is the
content's version, with ``twitter_id`` and the state): an edit, a delete or a second worker in
the meantime is never overwritten. When the row changed under it, the task goes round again
with what the row says now; a copy it made on Twitter that no row records is destroyed, so
nothing is left behind there.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import TwitterAccount
from config.logging import log_context
from engagement.forms import buttons_from_json, quick_replies_from_json
from engagement.models import SyncState, WelcomeMessage, WelcomeMessageRule
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
    InvalidRequest,
    NotFound,
    NotPermitted,
    RateLimited,
    Retryable,
    TwitterClient,
    TwitterError,
    UserCredentials,
    twitter_client,
    wire_capabilities,
)
from integrations.twitter.types import WelcomeMessageRuleRef

logger = logging.getLogger(__name__)

ROUNDS = 3  # how often a task goes round when the row keeps changing under it
MEDIA_ID_REFUSED = frozenset({324, 325})  # media id invalid / not found (§11.2), e.g. past its 24 h


def welcome_message_sync(*, welcome_message_id: int, attempt: int = 0, final_attempt: bool = True) -> None:
    """Create, replace or destroy the welcome message on Twitter as its row says.

    Raises ``Retryable`` for a passing failure unless ``final_attempt`` (the task retries)."""
    if not wire_capabilities().welcome_messages:
        return  # queued before the switch to a wire without them: the row waits, unchanged
    for _ in range(ROUNDS):
        message = WelcomeMessage.objects.select_related("account", "brand").filter(pk=welcome_message_id).first()
        if message is None or message.sync_state not in (SyncState.PENDING, SyncState.DELETING):
            return  # gone, synced or failed: nothing left to do (a redelivered task)
        with log_context(brand=message.brand.slug, account=message.account.screen_name):
            work = _destroy if message.sync_state == SyncState.DELETING else _push
            if work(message, attempt=attempt, final_attempt=final_attempt):
                return


def _push(message: WelcomeMessage, *, attempt: int, final_attempt: bool) -> bool:
    """Returns True when done, False to go round again."""
    version, known_id = message.updated_at, message.twitter_id
    client = twitter_client()
    try:
        credentials = sync_credentials(message.account)
        media_id = message.image_media_id or (
            image_upload_shared(client, credentials, message.image) if message.image else None
        )
        twitter_id, media_id = _send(client, credentials, message, media_id)
    except RateLimited as error:
        return _wait(WelcomeMessage.objects.filter(pk=message.pk), error)
    except Retryable as error:
        if not final_attempt:
            _note(WelcomeMessage.objects.filter(pk=message.pk), retrying_note(error, attempt=attempt))
            raise
        return _fail(message, version, failure_reason(error, account=message.account))
    except (TwitterError, SyncImpossible) as error:
        return _fail(message, version, failure_reason(error, account=message.account))

    as_read = _as_read(message.pk, known_id).filter(updated_at=version).exclude(sync_state=SyncState.DELETING)
    if as_read.update(
        twitter_id=twitter_id,
        image_media_id=media_id or "",
        sync_state=SyncState.SYNCED,
        sync_error="",
        synced_at=timezone.now(),
    ):
        logger.info("welcome message %s synced as %s", message.public_id, twitter_id)
        return True
    # Changed while Twitter was being called: keep the id of what now exists there, then go
    # round again so the latest content (or the delete) is what Twitter ends with.
    if twitter_id != known_id and not _as_read(message.pk, known_id).update(twitter_id=twitter_id):
        _destroy_quietly(client, credentials, twitter_id)
    current = WelcomeMessage.objects.filter(pk=message.pk).values("updated_at", "sync_state").first()
    if current is None:
        return True
    if current["sync_state"] == SyncState.SYNCED and current["updated_at"] != version:
        # Another worker synced newer content, possibly before this one's older write landed.
        WelcomeMessage.objects.filter(pk=message.pk, updated_at=current["updated_at"]).update(
            sync_state=SyncState.PENDING
        )
    return False


def _send(
    client: TwitterClient, credentials: UserCredentials, message: WelcomeMessage, media_id: str | None
) -> tuple[str, str | None]:
    try:
        return _send_once(client, credentials, message, media_id), media_id
    except InvalidRequest as error:
        # A media id can be attached only for a while after its upload (§9): upload it again.
        if not (media_id and message.image and error.code in MEDIA_ID_REFUSED):
            raise
    media_id = image_upload_shared(client, credentials, message.image)
    return _send_once(client, credentials, message, media_id), media_id


def _send_once(
    client: TwitterClient, credentials: UserCredentials, message: WelcomeMessage, media_id: str | None
) -> str:
    content = {
        "text": message.text,
        "quick_replies": quick_replies_from_json(message.quick_replies),
        "buttons": buttons_from_json(message.buttons),
        "media_id": media_id,
    }
    if message.twitter_id:
        try:
            # An atomic replace: whatever the row no longer has is removed on Twitter (§7).
            return client.welcome_message_update(credentials, message.twitter_id, **content).id
        except NotFound:
            logger.warning("welcome message %s was deleted on Twitter; creating it again", message.twitter_id)
    return client.welcome_message_create(credentials, name=message.name, **content).id


def _destroy(message: WelcomeMessage, *, attempt: int, final_attempt: bool) -> bool:
    known_id = message.twitter_id
    if known_id:
        try:
            credentials = sync_credentials(message.account)
            client = twitter_client()
            if WelcomeMessageRule.objects.filter(welcome_message=message).exists():
                _destroy_rules(client, credentials, pointing_at=known_id)
            client.welcome_message_destroy(credentials, known_id)
        except NotFound:
            pass  # already gone on Twitter: that is what was asked
        except RateLimited as error:
            return _wait(WelcomeMessage.objects.filter(pk=message.pk), error)
        except Retryable as error:
            if not final_attempt:
                _note(WelcomeMessage.objects.filter(pk=message.pk), retrying_note(error, attempt=attempt))
                raise
            return _fail_delete(WelcomeMessage.objects.filter(pk=message.pk), error, message.account)
        except (TwitterError, SyncImpossible) as error:
            return _fail_delete(WelcomeMessage.objects.filter(pk=message.pk), error, message.account)
    with transaction.atomic():
        deleted, _ = _as_read(message.pk, known_id).filter(sync_state=SyncState.DELETING).delete()
        if deleted:
            file_delete_on_commit(message.image.name)
            logger.info("welcome message %s deleted", message.public_id)
    return bool(deleted)


def _destroy_rules(client: TwitterClient, credentials: UserCredentials, *, pointing_at: str | None = None) -> None:
    for rule in client.welcome_rules_list(credentials):
        if pointing_at is None or rule.welcome_message_id == pointing_at:
            try:
                client.welcome_rule_destroy(credentials, rule.id)
            except NotFound:
                pass


def _destroy_quietly(client: TwitterClient, credentials: UserCredentials, twitter_id: str) -> None:
    try:
        client.welcome_message_destroy(credentials, twitter_id)
    except TwitterError as error:
        logger.warning("could not destroy orphan welcome message %s: %s", twitter_id, error)


# --- the default rule ----------------------------------------------------------------------
def welcome_rule_sync(*, account_id: int, attempt: int = 0, final_attempt: bool = True) -> None:
    """Make the account's single rule on Twitter match its ``WelcomeMessageRule`` row."""
    if not wire_capabilities().welcome_messages:
        return
    for _ in range(ROUNDS):
        rule = (
            WelcomeMessageRule.objects.select_related("account", "brand", "welcome_message")
            .filter(account_id=account_id)
            .first()
        )
        if rule is None or rule.sync_state not in (SyncState.PENDING, SyncState.DELETING):
            return
        with log_context(brand=rule.brand.slug, account=rule.account.screen_name):
            work = _rule_destroy if rule.sync_state == SyncState.DELETING else _rule_push
            if work(rule, attempt=attempt, final_attempt=final_attempt):
                return


def _rule_push(rule: WelcomeMessageRule, *, attempt: int, final_attempt: bool) -> bool:
    rows = WelcomeMessageRule.objects.filter(pk=rule.pk)
    welcome_id = rule.welcome_message.twitter_id
    try:
        if not welcome_id:
            raise SyncImpossible(
                f"“{rule.welcome_message}” is not on Twitter; sync it first, then make it the default."
            )
        ref = _make_default(twitter_client(), sync_credentials(rule.account), welcome_id)
    except RateLimited as error:
        return _wait(rows, error)
    except Retryable as error:
        if not final_attempt:
            _note(rows, retrying_note(error, attempt=attempt))
            raise
        return _fail_rule(rows, failure_reason(error, account=rule.account))
    except (TwitterError, SyncImpossible) as error:
        return _fail_rule(rows, failure_reason(error, account=rule.account))
    # Not recorded when the rule was replaced meanwhile: go round again with the new one.
    return bool(
        rows.filter(sync_state=SyncState.PENDING, welcome_message_id=rule.welcome_message_id).update(
            twitter_id=ref.id, sync_state=SyncState.SYNCED, sync_error="", synced_at=timezone.now()
        )
    )


def _make_default(client: TwitterClient, credentials: UserCredentials, welcome_id: str) -> WelcomeMessageRuleRef:
    try:
        return client.welcome_message_make_default(credentials, welcome_message_id=welcome_id)
    except NotPermitted as error:
        if error.code != 87:
            raise
        # One rule per account: another worker created one between our delete and create.
        return client.welcome_message_make_default(credentials, welcome_message_id=welcome_id)


def _rule_destroy(rule: WelcomeMessageRule, *, attempt: int, final_attempt: bool) -> bool:
    rows = WelcomeMessageRule.objects.filter(pk=rule.pk)
    try:
        _destroy_rules(twitter_client(), sync_credentials(rule.account))
    except RateLimited as error:
        return _wait(rows, error)
    except Retryable as error:
        if not final_attempt:
            _note(rows, retrying_note(error, attempt=attempt))
            raise
        return _fail_delete(rows, error, rule.account)
    except (TwitterError, SyncImpossible) as error:
        return _fail_delete(rows, error, rule.account)
    return bool(rows.filter(sync_state=SyncState.DELETING).delete()[0])


# --- recording outcomes --------------------------------------------------------------------
def _as_read(pk: int, twitter_id: str | None) -> QuerySet[WelcomeMessage]:
    rows = WelcomeMessage.objects.filter(pk=pk)
    return rows.filter(twitter_id=twitter_id) if twitter_id else rows.filter(twitter_id__isnull=True)


def _note(rows: QuerySet, note: str) -> None:
    rows.update(sync_error=note)


def _wait(rows: QuerySet, error: RateLimited) -> bool:
    """Done for now: the row stays pending (or deleting) and the sweep rings for it again."""
    _note(rows, rate_limited_note(error))
    logger.info("welcome message sync waits for Twitter's rate limit (reset %s)", error.reset_at)
    return True


def _fail(message: WelcomeMessage, version: object, reason: str) -> bool:
    failed = WelcomeMessage.objects.filter(pk=message.pk, updated_at=version, sync_state=SyncState.PENDING).update(
        sync_state=SyncState.FAILED, sync_error=reason
    )
    if failed:
        logger.warning("welcome message %s not synced: %s", message.public_id, reason)
    return bool(failed)  # otherwise it changed meanwhile: the failure may no longer apply


def _fail_rule(rows: QuerySet[WelcomeMessageRule], reason: str) -> bool:
    if rows.filter(sync_state=SyncState.PENDING).update(sync_state=SyncState.FAILED, sync_error=reason):
        logger.warning("default welcome message not set: %s", reason)
        return True
    return False


def _fail_delete(rows: QuerySet, error: Exception, account: TwitterAccount) -> bool:
    reason = DELETE_FAILED_PREFIX + failure_reason(error, account=account)
    failed = rows.filter(sync_state=SyncState.DELETING).update(sync_state=SyncState.FAILED, sync_error=reason)
    if failed:
        logger.warning("not deleted on Twitter: %s", reason)
    return bool(failed)
