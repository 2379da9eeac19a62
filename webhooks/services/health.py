"""Is Twitter still happy with our webhook? Checked periodically, shown to staff."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max

from integrations.twitter import TwitterError
from integrations.twitter.explain import explain
from webhooks.models import WebhookEvent, WebhookRegistration
from webhooks.services.registration import WebhookSetupError, webhook_trigger_crc, webhook_url, webhooks_refresh

logger = logging.getLogger(__name__)


def webhook_health_check() -> WebhookRegistration | None:
    """Ask Twitter about our webhook; when it is not ``valid``, re-trigger the CRC."""
    try:
        url = webhook_url()
        registrations = webhooks_refresh()
    except (WebhookSetupError, TwitterError) as error:
        logger.warning("webhook health check could not ask Twitter: %s", error)
        return None
    ours = next((registration for registration in registrations if registration.url == url), None)
    if ours is None:
        logger.warning("no webhook is registered at %s; run `manage.py twitter_webhook register`", url)
        return None
    if not ours.valid:
        logger.warning("Twitter marked the webhook invalid; re-triggering the CRC")
        try:
            return webhook_trigger_crc(webhook_id=ours.webhook_id)
        except TwitterError as error:
            ours.last_error = explain(error)
            ours.save(update_fields=["last_error"])
            logger.error("the CRC re-check failed: %s", ours.last_error)
    return ours


@dataclass(frozen=True)
class WebhookHealth:
    registration: WebhookRegistration | None
    last_event_at: datetime | None
    pending: int
    failed: int
    ignored: int


def webhook_health_summary() -> WebhookHealth:
    statuses = WebhookEvent.Status
    return WebhookHealth(
        registration=WebhookRegistration.objects.order_by("-last_checked_at").first(),
        last_event_at=WebhookEvent.objects.filter(source=WebhookEvent.Source.WEBHOOK).aggregate(at=Max("received_at"))[
            "at"
        ],
        pending=WebhookEvent.objects.filter(status__in=[statuses.PENDING, statuses.PROCESSING]).count(),
        failed=WebhookEvent.objects.filter(status=statuses.FAILED).count(),
        ignored=WebhookEvent.objects.filter(status=statuses.IGNORED).count(),
    )
