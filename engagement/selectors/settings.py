"""Reads for what agents pick from: canned responses."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Brand
from engagement.models import CannedResponse


def canned_responses_list(*, brand: Brand, q: str = "") -> QuerySet[CannedResponse]:
    responses = CannedResponse.objects.filter(brand=brand)
    if q:
        responses = responses.filter(shortcut__istartswith=q.lstrip("/"))
    return responses.order_by("shortcut")
