from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from accounts.models import TwitterAccount
from accounts.selectors import memberships_for_user, twitter_accounts_needing_attention


def current_brand(request: HttpRequest) -> dict[str, Any]:
    """The current brand and membership for every template, the brands to switch to, and the
    brand's accounts that need someone (read only by pages that show them, in one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def other_memberships() -> list:
        brand = getattr(request, "brand", None)
        return [m for m in memberships_for_user(user=user) if brand is None or m.brand_id != brand.id]

    @cache
    def needing_attention() -> list[TwitterAccount]:
        brand = getattr(request, "brand", None)
        return list(twitter_accounts_needing_attention(brand=brand)) if brand else []

    def accounts_needing_reauth() -> list[TwitterAccount]:
        return [account for account in needing_attention() if account.state == TwitterAccount.State.NEEDS_REAUTH]

    def accounts_not_subscribed() -> list[TwitterAccount]:
        return [
            account
            for account in needing_attention()
            if account.state == TwitterAccount.State.ACTIVE
            and account.subscription_state == TwitterAccount.SubscriptionState.FAILED
        ]

    return {
        "accounts_needing_reauth": accounts_needing_reauth,
        "accounts_not_subscribed": accounts_not_subscribed,
        "current_brand": getattr(request, "brand", None),
        "current_membership": getattr(request, "membership", None),
        "switchable_memberships": other_memberships,
    }
