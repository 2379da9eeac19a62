"""Fault injection and rate-limit windows."""

from __future__ import annotations

from django.db import models


class SandboxFault(models.Model):
    """The next ``remaining`` calls to ``endpoint`` fail (or are delayed), one per call."""

    endpoint = models.CharField(max_length=200, help_text='e.g. "POST direct_messages/events/new"')
    remaining = models.PositiveIntegerField(default=1)
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: only delay the call.")
    code = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    delay_seconds = models.FloatField(default=0)
    rate_limit_reset = models.BigIntegerField(null=True, blank=True, help_text="x-rate-limit-reset for a 429.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.endpoint} → {self.status or 'delay'} ×{self.remaining}"


class SandboxRateLimitWindow(models.Model):
    """A fixed window of calls per endpoint and caller (twitter-api.md §11.4)."""

    endpoint = models.CharField(max_length=120)
    subject = models.CharField(max_length=40, help_text="user:<id> or app")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["endpoint", "subject"], name="sandbox_rate_window_once")]

    def __str__(self) -> str:
        return f"{self.endpoint} by {self.subject}: {self.count} since {self.window_start:%H:%M:%S}"
