"""``/canned-responses``: the brand's saved replies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from engagement.api.auth import brand_of
from engagement.api.schemas import CannedResponseList, ListQuery, error_responses
from engagement.selectors import canned_responses_list

router = Router(tags=["canned responses"])


@router.get(
    "",
    response={200: CannedResponseList, **error_responses(400)},
    summary="List canned responses",
)
def canned_responses(request: HttpRequest, filters: Query[ListQuery]) -> dict[str, Any]:
    """By shortcut; ``q`` keeps those whose shortcut starts with it."""
    return {"results": list(canned_responses_list(brand=brand_of(request), q=filters.q)), "next": None}
