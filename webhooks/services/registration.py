"""Our webhook as Twitter knows it: registering, re-checking and deleting it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone

from integrations.twitter import NotFound, twitter_client
from integrations.twitter.types import Webhook
from webhooks.models import WebhookRegistration

logger = logging.getLogger(__name__)


class WebhookSetupError(Exception):
    """The webhook could not be set up; the message says why."""


def webhook_url() -> str:
    if not settings.PUBLIC_URL:
        raise WebhookSetupError("PUBLIC_URL is not set: Twitter needs the externally reachable base URL of Roost")
    return f"{settings.PUBLIC_URL}/webhooks/twitter/"


def _record(webhook: Webhook, *, crc_ok: bool = False) -> WebhookRegistration:
    now = timezone.now()
    registration, _ = WebhookRegistration.objects.update_or_create(
        webhook_id=webhook.id,
        defaults={
            "url": webhook.url,
            "env_name": settings.TWITTER_ENV_NAME,
            "api_version": settings.TWITTER_API_VERSION,
            "valid": webhook.valid,
            "last_checked_at": now,
        },
    )
    if registration.registered_at is None:
        registration.registered_at = now
    if crc_ok:
        registration.last_crc_ok_at = now
        registration.last_error = ""
    registration.save()
    return registration


def webhooks_refresh() -> list[WebhookRegistration]:
    """Ask Twitter which webhooks the app has and record what it says."""
    webhooks = twitter_client().webhooks_list()
    known = [_record(webhook) for webhook in webhooks]
    WebhookRegistration.objects.exclude(webhook_id__in=[webhook.id for webhook in webhooks]).delete()
    return known


def webhook_ensure_registered(*, url: str | None = None) -> tuple[WebhookRegistration, str]:
    """Register ``url`` (PUBLIC_URL/webhooks/twitter/) unless it already is; re-run the CRC
    when Twitter marked it invalid. Returns the registration and what was done."""
    url = url or webhook_url()
    client = twitter_client()
    for webhook in client.webhooks_list():
        if webhook.url == url:
            if webhook.valid:
                return _record(webhook), "already registered"
            client.webhook_trigger_crc(webhook.id)
            return _record(Webhook(webhook.id, webhook.url, True, webhook.created_at), crc_ok=True), "re-validated"
    webhook = client.webhook_register(url)
    logger.info("webhook registered", extra={"webhook_id": webhook.id, "url": url})
    return _record(webhook, crc_ok=True), "registered"


def webhook_trigger_crc(*, webhook_id: str) -> WebhookRegistration:
    client = twitter_client()
    now = timezone.now()
    registration = WebhookRegistration.objects.filter(webhook_id=webhook_id).first()
    try:
        client.webhook_trigger_crc(webhook_id)
    except Exception as error:
        if registration is not None:
            registration.valid = False
            registration.last_crc_triggered_at = now
            registration.last_error = str(error)
            registration.save(update_fields=["valid", "last_crc_triggered_at", "last_error"])
        raise
    webhook = next((w for w in client.webhooks_list() if w.id == webhook_id), None)
    if webhook is None:
        raise NotFound(f"webhook {webhook_id} does not exist", code=34, status=404)
    registration = _record(webhook, crc_ok=True)
    registration.last_crc_triggered_at = now
    registration.save(update_fields=["last_crc_triggered_at"])
    return registration


def webhook_delete(*, webhook_id: str) -> None:
    twitter_client().webhook_delete(webhook_id)
    WebhookRegistration.objects.filter(webhook_id=webhook_id).delete()
    logger.info("webhook deleted", extra={"webhook_id": webhook_id})
