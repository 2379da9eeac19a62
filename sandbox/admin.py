"""The sandbox's tables in the Django admin, for operators (superusers) only: failed
deliveries are visible here and can be sent again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from sandbox import models as m
from sandbox.services.deliveries import delivery_retry


class SuperuserOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)


@admin.register(m.SandboxUser)
class SandboxUserAdmin(SuperuserOnly):
    list_display = ("screen_name", "name", "id", "accepts_dms_from_anyone", "created_at")
    search_fields = ("screen_name", "name", "id")


@admin.register(m.SandboxAccessToken)
class SandboxAccessTokenAdmin(SuperuserOnly):
    list_display = ("user", "masked", "access_level", "created_at", "revoked_at")
    list_filter = ("access_level",)
    # In the sandbox these are the connected accounts' own tokens: never shown in full.
    exclude = ("secret", "token")
    readonly_fields = ("user", "masked", "created_at")

    @admin.display(description="Token")
    def masked(self, obj: m.SandboxAccessToken) -> str:
        # Twitter's tokens start with the user id; of the secret part, only the last four show.
        return f"{obj.token.partition('-')[0]}-…{obj.token[-4:]}"


@admin.register(m.SandboxWebhook)
class SandboxWebhookAdmin(SuperuserOnly):
    list_display = ("id", "env_name", "url", "valid", "created_at", "last_crc_at", "last_crc_error")


@admin.register(m.SandboxSubscription)
class SandboxSubscriptionAdmin(SuperuserOnly):
    list_display = ("user", "webhook", "created_at")


@admin.register(m.SandboxDelivery)
class SandboxDeliveryAdmin(SuperuserOnly):
    list_display = ("created_at", "event_type", "for_user_id", "status", "attempts", "last_status_code", "last_error")
    list_filter = ("status", "event_type")
    search_fields = ("for_user_id", "body")
    readonly_fields = [field.name for field in m.SandboxDelivery._meta.fields]
    actions = ["send_again"]

    @admin.action(description="Send again now")
    def send_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        for delivery in queryset:
            delivery_retry(delivery=delivery)
        messages.success(request, f"{queryset.count()} deliveries queued again.")


@admin.register(m.SandboxDirectMessage)
class SandboxDirectMessageAdmin(SuperuserOnly):
    list_display = ("id", "sender", "recipient", "text", "source_app_id", "counted", "created_at")
    search_fields = ("text", "id")
    list_select_related = ("sender", "recipient")


@admin.register(m.SandboxFault)
class SandboxFaultAdmin(SuperuserOnly):
    list_display = ("endpoint", "remaining", "status", "code", "message", "delay_seconds", "created_at")


for model in (
    m.SandboxMedia,
    m.SandboxWelcomeMessage,
    m.SandboxWelcomeMessageRule,
    m.SandboxCustomProfile,
    m.SandboxTweet,
    m.SandboxFollow,
    m.SandboxRequestToken,
    m.SandboxThreadState,
    m.SandboxRateLimitWindow,
):
    admin.site.register(model, SuperuserOnly)
