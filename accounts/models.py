"""People, brands (the tenant) and the Twitter accounts a brand has connected."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from accounts.encryption import EncryptedTextField


def public_id_field() -> models.UUIDField:
    """The opaque id that URLs and the API expose instead of the sequential primary key."""
    return models.UUIDField(default=uuid.uuid4, unique=True, editable=False)


class User(AbstractUser):
    """A person who logs in to Roost. Their rights come from their memberships, per brand."""

    public_id = public_id_field()

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email or self.username

    # A non-superuser's rights come only from their Membership.role in the current brand
    # (accounts.admin_tenancy); global Django permissions and groups are never consulted, so
    # a stray permission granted in the admin cannot open another brand's data.
    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_active and self.is_superuser

    def has_perms(self, perm_list: object, obj: object = None) -> bool:
        return self.is_active and self.is_superuser

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and self.is_superuser


class Role(models.TextChoices):
    AGENT = "agent", "Agent"
    ADMIN = "admin", "Admin"
    OWNER = "owner", "Owner"


ROLE_RANK = {Role.AGENT: 1, Role.ADMIN: 2, Role.OWNER: 3}


def role_at_least(role: str, minimum: str) -> bool:
    return ROLE_RANK[Role(role)] >= ROLE_RANK[Role(minimum)]


class Brand(models.Model):
    """The tenant. Every row a brand owns points here."""

    public_id = public_id_field()
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    require_mfa = models.BooleanField(
        default=False, help_text="Members must set up two-factor authentication before they can work."
    )
    timezone = models.CharField(max_length=64, default="UTC", help_text="Used for business hours.")
    business_hours = models.JSONField(
        default=dict,
        blank=True,
        help_text='Opening hours per weekday, e.g. {"mon": [["09:00", "17:00"]]}; used by bot rules.',
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    default_custom_profile = models.ForeignKey(
        "engagement.CustomProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Preselected when this member replies.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brand", "user"], name="one_membership_per_brand")]
        ordering = ["brand__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()} of {self.brand})"

    def has_role(self, minimum: str) -> bool:
        return role_at_least(self.role, minimum)


class Invitation(models.Model):
    """An emailed, single-use, expiring link to join a brand. Only a hash of its token is kept."""

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["brand", "email"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.brand} ({self.role})"


class TwitterAccount(models.Model):
    """A Twitter account a brand has connected and subscribed to the webhook."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        NEEDS_REAUTH = "needs_reauth", "Needs re-authorisation"
        DISCONNECTED = "disconnected", "Disconnected"

    class SubscriptionState(models.TextChoices):
        NOT_SUBSCRIBED = "not_subscribed", "Not subscribed"
        PENDING = "pending", "Subscribing"
        SUBSCRIBED = "subscribed", "Subscribed"
        FAILED = "failed", "Failed"

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="twitter_accounts")
    twitter_user_id = models.CharField(max_length=32)
    screen_name = models.CharField(max_length=50)
    name = models.CharField(max_length=100, blank=True)
    avatar_url = models.URLField(max_length=500, blank=True)
    access_token = EncryptedTextField(blank=True)
    access_token_secret = EncryptedTextField(blank=True)
    access_level = models.CharField(max_length=64, blank=True, help_text="Twitter's x-access-level for the token.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    subscription_state = models.CharField(
        max_length=16, choices=SubscriptionState.choices, default=SubscriptionState.NOT_SUBSCRIBED
    )
    subscription_error = models.TextField(blank=True)
    # When a subscribe task was last asked for: the sweep re-enqueues "pending" rows whose
    # task was lost (the broker is only a doorbell).
    subscription_requested_at = models.DateTimeField(null=True, blank=True)
    subscription_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    connected_at = models.DateTimeField(auto_now_add=True)
    reauthorised_at = models.DateTimeField(null=True, blank=True)
    needs_reauth_since = models.DateTimeField(null=True, blank=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # A Twitter account is live in at most one brand; a disconnected row keeps its
            # history and does not block connecting the account again.
            models.UniqueConstraint(
                fields=["twitter_user_id"],
                condition=~Q(state="disconnected"),
                name="one_live_account_per_twitter_user",
            )
        ]
        indexes = [models.Index(fields=["brand", "state"])]
        ordering = ["screen_name"]

    def __str__(self) -> str:
        return f"@{self.screen_name}"

    @property
    def has_tokens(self) -> bool:
        return bool(self.access_token and self.access_token_secret)


class ApiToken(models.Model):
    """A REST API credential. It acts as its member; only a SHA-256 of the secret is stored."""

    public_id = public_id_field()
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="api_tokens")
    # Removing a member deletes their tokens with them: access ends at once.
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, editable=False, help_text="The first characters, to recognise it.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEvent(models.Model):
    """Who did what in a brand: assignments, status changes, replies, settings, erasures."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="audit_events")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["brand", "-created_at"])]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.summary
