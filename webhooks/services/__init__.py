"""Writes about the webhook: registering it, taking events in, processing and replaying them."""

from webhooks.services.backfill import BackfillResult, direct_messages_backfill
from webhooks.services.health import WebhookHealth, webhook_health_check, webhook_health_summary
from webhooks.services.intake import webhook_event_store
from webhooks.services.processing import (
    MAX_ATTEMPTS,
    payload_apply,
    webhook_event_process,
    webhook_events_process_pending,
    webhook_events_replay,
    webhook_events_sweep,
)
from webhooks.services.registration import (
    WebhookSetupError,
    webhook_delete,
    webhook_ensure_registered,
    webhook_trigger_crc,
    webhook_url,
    webhooks_refresh,
)

__all__ = [
    "BackfillResult",
    "direct_messages_backfill",
    "MAX_ATTEMPTS",
    "WebhookHealth",
    "WebhookSetupError",
    "payload_apply",
    "webhook_delete",
    "webhook_ensure_registered",
    "webhook_event_process",
    "webhook_events_process_pending",
    "webhook_event_store",
    "webhook_events_replay",
    "webhook_events_sweep",
    "webhook_health_check",
    "webhook_health_summary",
    "webhook_trigger_crc",
    "webhook_url",
    "webhooks_refresh",
]
