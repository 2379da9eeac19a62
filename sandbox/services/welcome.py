"""Welcome messages and the single default rule (twitter-api.md §7)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.models import SandboxUser, SandboxWelcomeMessage, SandboxWelcomeMessageRule
from sandbox.services.media import media_usable_check
from sandbox.services.validation import WELCOME_TEXT_LIMIT, message_data_parse

NAME = re.compile(r"^[A-Za-z0-9_\-# @]{0,100}$")


def _check_owner(owner: SandboxUser) -> None:
    if not owner.accepts_dms_from_anyone:
        raise errors.webhook_refused("Owner must allow dms from anyone.")


def _parse(owner: SandboxUser, message_data: Any) -> tuple[dict, Any]:
    data = message_data_parse(message_data, text_limit=WELCOME_TEXT_LIMIT)
    media = media_usable_check(media_id=data.media_id, user=owner, for_welcome=True) if data.media_id else None
    return data.stored, media


def _check_name(name: Any) -> str:
    if name is None:
        return ""
    if not isinstance(name, str) or not NAME.match(name):
        raise errors.invalid_parameter("name", "At most 100 letters, digits, spaces and - _ # @.")
    return name


def welcome_message_create(*, owner: SandboxUser, body: Any, source_app_id: str) -> SandboxWelcomeMessage:
    welcome = body.get("welcome_message") if isinstance(body, dict) else None
    if not isinstance(welcome, dict):
        raise errors.dm_refused("welcome_message is required.")
    _check_owner(owner)
    name = _check_name(welcome.get("name", body.get("name")))
    stored, media = _parse(owner, welcome.get("message_data"))
    return SandboxWelcomeMessage.objects.create(
        owner=owner, name=name, message_data=stored, media=media, source_app_id=source_app_id
    )


def welcome_message_get(*, owner: SandboxUser, welcome_id: str) -> SandboxWelcomeMessage:
    welcome = (
        SandboxWelcomeMessage.objects.filter(pk=int(welcome_id), owner=owner).first()
        if is_ascii_digits(welcome_id)
        else None
    )
    if welcome is None:
        raise errors.page_not_found()
    return welcome


def welcome_message_update(*, welcome: SandboxWelcomeMessage, body: Any) -> SandboxWelcomeMessage:
    """An atomic replace: whatever ``message_data`` leaves out is gone (§7)."""
    if not isinstance(body, dict):
        raise errors.dm_refused("message_data is required.")
    _check_owner(welcome.owner)
    stored, media = _parse(welcome.owner, body.get("message_data"))
    welcome.message_data, welcome.media = stored, media
    if "name" in body:
        welcome.name = _check_name(body["name"])
    welcome.save()
    return welcome


def welcome_rule_create(*, owner: SandboxUser, body: Any) -> SandboxWelcomeMessageRule:
    rule = body.get("welcome_message_rule") if isinstance(body, dict) else None
    welcome_id = str(rule.get("welcome_message_id", "")) if isinstance(rule, dict) else ""
    if not welcome_id:
        raise errors.missing_parameter("welcome_message_rule.welcome_message_id")
    welcome = SandboxWelcomeMessage.objects.filter(
        pk=int(welcome_id) if is_ascii_digits(welcome_id) else 0, owner=owner
    ).first()
    if welcome is None:
        raise errors.invalid_parameter("welcome_message_id", "No welcome message of yours has this id.")
    with transaction.atomic():
        SandboxUser.objects.select_for_update().filter(pk=owner.pk).first()
        # One default rule per account (§7): the documented way to change it is to delete the
        # rule and create a new one. twitter-api.md names no code for a second rule; 87
        # ("not permitted") is the closest documented refusal.
        if SandboxWelcomeMessageRule.objects.filter(owner=owner).exists():
            raise errors.TwitterError(403, 87, "Client is not permitted to perform this action.")
        return SandboxWelcomeMessageRule.objects.create(owner=owner, welcome_message=welcome)


def welcome_rule_get(*, owner: SandboxUser, rule_id: str) -> SandboxWelcomeMessageRule:
    rule = (
        SandboxWelcomeMessageRule.objects.filter(pk=int(rule_id), owner=owner).first()
        if is_ascii_digits(rule_id)
        else None
    )
    if rule is None:
        raise errors.page_not_found()
    return rule


def default_welcome_message(*, owner: SandboxUser) -> SandboxWelcomeMessage | None:
    rule = (
        SandboxWelcomeMessageRule.objects.filter(owner=owner).select_related("welcome_message").order_by("-id").first()
    )
    return rule.welcome_message if rule else None
