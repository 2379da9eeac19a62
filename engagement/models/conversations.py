from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Brand, TwitterAccount, public_id_field
from engagement.models.contacts import Contact


class Label(models.Model):
    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(max_length=50)
    color = models.CharField(max_length=7, default="#6b7280", help_text="A CSS hex colour, like #2563eb.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="unique_label_name_per_brand")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Conversation(models.Model):
    """A thread between one of the brand's accounts and one contact, of one kind."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PENDING = "pending", "Pending"
        RESOLVED = "resolved", "Resolved"

    class Kind(models.TextChoices):
        DIRECT_MESSAGE = "direct_message", "Direct Message"
        MENTION = "mention", "Public mention"

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="conversations")
    account = models.ForeignKey(TwitterAccount, on_delete=models.PROTECT, related_name="conversations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DIRECT_MESSAGE)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conversations",
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="conversations")
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    last_outbound_at = models.DateTimeField(null=True, blank=True)
    unread_count = models.PositiveIntegerField(default=0)
    bot_active = models.BooleanField(default=True, help_text="Bots answer until an agent takes over.")
    customer_typing_at = models.DateTimeField(null=True, blank=True)
    customer_last_read_event_id = models.CharField(max_length=32, blank=True)
    customer_read_at = models.DateTimeField(null=True, blank=True)
    brand_last_read_event_id = models.CharField(
        max_length=32, blank=True, help_text="The newest inbound event we sent a read receipt for."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "contact", "kind"],
                condition=~Q(status="resolved"),
                name="one_unresolved_conversation_per_contact",
            )
        ]
        indexes = [
            models.Index(fields=["brand", "status", "-last_message_at"], name="inbox_by_status"),
            models.Index(fields=["brand", "assignee", "status", "-last_message_at"], name="inbox_by_assignee"),
            models.Index(fields=["brand", "kind", "status", "-last_message_at"], name="inbox_by_kind"),
            models.Index(fields=["brand", "-updated_at"], name="conversations_by_update"),
        ]
        ordering = ["-last_message_at"]

    def __str__(self) -> str:
        return f"{self.contact} ↔ {self.account} ({self.get_kind_display()})"


class Note(models.Model):
    """A private note on a conversation, for the brand's people only."""

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="notes")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]
