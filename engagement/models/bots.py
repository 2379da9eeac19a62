from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.models import Brand, TwitterAccount, public_id_field
from engagement.models.conversations import Conversation, Label


class CannedResponse(models.Model):
    """A saved reply agents insert with /shortcut."""

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="canned_responses")
    shortcut = models.SlugField(max_length=50)
    title = models.CharField(max_length=100)
    text = models.TextField(max_length=10000)
    quick_replies = models.JSONField(default=list, blank=True)
    buttons = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "shortcut"], name="unique_canned_shortcut")]
        ordering = ["shortcut"]

    def __str__(self) -> str:
        return f"/{self.shortcut}"


class BotRule(models.Model):
    """When a customer's message matches the trigger, answer and/or act."""

    class Trigger(models.TextChoices):
        KEYWORDS = "keywords", "Message contains a keyword"
        PATTERN = "pattern", "Message matches a pattern"
        QUICK_REPLY = "quick_reply", "Customer tapped a quick reply"
        FIRST_MESSAGE = "first_message", "First message of a conversation"
        OUTSIDE_HOURS = "outside_hours", "Outside business hours"

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="bot_rules")
    account = models.ForeignKey(
        TwitterAccount,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="bot_rules",
        help_text="Leave empty to apply to every account of the brand.",
    )
    name = models.CharField(max_length=100)
    enabled = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers are tried first.")
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    keywords = models.CharField(max_length=500, blank=True, help_text="Comma-separated; matched as whole words.")
    pattern = models.CharField(max_length=500, blank=True, help_text="A regular expression, case-insensitive.")
    quick_reply_metadata = models.CharField(max_length=1000, blank=True)
    response_text = models.TextField(max_length=10000, blank=True)
    response_quick_replies = models.JSONField(default=list, blank=True)
    response_buttons = models.JSONField(default=list, blank=True)
    hand_over = models.BooleanField(default=False, help_text="Stop the bot and leave the conversation to a human.")
    set_status = models.CharField(max_length=16, choices=Conversation.Status.choices, blank=True)
    add_label = models.ForeignKey(Label, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["brand", "enabled", "priority"])]
        ordering = ["priority", "name"]

    def __str__(self) -> str:
        return self.name
