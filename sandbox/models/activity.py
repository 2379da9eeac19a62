"""Account Activity: the webhook, its subscriptions, and the outbox of event deliveries."""

from __future__ import annotations

from django.db import models

from sandbox.ids import snowflake
from sandbox.models.accounts import SandboxUser


class SandboxWebhook(models.Model):
    id = models.BigIntegerField(primary_key=True, default=snowflake, editable=False)
    # Premium (sandbox tier) allows one webhook per environment (twitter-api.md §3.1).
    env_name = models.CharField(max_length=64, unique=True)
    url = models.URLField(max_length=500)
    valid = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_crc_at = models.DateTimeField(null=True, blank=True)
    last_crc_error = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.env_name}: {self.url}"


class SandboxSubscription(models.Model):
    webhook = models.ForeignKey(SandboxWebhook, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["webhook", "user"], name="sandbox_subscription_once")]

    def __str__(self) -> str:
        return f"{self.user} → webhook {self.webhook_id}"


class SandboxDelivery(models.Model):
    """One event POST to a webhook: written with the event, sent after commit, retried (§11.5)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed after every retry"

    webhook = models.ForeignKey(SandboxWebhook, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    url = models.URLField(max_length=500)
    for_user_id = models.CharField(max_length=20, blank=True, db_index=True)
    event_type = models.CharField(max_length=64)
    body = models.TextField(help_text="The exact JSON body POSTed (and signed).")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="sandbox_deliveries_due")]
        ordering = ["-created_at"]
        verbose_name_plural = "sandbox deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} for {self.for_user_id or '-'} ({self.status})"
