from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from accounts.admin_tenancy import ADMIN_READS_ONLY, BrandScopedAdmin
from accounts.models import ApiToken, AuditEvent, Brand, Invitation, Membership, Role, TwitterAccount, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People are global; only operators (superusers) manage them here."""

    list_display = ("username", "email", "first_name", "last_name", "is_superuser", "is_active")


@admin.register(Brand)
class BrandAdmin(BrandScopedAdmin):
    brand_lookup = ""
    role_required = {"view": Role.AGENT, "change": Role.OWNER, "delete": Role.OWNER}
    list_display = ("name", "slug", "require_mfa", "created_at")
    search_fields = ("name", "slug")
    readonly_fields = ("public_id", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Brand | None = None) -> tuple[str, ...]:
        # The slug names the brand in commands and logs; only operators change it.
        if request.user.is_superuser:
            return self.readonly_fields
        return (*self.readonly_fields, "slug")


@admin.register(Membership)
class MembershipAdmin(BrandScopedAdmin):
    # Only a member's default custom profile changes here. Roles change in Settings → Members,
    # where the rules hold (only owners make owners, a brand keeps an owner) and removals are
    # audited; members are added by invitation.
    role_required = {"view": Role.ADMIN, "change": Role.ADMIN}
    list_display = ("user", "brand", "role", "default_custom_profile", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "user__username")
    readonly_fields = ("public_id", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> tuple[str, ...]:
        if request.user.is_superuser:
            return self.readonly_fields
        return (*self.readonly_fields, "user", "brand", "role")

    def get_form(self, request: HttpRequest, obj: Membership | None = None, **kwargs: Any) -> Any:
        from engagement.selectors import custom_profiles_choosable_as_default

        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("default_custom_profile")
        if field is not None:
            # Only the member's brand's synced profiles (an operator adding a membership picks
            # the brand in the same form: they choose the profile once it is saved).
            brand = obj.brand if obj is not None else None if request.user.is_superuser else request.brand
            field.queryset = custom_profiles_choosable_as_default(brand=brand, membership=obj)
            field.help_text = "Preselected when this member replies. Only this brand's synced custom profiles."
        return form


@admin.register(Invitation)
class InvitationAdmin(BrandScopedAdmin):
    # Invitations are made in Settings → Members: only there is the secret link generated,
    # emailed and shown once (this admin could only store an invitation without a link).
    role_required = {"view": Role.ADMIN, "delete": Role.ADMIN}
    list_display = ("email", "brand", "role", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("email",)
    readonly_fields = (
        "public_id",
        "email",
        "role",
        "created_at",
        "expires_at",
        "invited_by",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    )
    exclude = ("token_hash",)


@admin.register(TwitterAccount)
class TwitterAccountAdmin(BrandScopedAdmin):
    role_required = {"view": Role.ADMIN}
    list_display = ("screen_name", "brand", "state", "subscription_state", "connected_at")
    list_filter = ("state", "subscription_state")
    search_fields = ("screen_name", "twitter_user_id")
    # Tokens are never shown: only whether they are present and their last characters.
    exclude = ("access_token", "access_token_secret")
    readonly_fields = (
        "public_id",
        "twitter_user_id",
        "screen_name",
        "name",
        "avatar_url",
        "token_status",
        "access_level",
        "state",
        "subscription_state",
        "subscription_error",
        "subscription_checked_at",
        "last_error",
        "last_error_at",
        "connected_by",
        "connected_at",
        "reauthorised_at",
        "needs_reauth_since",
        "disconnected_at",
    )

    @admin.display(description="Tokens")
    def token_status(self, obj: TwitterAccount) -> str:
        if not obj.has_tokens:
            return "none stored"
        return f"stored, encrypted (access token {obj.access_token.masked})"


@admin.register(ApiToken)
class ApiTokenAdmin(BrandScopedAdmin):
    role_required = {"view": Role.ADMIN, "delete": Role.ADMIN}
    list_display = ("name", "prefix", "membership", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("public_id", "name", "prefix", "membership", "created_at", "last_used_at", "revoked_at")
    exclude = ("token_hash",)


@admin.register(AuditEvent)
class AuditEventAdmin(BrandScopedAdmin):
    role_required = ADMIN_READS_ONLY
    list_display = ("created_at", "actor", "action", "summary")
    list_filter = ("action",)
    search_fields = ("summary", "target_id")
    readonly_fields = ("brand", "actor", "action", "target_type", "target_id", "summary", "data", "created_at")
