from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from engagement.services.daily_limit import DailyUsage, dm_usage_banner


def dm_limit_banner(request: HttpRequest) -> dict[str, Any]:
    """The current brand's accounts near Twitter's daily Direct Message limit, for the banner
    every member sees. Lazy: a page that does not show the banner does not look."""
    brand = getattr(request, "brand", None)
    if brand is None or getattr(request, "membership", None) is None:
        return {}

    def accounts_near_dm_limit() -> list[DailyUsage]:
        return dm_usage_banner(brand=brand)

    return {"accounts_near_dm_limit": accounts_near_dm_limit}
