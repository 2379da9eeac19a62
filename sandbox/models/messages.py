"""What people say: Direct Messages, welcome messages, custom profiles, media and Tweets."""

from __future__ import annotations

from django.db import models

from sandbox.ids import snowflake
from sandbox.models.accounts import SandboxUser


class SandboxMedia(models.Model):
    """An upload (§9); ``id`` is the ``media_id``. Private: served only to signed participants."""

    class State(models.TextChoices):
        UPLOADING = "uploading", "Uploading (chunked, before FINALIZE)"
        PROCESSING = "processing", "Processing"
        READY = "ready", "Ready"

    id = models.BigIntegerField(primary_key=True, default=snowflake, editable=False)
    owner = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="media")
    additional_owners = models.JSONField(default=list, blank=True)
    media_type = models.CharField(max_length=64)
    media_category = models.CharField(max_length=32, blank=True)
    shared = models.BooleanField(default=False)
    total_bytes = models.PositiveBigIntegerField(default=0)
    file = models.FileField(upload_to="sandbox/media/", max_length=200, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.READY)
    processing_ready_at = models.DateTimeField(null=True, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True, help_text="When a DM used it (non-shared media: once).")

    def __str__(self) -> str:
        return f"media {self.id} ({self.media_type}, {self.media_category or 'no category'})"

    @property
    def kind(self) -> str:
        """The Tweet media entity ``type``: photo, animated_gif or video."""
        if self.media_type.startswith("video/"):
            return "video"
        if self.media_type == "image/gif" and self.media_category in {"dm_gif", "tweet_gif"}:
            return "animated_gif"
        return "photo"

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}.get(
            self.media_type, "mp4" if self.media_type.startswith("video/") else "bin"
        )


class SandboxCustomProfile(models.Model):
    id = models.BigIntegerField(primary_key=True, default=snowflake, editable=False)
    owner = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="custom_profiles")
    name = models.CharField(max_length=48)
    avatar = models.ForeignKey(SandboxMedia, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept, not deleted: DMs sent under a profile still show it, and a repeated destroy is a 204.
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.owner})"


class SandboxWelcomeMessage(models.Model):
    id = models.BigIntegerField(primary_key=True, default=snowflake, editable=False)
    owner = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="welcome_messages")
    name = models.CharField(max_length=100, blank=True)
    message_data = models.JSONField(help_text="As stored and answered: text, quick_reply, ctas, attachment.")
    media = models.ForeignKey(SandboxMedia, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source_app_id = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name or f"welcome message {self.id}"


class SandboxWelcomeMessageRule(models.Model):
    id = models.BigIntegerField(primary_key=True, default=snowflake, editable=False)
    owner = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="welcome_message_rules")
    welcome_message = models.ForeignKey(SandboxWelcomeMessage, on_delete=models.CASCADE, related_name="rules")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"default welcome message of {self.owner}"


class SandboxDirectMessage(models.Model):
    """A ``message_create`` event. Tests count "sent exactly once" with this table."""

    id = models.BigIntegerField(primary_key=True, default=snowflake, editable=False)
    sender = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="sent_dms")
    recipient = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="received_dms")
    text = models.TextField()
    message_data = models.JSONField(help_text="quick_reply, ctas and quick_reply_response as sent.")
    media = models.ForeignKey(SandboxMedia, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    custom_profile = models.ForeignKey(
        SandboxCustomProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_app_id = models.CharField(max_length=20)
    initiated_via = models.JSONField(null=True, blank=True)
    # Whether this send counted toward the sender's daily limit (§6.1: replies within the
    # 5-in-24-h allowance do not).
    counted = models.BooleanField(default=False)
    hidden_for_sender = models.BooleanField(default=False)
    hidden_for_recipient = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"DM {self.id} {self.sender} → {self.recipient}"


class SandboxThreadState(models.Model):
    """What ``user`` is doing in the conversation with ``other``: typing, reading, welcomed."""

    user = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="+")
    typing_until = models.DateTimeField(null=True, blank=True)
    last_read_event_id = models.BigIntegerField(null=True, blank=True)
    # The welcome message on screen for ``user`` (a customer), until their first reply.
    welcome_message = models.ForeignKey(
        SandboxWelcomeMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "other"], name="sandbox_thread_state_once")]

    def __str__(self) -> str:
        return f"{self.user} with {self.other}"


class SandboxTweet(models.Model):
    id = models.BigIntegerField(primary_key=True, default=snowflake, editable=False)
    author = models.ForeignKey(SandboxUser, on_delete=models.CASCADE, related_name="tweets")
    text = models.CharField(max_length=2000)
    in_reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies")
    in_reply_to_user = models.ForeignKey(
        SandboxUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentions = models.ManyToManyField(SandboxUser, blank=True, related_name="mentioned_in")
    media_ids = models.JSONField(default=list, blank=True)
    source_app_id = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"
