"""Reads for what agents pick from: canned responses."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Brand
from config.text import storable_text
from engagement.models import CannedResponse


def canned_responses_list(*, brand: Brand, q: str = "") -> QuerySet[CannedResponse]:
    responses = CannedResponse.objects.filter(brand=brand)
    prefix = storable_text(q).lstrip("/")  # no stored text holds NUL, and SQL cannot carry it
    if prefix:
        responses = responses.filter(shortcut__istartswith=prefix)
    return responses.order_by("shortcut")
