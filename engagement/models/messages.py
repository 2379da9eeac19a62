from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Brand, TwitterAccount, public_id_field
from engagement.models.common import private_upload_to
from engagement.models.conversations import Conversation
from engagement.models.profiles import CustomProfile


class Message(models.Model):
    """One Direct Message (or Tweet, in a mention conversation), either way.

    Outbound messages carry their own schedule: ``queued`` with ``not_before`` and
    ``hold_reason`` while they wait (rate limit, backoff, an account needing
    re-authorisation); a sweep enqueues the ones that are due.
    """

    class Direction(models.TextChoices):
        INBOUND = "inbound", "Inbound"
        OUTBOUND = "outbound", "Outbound"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Unknown"

    class Origin(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        AGENT = "agent", "Agent"
        API = "api", "API"
        BOT = "bot", "Bot"
        OTHER_CLIENT = "other_client", "Sent from another client"

    class HoldReason(models.TextChoices):
        NONE = "", "—"
        RATE_LIMITED = "rate_limited", "Twitter rate limit"
        BACKOFF = "backoff", "Retrying after an error"
        NEEDS_REAUTH = "needs_reauth", "Account needs re-authorisation"
        DAILY_LIMIT = "daily_limit", "Daily Direct Message limit reached"

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="messages")
    account = models.ForeignKey(TwitterAccount, on_delete=models.PROTECT, related_name="messages")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    origin = models.CharField(max_length=16, choices=Origin.choices)
    external_id = models.CharField(max_length=32, null=True, blank=True, help_text="Twitter's event or Tweet id.")
    text = models.TextField(blank=True)
    quick_replies = models.JSONField(default=list, blank=True, help_text="Options offered with this message.")
    quick_reply_response = models.JSONField(null=True, blank=True, help_text="The option the customer tapped.")
    buttons = models.JSONField(default=list, blank=True)
    custom_profile = models.ForeignKey(
        CustomProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="sent_messages"
    )
    status = models.CharField(max_length=8, choices=Status.choices)
    error = models.TextField(blank=True, help_text="Why it failed, in words an agent understands.")
    error_code = models.IntegerField(null=True, blank=True, help_text="Twitter's error code, when there was one.")
    not_before = models.DateTimeField(null=True, blank=True)
    hold_reason = models.CharField(max_length=16, choices=HoldReason.choices, blank=True, default="")
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker last took it to send, or proved it still held it."
    )
    maybe_sent = models.BooleanField(
        default=False, help_text="An earlier attempt got no answer from Twitter and may have gone out."
    )
    initiated_via = models.JSONField(null=True, blank=True)
    source_app_id = models.CharField(max_length=32, blank=True)
    in_reply_to_tweet_id = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When Twitter created it.")
    text_removed_at = models.DateTimeField(null=True, blank=True, help_text="The Tweet was deleted on Twitter.")

    class Meta:
        constraints = [
            # Redelivered webhooks and retried tasks meet here: one row per Twitter event.
            models.UniqueConstraint(
                fields=["account", "external_id"], condition=Q(external_id__isnull=False), name="one_message_per_event"
            ),
            models.UniqueConstraint(
                fields=["brand", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="one_message_per_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "-created_at"], name="thread_newest_first"),
            models.Index(fields=["status", "not_before"], name="messages_due"),
            models.Index(fields=["account", "direction", "status"], name="outbound_by_account"),
        ]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.public_id}"


class Attachment(models.Model):
    """An image, GIF or video on a message; the file itself is private to the brand."""

    class Kind(models.TextChoices):
        PHOTO = "photo", "Image"
        ANIMATED_GIF = "animated_gif", "GIF"
        VIDEO = "video", "Video"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        STORED = "stored", "Stored"
        FAILED = "failed", "Failed"

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    content_type = models.CharField(max_length=100, blank=True)
    file = models.FileField(upload_to=private_upload_to, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    source_url = models.URLField(max_length=1000, blank=True, help_text="Where Twitter serves an inbound file.")
    twitter_media_id = models.CharField(max_length=32, blank=True)
    twitter_media_expires_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True, help_text="The last download attempt.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.filename or str(self.public_id)
