"""The raw inbound log: every accepted webhook delivery, exactly as Twitter sent it."""

from __future__ import annotations

from django.db import models

from accounts.models import Brand, public_id_field


class WebhookEvent(models.Model):
    """One signed POST to /webhooks/twitter/, stored before Twitter gets its 200.

    Staff see these; brands never do (an event for an unknown account is ``ignored`` and its
    ``brand`` stays empty).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be processed"
        PROCESSING = "processing", "Processing"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        WEBHOOK = "webhook", "Webhook delivery"
        BACKFILL = "backfill", "Backfill (direct_messages/events/list)"

    public_id = public_id_field()
    received_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.WEBHOOK)
    body = models.TextField(help_text="The request body, byte for byte (UTF-8 JSON).")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    for_user_id = models.CharField(max_length=32, blank=True, db_index=True)
    event_types = models.CharField(max_length=200, blank=True)
    brand = models.ForeignKey(Brand, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["status", "received_at"], name="webhook_events_due")]
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_types or 'event'} {self.public_id} ({self.status})"


class WebhookRegistration(models.Model):
    """Our webhook as Twitter knows it, and how healthy it looked at the last check."""

    webhook_id = models.CharField(max_length=32, unique=True)
    url = models.URLField(max_length=500)
    env_name = models.CharField(max_length=64, blank=True)
    api_version = models.CharField(max_length=8, default="1.1")
    valid = models.BooleanField(default=False)
    registered_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_crc_triggered_at = models.DateTimeField(null=True, blank=True)
    last_crc_ok_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-registered_at"]

    def __str__(self) -> str:
        return f"{self.webhook_id} → {self.url}"
