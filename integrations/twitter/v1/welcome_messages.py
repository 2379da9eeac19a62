"""Welcome messages and their default rule (twitter-api.md §7)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from integrations.twitter.types import Page, UserCredentials, WelcomeMessageRef, WelcomeMessageRuleRef
from integrations.twitter.v1.base import ClientBase
from integrations.twitter.v1.direct_messages import message_data
from integrations.twitter.validation import Button, QuickReplyOption, validate_message, validate_welcome_message_name

BASE = "1.1/direct_messages/welcome_messages"


def _ref(data: dict[str, Any]) -> WelcomeMessageRef:
    welcome = data.get("welcome_message", data)
    # `name` is a sibling of `welcome_message` in responses, inside it in requests (§7).
    return WelcomeMessageRef(id=str(welcome["id"]), name=data.get("name") or welcome.get("name") or "", raw=welcome)


class WelcomeMessagesMixin(ClientBase):
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
        validate_welcome_message_name(name)
        validate_message(
            text=text, quick_replies=quick_replies, buttons=buttons, has_media=bool(media_id), welcome=True
        )
        data = message_data(text=text, quick_replies=quick_replies, buttons=buttons, media_id=media_id)
        body = {"welcome_message": {"name": name, "message_data": data}}
        return _ref(self.json(self.as_user(user, "POST", f"{BASE}/new.json", json_body=body)))

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
        """An atomic replace: whatever is left out (quick replies, buttons, media) is removed."""
        validate_message(
            text=text, quick_replies=quick_replies, buttons=buttons, has_media=bool(media_id), welcome=True
        )
        body = {
            "message_data": message_data(text=text, quick_replies=quick_replies, buttons=buttons, media_id=media_id)
        }
        response = self.as_user(user, "PUT", f"{BASE}/update.json", params={"id": welcome_message_id}, json_body=body)
        return _ref(self.json(response))

    def welcome_messages_list(self, user: UserCredentials, *, cursor: str | None = None, count: int = 50) -> Page:
        params: dict[str, Any] = {"count": min(count, 50), **({"cursor": cursor} if cursor else {})}
        data = self.json(self.as_user(user, "GET", f"{BASE}/list.json", params=params))
        return Page(items=data.get("welcome_messages", []), next_cursor=data.get("next_cursor"))

    def welcome_message_show(self, user: UserCredentials, welcome_message_id: str) -> WelcomeMessageRef:
        return _ref(self.json(self.as_user(user, "GET", f"{BASE}/show.json", params={"id": welcome_message_id})))

    def welcome_message_destroy(self, user: UserCredentials, welcome_message_id: str) -> None:
        self.as_user(user, "DELETE", f"{BASE}/destroy.json", params={"id": welcome_message_id})

    # --- the default rule ------------------------------------------------------------------
    def welcome_rule_create(self, user: UserCredentials, *, welcome_message_id: str) -> WelcomeMessageRuleRef:
        body = {"welcome_message_rule": {"welcome_message_id": str(welcome_message_id)}}
        rule = self.json(self.as_user(user, "POST", f"{BASE}/rules/new.json", json_body=body))["welcome_message_rule"]
        return WelcomeMessageRuleRef(id=str(rule["id"]), welcome_message_id=str(rule["welcome_message_id"]))

    def welcome_rules_list(self, user: UserCredentials) -> list[WelcomeMessageRuleRef]:
        data = self.json(self.as_user(user, "GET", f"{BASE}/rules/list.json", params={"count": 50}))
        # The key is absent when there are no rules.
        return [
            WelcomeMessageRuleRef(id=str(rule["id"]), welcome_message_id=str(rule["welcome_message_id"]))
            for rule in data.get("welcome_message_rules", [])
        ]

    def welcome_rule_destroy(self, user: UserCredentials, rule_id: str) -> None:
        self.as_user(user, "DELETE", f"{BASE}/rules/destroy.json", params={"id": rule_id})

    def welcome_message_make_default(self, user: UserCredentials, *, welcome_message_id: str) -> WelcomeMessageRuleRef:
        """An account has a single default rule: delete every rule, then create the new one."""
        for rule in self.welcome_rules_list(user):
            self.welcome_rule_destroy(user, rule.id)
        return self.welcome_rule_create(user, welcome_message_id=welcome_message_id)
