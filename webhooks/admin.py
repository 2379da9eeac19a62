from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from webhooks.models import WebhookEvent, WebhookRegistration
from webhooks.services import webhook_events_replay, webhook_health_summary


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    """Staff only: the raw log, including events for accounts no brand owns."""

    change_list_template = "admin/webhooks/webhookevent/change_list.html"
    list_display = ("received_at", "source", "event_types", "for_user_id", "brand", "status", "attempts", "last_error")
    list_filter = ("status", "source", "event_types")
    search_fields = ("for_user_id", "public_id", "last_error")
    readonly_fields = [field.name for field in WebhookEvent._meta.fields if field.name != "id"]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the log is evidence: read-only; replay it with the action

    @admin.action(description="Replay the selected events (safe: nothing is duplicated)")
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        replayed = webhook_events_replay(event_ids=ids)
        self.message_user(request, f"{replayed} event(s) will be processed again.", messages.SUCCESS)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "webhook_health": webhook_health_summary()}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(WebhookRegistration)
class WebhookRegistrationAdmin(admin.ModelAdmin):
    list_display = ("webhook_id", "url", "api_version", "valid", "last_checked_at", "last_crc_ok_at", "last_error")
    readonly_fields = [field.name for field in WebhookRegistration._meta.fields if field.name != "id"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
