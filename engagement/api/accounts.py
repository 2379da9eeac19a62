"""``/accounts``: the brand's Twitter accounts and whether they are working."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from accounts.selectors import twitter_accounts_list
from engagement.api.auth import brand_of
from engagement.api.schemas import AccountList, error_responses

router = Router(tags=["accounts"])


@router.get("", response={200: AccountList, **error_responses()}, summary="List accounts")
def accounts_list(request: HttpRequest) -> dict[str, Any]:
    """Disconnected accounts are listed too: their conversations still point at them."""
    accounts = twitter_accounts_list(brand=brand_of(request), include_disconnected=True)
    return {"results": list(accounts), "next": None}
