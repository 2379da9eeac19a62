"""Sandbox Twitter users, the app's tokens for them, and who follows whom."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from sandbox.ids import snowflake


class AccessLevel(models.TextChoices):
    READ = "read", "Read"
    READ_WRITE = "read-write", "Read and write"
    READ_WRITE_DMS = "read-write-directmessages", "Read, write and Direct Messages"


class SandboxUser(models.Model):
    """A Twitter account in the sandbox (a brand or a customer); not a Django user."""

    id = models.BigIntegerField(primary_key=True, default=snowflake, editable=False)
    screen_name = models.CharField(max_length=15)
    name = models.CharField(max_length=50)
    description = models.CharField(max_length=160, blank=True)
    location = models.CharField(max_length=30, blank=True)
    url = models.URLField(max_length=200, blank=True)
    protected = models.BooleanField(default=False)
    verified = models.BooleanField(default=False)
    accepts_dms_from_anyone = models.BooleanField(
        default=True, help_text="Off: only people this account follows (or already talks to) can DM it (code 150)."
    )
    profile_image = models.FileField(upload_to="sandbox/profile_images/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("screen_name"), name="sandbox_user_screen_name_unique")]
        ordering = ["screen_name"]

    def __str__(self) -> str:
        return f"@{self.screen_name}"

    @property
    def id_str(self) -> str:
        return str(self.id)


class SandboxAccessToken(models.Model):
    """An access token the app holds for a user, shaped like Twitter's ``<user_id>-<random>``."""

    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(max_length=80, unique=True)
    secret = models.CharField(max_length=80)
    access_level = models.CharField(max_length=32, choices=AccessLevel.choices, default=AccessLevel.READ_WRITE_DMS)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.token[:24]}… ({self.access_level})"

    @property
    def can_write(self) -> bool:
        return self.access_level != AccessLevel.READ

    @property
    def can_dm(self) -> bool:
        return self.access_level == AccessLevel.READ_WRITE_DMS


class SandboxRequestToken(models.Model):
    """Step 1 of Sign in with Twitter; becomes an access token once a person authorises it."""

    token = models.CharField(max_length=40, unique=True)
    secret = models.CharField(max_length=64)
    callback = models.CharField(max_length=500)
    access_level = models.CharField(max_length=32, choices=AccessLevel.choices)
    verifier = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"request token {self.token[:10]}…"


class SandboxNonce(models.Model):
    """Nonces seen within the timestamp window, so a replayed request is refused."""

    consumer_key = models.CharField(max_length=80)
    token = models.CharField(max_length=80, blank=True)
    nonce = models.CharField(max_length=80)
    timestamp = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consumer_key", "token", "nonce", "timestamp"], name="sandbox_nonce_once")
        ]

    def __str__(self) -> str:
        return f"nonce {self.nonce} at {self.timestamp}"


class SandboxFollow(models.Model):
    source = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="following")
    target = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="sandbox_follow_once")]

    def __str__(self) -> str:
        return f"{self.source} follows {self.target}"
