from __future__ import annotations

from django.db import models

from accounts.models import Brand, public_id_field


class Contact(models.Model):
    """A customer: a Twitter user who wrote to, mentioned or followed one of the brand's accounts.

    Relationship flags (follows, blocked, muted) reflect the latest event from any of the
    brand's accounts.
    """

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="contacts")
    twitter_user_id = models.CharField(max_length=32)
    screen_name = models.CharField(max_length=50, blank=True)
    name = models.CharField(max_length=100, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    location = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=500, blank=True)
    protected = models.BooleanField(default=False)
    verified = models.BooleanField(default=False)
    followers_count = models.PositiveIntegerField(null=True, blank=True)
    twitter_created_at = models.DateTimeField(null=True, blank=True)
    follows_brand = models.BooleanField(null=True, blank=True)
    blocked_by_brand = models.BooleanField(default=False)
    muted_by_brand = models.BooleanField(default=False)
    last_favourite_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(null=True, blank=True, help_text="Set when erased on request.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["brand", "twitter_user_id"], name="one_contact_per_twitter_user")
        ]
        indexes = [models.Index(fields=["brand", "screen_name"])]
        ordering = ["screen_name"]

    def __str__(self) -> str:
        return f"@{self.screen_name}" if self.screen_name else self.twitter_user_id
