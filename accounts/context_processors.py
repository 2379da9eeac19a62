from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.selectors import memberships_for_user, twitter_accounts_needing_reauth


def current_brand(request: HttpRequest) -> dict[str, Any]:
    """The current brand and membership for every template, and the brands to switch to."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def other_memberships() -> list:
        brand = getattr(request, "brand", None)
        return [m for m in memberships_for_user(user=user) if brand is None or m.brand_id != brand.id]

    def accounts_needing_reauth() -> list:
        brand = getattr(request, "brand", None)
        return list(twitter_accounts_needing_reauth(brand=brand)) if brand else []

    return {
        "accounts_needing_reauth": accounts_needing_reauth,
        "current_brand": getattr(request, "brand", None),
        "current_membership": getattr(request, "membership", None),
        "switchable_memberships": other_memberships,
    }
