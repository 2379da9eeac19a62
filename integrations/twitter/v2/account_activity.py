"""v2 webhooks and Account Activity subscriptions (twitter-api.md §12.1, §12.2).

The v1.1 methods name no webhook (the env_name picks it); v2 paths need the webhook id. The
client finds it itself, the app's webhook whose URL is ours (``PUBLIC_URL/webhooks/twitter/``,
what ``manage.py twitter_webhook register`` registers), and remembers it briefly, so callers
stay the same on either wire.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import quote

import requests
from django.conf import settings

from integrations.twitter.errors import Conflict, NotFound, WebhookNotRegistered
from integrations.twitter.types import SubscriptionCount, UserCredentials, Webhook
from integrations.twitter.v2.base import V2Base

WEBHOOK_ID_TTL_SECONDS = 60.0


def _webhook(data: dict) -> Webhook:
    return Webhook(
        id=str(data["id"]),
        url=data.get("url", ""),
        valid=bool(data.get("valid")),
        created_at=str(data.get("created_at", "")),
    )


def our_webhook_url() -> str:
    return f"{settings.PUBLIC_URL}/webhooks/twitter/" if settings.PUBLIC_URL else ""


class AccountActivityV2Mixin(V2Base):
    _webhook_ids: dict[tuple[str, str], tuple[str, float]] = {}
    _webhook_ids_lock = threading.Lock()

    # --- webhooks (bearer token) -----------------------------------------------------------
    def webhook_register(self, url: str) -> Webhook:
        """Twitter sends a CRC to ``url`` before answering; a failed CRC is refused."""
        response = self.as_app("POST", "2/webhooks", json_body={"url": url}, read_timeout=30)
        self._forget_webhook_id()
        return _webhook(self.data(response))

    def webhooks_list(self) -> list[Webhook]:
        return [_webhook(item) for item in self.json(self.as_app("GET", "2/webhooks")).get("data") or []]

    def webhook_trigger_crc(self, webhook_id: str) -> None:
        """Ask Twitter to re-run the CRC now; on success the webhook is valid again."""
        self.as_app("PUT", f"2/webhooks/{quote(webhook_id, safe='')}", read_timeout=30)

    def webhook_delete(self, webhook_id: str) -> None:
        self.as_app("DELETE", f"2/webhooks/{quote(webhook_id, safe='')}")
        self._forget_webhook_id()

    # --- subscriptions ---------------------------------------------------------------------
    def subscription_add(self, user: UserCredentials) -> bool:
        """Subscribe the account; False when it already was (a duplicate counts as success)."""
        try:
            self._on_our_webhook(lambda base: self.as_user(user, "POST", f"{base}/all"))
        except Conflict:
            return False
        return True

    def subscription_check(self, user: UserCredentials) -> bool:
        """False too when the app has no webhook: then no account is subscribed (as on v1.1)."""
        try:
            response = self._on_our_webhook(lambda base: self.as_user(user, "GET", f"{base}/all"))
        except WebhookNotRegistered:
            return False
        return bool(self.data(response).get("subscribed"))

    def subscriptions_list(self) -> list[str]:
        data = self.data(self._on_our_webhook(lambda base: self.as_app("GET", f"{base}/all/list")))
        return [str(item["user_id"]) for item in data.get("subscriptions") or []]

    def subscriptions_count(self) -> SubscriptionCount:
        data = self.data(self.as_app("GET", "2/account_activity/subscriptions/count"))
        return SubscriptionCount(
            subscriptions=int(data.get("subscriptions_count_all") or 0),
            provisioned=int(data.get("provisioned_count") or 0),
        )

    def subscription_remove(self, user_id: str) -> None:
        """Unsubscribe; removing a subscription that does not exist is a NotFound."""
        self._on_our_webhook(lambda base: self.as_app("DELETE", f"{base}/{quote(user_id, safe='')}/all"))

    # --- which webhook is ours -------------------------------------------------------------
    def _on_our_webhook(self, call: Callable[[str], requests.Response]) -> requests.Response:
        """``call`` with our webhook's subscriptions path. A 404 may mean the remembered id is
        stale (the webhook was deleted and registered again): ask once more, then say so."""
        try:
            return call(self._subscriptions_path())
        except NotFound:
            self._forget_webhook_id()
            base = self._subscriptions_path()
        return call(base)

    def _subscriptions_path(self) -> str:
        return f"2/account_activity/webhooks/{quote(self.our_webhook_id(), safe='')}/subscriptions"

    def our_webhook_id(self) -> str:
        """The id of the app's webhook at our URL (or its only one), asked at most once a minute."""
        url = our_webhook_url()
        key = (self.api_url, url)
        with self._webhook_ids_lock:
            known = self._webhook_ids.get(key)
            if known is not None and known[1] > time.monotonic():
                return known[0]
        webhooks = self.webhooks_list()
        # As on v1.1, where an account subscribes to the env's one webhook whatever its URL:
        # the app's only webhook is ours too (what `twitter_webhook crc/delete` assume).
        ours = [webhook for webhook in webhooks if webhook.url == url] or (webhooks if len(webhooks) == 1 else [])
        if not ours:
            raise WebhookNotRegistered(
                f"the app has no webhook registered at {url or 'PUBLIC_URL/webhooks/twitter/'}; "
                "run `manage.py twitter_webhook register`"
            )
        with self._webhook_ids_lock:
            self._webhook_ids[key] = (ours[0].id, time.monotonic() + WEBHOOK_ID_TTL_SECONDS)
        return ours[0].id

    def _forget_webhook_id(self) -> None:
        with self._webhook_ids_lock:
            self._webhook_ids.clear()
