from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import Brand, TwitterAccount, public_id_field
from engagement.models.common import SyncState, private_upload_to


class WelcomeMessage(models.Model):
    """What a customer sees when they open a Direct Message with the account."""

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="welcome_messages")
    account = models.ForeignKey(TwitterAccount, on_delete=models.CASCADE, related_name="welcome_messages")
    name = models.CharField(max_length=100, help_text="Only you see it; letters, digits, spaces and - _ # @.")
    text = models.TextField(max_length=9990)
    quick_replies = models.JSONField(default=list, blank=True)
    buttons = models.JSONField(default=list, blank=True)
    image = models.FileField(upload_to=private_upload_to, blank=True)
    image_media_id = models.CharField(max_length=32, blank=True)
    twitter_id = models.CharField(max_length=32, null=True, blank=True)
    sync_state = models.CharField(max_length=16, choices=SyncState.choices, default=SyncState.PENDING)
    sync_error = models.TextField(blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "twitter_id"],
                condition=Q(twitter_id__isnull=False),
                name="unique_welcome_message_id",
            )
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WelcomeMessageRule(models.Model):
    """The account's single default rule: which welcome message shows by default."""

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="welcome_message_rules")
    account = models.OneToOneField(TwitterAccount, on_delete=models.CASCADE, related_name="welcome_message_rule")
    welcome_message = models.ForeignKey(WelcomeMessage, on_delete=models.CASCADE, related_name="rules")
    twitter_id = models.CharField(max_length=32, null=True, blank=True)
    sync_state = models.CharField(max_length=16, choices=SyncState.choices, default=SyncState.PENDING)
    sync_error = models.TextField(blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Default for {self.account}: {self.welcome_message}"
