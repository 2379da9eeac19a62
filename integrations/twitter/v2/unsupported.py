"""What X API v2 cannot do for Direct Messages (twitter-api.md §12.3): welcome messages and
custom profiles. The methods exist with v1.1's signatures so the client types match; callers
check ``capabilities`` first, and reaching one of these is a clear error, never a no-op."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

from integrations.twitter.errors import UnsupportedOnThisWire
from integrations.twitter.types import CustomProfileRef, Page, UserCredentials, WelcomeMessageRef, WelcomeMessageRuleRef
from integrations.twitter.validation import Button, QuickReplyOption


def _unsupported(what: str) -> NoReturn:
    raise UnsupportedOnThisWire(f"X API v2 has no {what}; they need Twitter API v1.1 (TWITTER_API_VERSION=1.1)")


class WelcomeMessagesV2Mixin:
    def welcome_message_create(
        self,
        user: UserCredentials,
        *,
        name: str,
        text: str,
        quick_replies: Sequence[QuickReplyOption] = (),
        buttons: Sequence[Button] = (),
        media_id: str | None = None,
    ) -> WelcomeMessageRef:
        _unsupported("welcome messages")

    def welcome_message_update(
        self,
        user: UserCredentials,
        welcome_message_id: str,
        *,
        text: str,
        quick_replies: Sequence[QuickReplyOption] = (),
        buttons: Sequence[Button] = (),
        media_id: str | None = None,
    ) -> WelcomeMessageRef:
        _unsupported("welcome messages")

    def welcome_messages_list(self, user: UserCredentials, *, cursor: str | None = None, count: int = 50) -> Page:
        _unsupported("welcome messages")

    def welcome_message_show(self, user: UserCredentials, welcome_message_id: str) -> WelcomeMessageRef:
        _unsupported("welcome messages")

    def welcome_message_destroy(self, user: UserCredentials, welcome_message_id: str) -> None:
        _unsupported("welcome messages")

    def welcome_rule_create(self, user: UserCredentials, *, welcome_message_id: str) -> WelcomeMessageRuleRef:
        _unsupported("welcome message rules")

    def welcome_rules_list(self, user: UserCredentials) -> list[WelcomeMessageRuleRef]:
        _unsupported("welcome message rules")

    def welcome_rule_destroy(self, user: UserCredentials, rule_id: str) -> None:
        _unsupported("welcome message rules")

    def welcome_message_make_default(self, user: UserCredentials, *, welcome_message_id: str) -> WelcomeMessageRuleRef:
        _unsupported("welcome message rules")


class CustomProfilesV2Mixin:
    def custom_profile_create(self, user: UserCredentials, *, name: str, avatar_media_id: str) -> CustomProfileRef:
        _unsupported("custom profiles")

    def custom_profile_show(self, user: UserCredentials, profile_id: str) -> CustomProfileRef:
        _unsupported("custom profiles")

    def custom_profiles_list(self, user: UserCredentials, *, cursor: str | None = None, count: int = 50) -> Page:
        _unsupported("custom profiles")

    def custom_profile_destroy(self, user: UserCredentials, profile_id: str) -> None:
        _unsupported("custom profiles")
