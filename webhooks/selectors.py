"""Reads about the webhook log (staff only: brands never see it)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from webhooks.models import WebhookEvent


def webhook_events_matching(
    *,
    public_ids: list[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    statuses: list[str] | None = None,
) -> QuerySet[WebhookEvent]:
    events = WebhookEvent.objects.all()
    if public_ids:
        events = events.filter(public_id__in=public_ids)
    if since:
        events = events.filter(received_at__gte=since)
    if until:
        events = events.filter(received_at__lt=until)
    if statuses:
        events = events.filter(status__in=statuses)
    return events.order_by("received_at")
