"""``/contacts``: the customers conversations are with."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from engagement.api.auth import brand_of
from engagement.api.schemas import ContactOut, error_responses
from engagement.models import Contact
from engagement.selectors import contact_get

router = Router(tags=["contacts"])


@router.get(
    "/{contact_id}",
    response={200: ContactOut, **error_responses(404)},
    summary="Get a contact",
)
def contact_detail(request: HttpRequest, contact_id: str) -> Contact:
    return contact_get(brand=brand_of(request), contact_id=contact_id)
