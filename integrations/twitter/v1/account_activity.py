"""Account Activity API v1.1, premium ``all/:env_name`` form (twitter-api.md §3.2)."""

from __future__ import annotations

from urllib.parse import quote

from integrations.twitter.errors import Conflict, NotFound
from integrations.twitter.types import SubscriptionCount, UserCredentials, Webhook
from integrations.twitter.v1.base import ClientBase


def _webhook(data: dict) -> Webhook:
    created = data.get("created_at") or data.get("created_timestamp") or ""
    return Webhook(id=str(data["id"]), url=data.get("url", ""), valid=bool(data.get("valid")), created_at=str(created))


class AccountActivityMixin(ClientBase):
    @property
    def _env(self) -> str:
        return f"1.1/account_activity/all/{quote(self.env_name, safe='')}"

    # --- webhooks (the app owner's tokens; listing with the bearer token) -----------------
    def webhook_register(self, url: str) -> Webhook:
        """Twitter sends a CRC to ``url`` before answering; a failed CRC is a NotPermitted 214."""
        response = self.as_owner("POST", f"{self._env}/webhooks.json", params={"url": url}, read_timeout=30)
        return _webhook(self.json(response))

    def webhooks_list(self) -> list[Webhook]:
        return [_webhook(item) for item in self.json(self.as_app("GET", f"{self._env}/webhooks.json")) or []]

    def webhook_trigger_crc(self, webhook_id: str) -> None:
        """Ask Twitter to re-run the CRC now; on success the webhook is valid again."""
        self.as_owner("PUT", f"{self._env}/webhooks/{quote(webhook_id, safe='')}.json", read_timeout=30)

    def webhook_delete(self, webhook_id: str) -> None:
        self.as_owner("DELETE", f"{self._env}/webhooks/{quote(webhook_id, safe='')}.json")

    # --- subscriptions ---------------------------------------------------------------------
    def subscription_add(self, user: UserCredentials) -> bool:
        """Subscribe the account; False when it already was (355 counts as success)."""
        try:
            self.as_user(user, "POST", f"{self._env}/subscriptions.json")
        except Conflict as error:
            if error.code == 355:
                return False
            raise
        return True

    def subscription_check(self, user: UserCredentials) -> bool:
        try:
            response = self.as_user(user, "GET", f"{self._env}/subscriptions.json")
        except NotFound:
            return False
        return response.status_code == 204

    def subscriptions_list(self) -> list[str]:
        data = self.json(self.as_app("GET", f"{self._env}/subscriptions/list.json"))
        return [str(item["user_id"]) for item in data.get("subscriptions", [])]

    def subscriptions_count(self) -> SubscriptionCount:
        data = self.json(self.as_app("GET", "1.1/account_activity/all/subscriptions/count.json"))
        count = data.get("subscriptions_count", data.get("subscriptions_count_all", 0))
        return SubscriptionCount(subscriptions=int(count or 0), provisioned=int(data.get("provisioned_count") or 0))

    def subscription_remove(self, user_id: str) -> None:
        self.as_app("DELETE", f"{self._env}/subscriptions/{quote(user_id, safe='')}.json")
