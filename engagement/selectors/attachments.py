"""Attachments (customers' media), by brand."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from accounts.models import Brand
from accounts.selectors import _as_uuid
from engagement.models import Attachment


def attachment_get(*, brand: Brand, attachment_id: object) -> Attachment:
    return get_object_or_404(Attachment.objects.filter(brand=brand), public_id=_as_uuid(attachment_id))
