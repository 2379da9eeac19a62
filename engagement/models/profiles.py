from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Brand, TwitterAccount, public_id_field
from engagement.models.common import SyncState, private_upload_to


class CustomProfile(models.Model):
    """A name and avatar an agent's replies show instead of the account's (Twitter custom profile)."""

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="custom_profiles")
    account = models.ForeignKey(TwitterAccount, on_delete=models.CASCADE, related_name="custom_profiles")
    name = models.CharField(max_length=48)
    avatar = models.FileField(upload_to=private_upload_to, blank=True)
    avatar_media_id = models.CharField(max_length=32, blank=True, help_text="The uploaded avatar's media id.")
    avatar_url = models.URLField(max_length=500, blank=True, help_text="The avatar as Twitter serves it.")
    twitter_id = models.CharField(max_length=32, null=True, blank=True)
    sync_state = models.CharField(max_length=16, choices=SyncState.choices, default=SyncState.PENDING)
    sync_error = models.TextField(blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "twitter_id"], condition=Q(twitter_id__isnull=False), name="unique_custom_profile_id"
            )
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
