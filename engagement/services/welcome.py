"""Welcome messages and the account's default rule, as people change them (twitter-api.md §7).

Each write records in the row what Twitter should have (``sync_state`` pending or deleting)
and rings a Celery task after commit; ``engagement.services.welcome_sync`` is what that task
does. Twitter's copy is never changed on the request path.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Sequence
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import TwitterAccount, User
from accounts.services.brands import audit_record
from config.queue import enqueue_on_commit
from engagement.forms import buttons_from_json, quick_replies_from_json
from engagement.models import SyncState, WelcomeMessage, WelcomeMessageRule
from engagement.services.twitter_sync import file_delete_on_commit, image_validate
from integrations.twitter import TwitterValidationError, wire_capabilities
from integrations.twitter.validation import (
    validate_buttons,
    validate_quick_replies,
    validate_text,
    validate_welcome_message_name,
)

logger = logging.getLogger(__name__)

# What Twitter keeps of a welcome message: its message_data. (The update endpoint replaces
# message_data only, so a new name matters to Twitter only before the message exists there.)
CONTENT_FIELDS = frozenset({"text", "quick_replies", "buttons", "image"})
# A failed delete keeps the row as failed; this prefix of its reason is how "Sync again"
# knows to retry the delete rather than push the message back.
DELETE_FAILED_PREFIX = "Not deleted on Twitter: "
# A row still waiting this long lost its task (the broker was down); the sweep rings again.
# Longer than a task with all its retries can take, so the sweep does not race a live task.
SWEEP_AFTER = timedelta(minutes=10)


def welcome_messages_available() -> bool:
    """X API v2 has no welcome messages: rows are kept, read-only, until the wire has them."""
    return wire_capabilities().welcome_messages


def _require_welcome_messages() -> None:
    if not welcome_messages_available():
        raise ValidationError(
            f"Welcome messages are not available on {wire_capabilities().label}: Twitter offers none there. "
            "They are kept here and sync again on Twitter API v1.1 (TWITTER_API_VERSION=1.1)."
        )


def welcome_message_validate(
    *, name: str, text: str, quick_replies: Sequence[dict], buttons: Sequence[dict], has_image: bool
) -> None:
    """Twitter's limits, checked before anything is saved or sent; errors are keyed by field."""
    errors: dict[str, str] = {}
    checks = {
        "name": lambda: validate_welcome_message_name(name),
        "text": lambda: validate_text(text, welcome=True, required=not has_image),
        "quick_replies": lambda: validate_quick_replies(quick_replies_from_json(quick_replies)),
        "buttons": lambda: validate_buttons(buttons_from_json(buttons)),
    }
    for field, check in checks.items():
        try:
            check()
        except TwitterValidationError as error:
            errors[field] = f"{error.reason[:1].upper()}{error.reason[1:]}."
    if not name.strip():
        errors["name"] = "Give it a name (only you see it)."
    if errors:
        raise ValidationError(errors)


def welcome_message_create(
    *,
    account: TwitterAccount,
    name: str,
    text: str,
    quick_replies: Sequence[dict] = (),
    buttons: Sequence[dict] = (),
    image: File | None = None,
    actor: User | None = None,
) -> WelcomeMessage:
    _require_welcome_messages()
    welcome_message = WelcomeMessage(
        account=account,
        brand_id=account.brand_id,
        name=name,
        text=text,
        quick_replies=list(quick_replies),
        buttons=list(buttons),
    )
    if image is not None:
        welcome_message.image = image
    return welcome_message_save(welcome_message=welcome_message, actor=actor)


def welcome_message_save(
    *, welcome_message: WelcomeMessage, changed: Collection[str] | None = None, actor: User | None = None
) -> WelcomeMessage:
    """Save a new or edited welcome message; Twitter is brought in line after commit.

    ``changed`` names the edited fields (``None``: all of them). An edit replaces the message
    on Twitter as a whole (an atomic replace, §7), so options removed here go there too.
    """
    _require_welcome_messages()
    message = welcome_message
    adding = message.pk is None
    changed = set(CONTENT_FIELDS | {"name"} if changed is None else changed)
    if message.sync_state == SyncState.DELETING and not adding:
        raise ValidationError(f"“{message.name}” is being deleted; it can no longer be changed.")
    image_changed = adding or "image" in changed
    welcome_message_validate(
        name=message.name,
        text=message.text,
        quick_replies=message.quick_replies,
        buttons=message.buttons,
        has_image=bool(message.image) or bool(message.image_media_id and not image_changed),
    )
    if image_changed and message.image and not message.image._committed:
        image_validate(message.image, field="image")
    # A message Twitter does not have yet is created with whatever the row says, name included.
    needs_sync = adding or bool(changed & CONTENT_FIELDS) or message.twitter_id is None
    message.brand_id = message.account.brand_id
    with transaction.atomic():
        old_image = None
        if not adding and image_changed:
            old_image = WelcomeMessage.objects.filter(pk=message.pk).values_list("image", flat=True).first()
            message.image_media_id = ""  # the next sync uploads the new image (or drops the old one)
        if needs_sync:
            message.sync_state = SyncState.PENDING
            message.sync_error = ""
        if adding:
            message.save()
        else:
            # Only what this edit changes: a worker may be recording twitter_id right now.
            fields = (changed & (CONTENT_FIELDS | {"name"})) | {"updated_at"}
            fields |= {"image_media_id"} if image_changed else set()
            fields |= {"sync_state", "sync_error"} if needs_sync else set()
            message.save(update_fields=fields)
        if old_image and old_image != message.image.name:
            file_delete_on_commit(old_image)
        audit_record(
            brand=message.brand,
            actor=actor,
            action="welcome_message.create" if adding else "welcome_message.update",
            target=message,
            summary=f"Welcome message “{message.name}” {'created' if adding else 'changed'} for @{message.account.screen_name}",
        )
        if needs_sync:
            _ring(message.pk)
    return message


def welcome_message_delete(*, welcome_message: WelcomeMessage, actor: User | None = None) -> bool:
    """Delete it on Twitter, then here. Returns True when the row is already gone (Twitter
    never had it); otherwise it shows as *deleting* until Twitter confirms."""
    _require_welcome_messages()
    message = welcome_message
    with transaction.atomic():
        audit_record(
            brand=message.brand,
            actor=actor,
            action="welcome_message.delete",
            target=message,
            summary=f"Welcome message “{message.name}” deleted from @{message.account.screen_name}",
        )
        # Conditional: a create in flight may record its Twitter id at any moment.
        gone, _ = WelcomeMessage.objects.filter(pk=message.pk, twitter_id__isnull=True).delete()
        if gone:
            file_delete_on_commit(message.image.name)
            return True
        WelcomeMessage.objects.filter(pk=message.pk).update(
            sync_state=SyncState.DELETING, sync_error="", updated_at=timezone.now()
        )
        _ring(message.pk)
    message.sync_state = SyncState.DELETING
    return False


def welcome_messages_sync_again(*, welcome_messages: Iterable[WelcomeMessage]) -> int:
    """Try failed (or stuck) syncs again: a failed delete is deleted again, anything else is
    pushed again. Returns how many were sent back to the worker."""
    _require_welcome_messages()
    count = 0
    with transaction.atomic():
        for message in welcome_messages:
            if message.sync_state not in (SyncState.FAILED, SyncState.PENDING):
                continue
            retry_delete = message.sync_error.startswith(DELETE_FAILED_PREFIX)
            state = SyncState.DELETING if retry_delete else SyncState.PENDING
            updated = WelcomeMessage.objects.filter(pk=message.pk, sync_state=message.sync_state).update(
                sync_state=state, updated_at=timezone.now()
            )
            if updated:
                _ring(message.pk)
                count += 1
    return count


def welcome_message_make_default(*, welcome_message: WelcomeMessage, actor: User | None = None) -> WelcomeMessageRule:
    """Make it what people see by default when they open a DM with the account. The account
    has a single rule (§7): the old one is replaced, here and, after commit, on Twitter."""
    _require_welcome_messages()
    message = welcome_message
    if message.sync_state == SyncState.DELETING:
        raise ValidationError(f"“{message.name}” is being deleted.")
    if not message.twitter_id:
        raise ValidationError(f"“{message.name}” is not on Twitter yet: make it the default once it has synced.")
    with transaction.atomic():
        # A new row rather than an edit: a task still working on the old rule finds it gone
        # and stops, and created_at tells the sweep how long this one has waited.
        WelcomeMessageRule.objects.filter(account_id=message.account_id).delete()
        rule = WelcomeMessageRule.objects.create(
            brand_id=message.brand_id, account_id=message.account_id, welcome_message=message
        )
        audit_record(
            brand=message.brand,
            actor=actor,
            action="welcome_message.make_default",
            target=message,
            summary=f"Welcome message “{message.name}” is now the default for @{message.account.screen_name}",
        )
        _ring_rule(message.account_id)
    return rule


def welcome_rule_remove(*, rule: WelcomeMessageRule, actor: User | None = None) -> None:
    """Stop showing a welcome message by default: the rule goes on Twitter, then here."""
    _require_welcome_messages()
    with transaction.atomic():
        WelcomeMessageRule.objects.filter(pk=rule.pk).update(sync_state=SyncState.DELETING, sync_error="")
        audit_record(
            brand=rule.brand,
            actor=actor,
            action="welcome_message.remove_default",
            target=rule.welcome_message,
            summary=f"@{rule.account.screen_name} no longer has a default welcome message",
        )
        _ring_rule(rule.account_id)
    rule.sync_state = SyncState.DELETING


def welcome_rules_sync_again(*, rules: Iterable[WelcomeMessageRule]) -> int:
    _require_welcome_messages()
    count = 0
    with transaction.atomic():
        for rule in rules:
            if rule.sync_state not in (SyncState.FAILED, SyncState.PENDING):
                continue
            retry_delete = rule.sync_error.startswith(DELETE_FAILED_PREFIX)
            state = SyncState.DELETING if retry_delete else SyncState.PENDING
            if WelcomeMessageRule.objects.filter(pk=rule.pk, sync_state=rule.sync_state).update(sync_state=state):
                _ring_rule(rule.account_id)
                count += 1
    return count


def welcome_sync_sweep(*, limit: int = 200) -> int:
    """Ring again for rows whose task was lost (it was published while the broker was down)."""
    if not welcome_messages_available():
        return 0
    cutoff = timezone.now() - SWEEP_AFTER
    waiting = Q(sync_state__in=[SyncState.PENDING, SyncState.DELETING])
    message_ids = list(
        WelcomeMessage.objects.filter(waiting, updated_at__lte=cutoff).values_list("pk", flat=True)[:limit]
    )
    account_ids = list(
        WelcomeMessageRule.objects.filter(waiting, created_at__lte=cutoff).values_list("account_id", flat=True)[:limit]
    )
    for pk in message_ids:
        _ring(pk)
    for account_id in account_ids:
        _ring_rule(account_id)
    return len(message_ids) + len(account_ids)


def _ring(welcome_message_id: int) -> None:
    from engagement.tasks.sync import sync_welcome_message

    enqueue_on_commit(sync_welcome_message, welcome_message_id)


def _ring_rule(account_id: int) -> None:
    from engagement.tasks.sync import sync_welcome_rule

    enqueue_on_commit(sync_welcome_rule, account_id)
