"""Welcome messages, the default rule and custom profiles, synced to Twitter.

Saving, deleting and the actions only record what Twitter should have and ring a Celery task
(``engagement.services.welcome`` / ``custom_profiles``); the list shows where each row stands,
with Twitter's reason when it refused.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.admin_tenancy import BrandScopedAdmin
from accounts.models import Role, TwitterAccount
from engagement.admin import sync_forms
from engagement.models import CustomProfile, SyncState, WelcomeMessage, WelcomeMessageRule
from engagement.services.custom_profiles import custom_profile_delete, custom_profile_save, custom_profiles_sync_again
from engagement.services.welcome import (
    welcome_message_delete,
    welcome_message_make_default,
    welcome_message_save,
    welcome_messages_sync_again,
    welcome_rule_remove,
    welcome_rules_sync_again,
)
from integrations.twitter import wire_capabilities

ON_TWITTER = ("sync_status", "twitter_id", "synced_at")


class SyncedToTwitterAdmin(BrandScopedAdmin):
    """What the three admins share: writes through services, deletes that go through Twitter."""

    role_required = {"view": Role.ADMIN, "add": Role.ADMIN, "change": Role.ADMIN, "delete": Role.ADMIN}
    list_select_related = ("account",)
    noun = "row"
    editable: tuple[str, ...] = ()  # what people edit, after the account
    on_twitter: tuple[str, ...] = ON_TWITTER  # shown read-only once the row exists
    capability = ""  # the wire capability these rows need (integrations.twitter.capabilities)
    unavailable_note = ""  # what the list says on a wire without it

    def wire_has_it(self) -> bool:
        return getattr(wire_capabilities(), self.capability)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not self.wire_has_it() and request.method == "GET":
            self.message_user(request, self.unavailable_note.format(wire=wire_capabilities().label), messages.WARNING)
        return super().changelist_view(request, extra_context)

    class Media:
        js = ("engagement/admin/copy.js",)

    def get_exclude(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        # The brand always follows the account, superusers included.
        return [*super().get_exclude(request, obj), "brand"]

    def formfield_for_foreignkey(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "account":
            kwargs["queryset"] = TwitterAccount.objects.exclude(state=TwitterAccount.State.DISCONNECTED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("account")  # a row belongs to one account on Twitter
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A row on its way out can be looked at, not changed.
        deleting = obj is not None and obj.sync_state == SyncState.DELETING
        return not deleting and super().has_change_permission(request, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = [(None, {"fields": ("account", *self.editable)})]
        if obj is not None:
            fieldsets.append(("On Twitter", {"fields": self.on_twitter}))
        return fieldsets

    @admin.display(description="Sync")
    def sync_status(self, obj: Any) -> str:
        if not self.wire_has_it():
            return f"Not on Twitter: {wire_capabilities().label} has no {self.model._meta.verbose_name_plural}"
        return sync_forms.sync_status(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> HttpResponse:
        if self.model._default_manager.filter(pk=obj_id).exists():
            self.message_user(
                request,
                f"“{obj_display}” is being deleted on Twitter; it leaves this list once Twitter confirms.",
                messages.SUCCESS,
            )
        else:
            self.message_user(request, f"“{obj_display}” was deleted.", messages.SUCCESS)
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not self.wire_has_it():
            actions.pop("sync_again", None)  # there is nothing on Twitter to sync with
            return actions
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                type(self).delete_on_twitter,
                "delete_selected",  # the confirmation page posts this name back
                f"Delete selected {self.model._meta.verbose_name_plural} (on Twitter too)",
            )
        return actions

    def delete_on_twitter(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        response = delete_selected(self, request, queryset)
        if response is None:  # confirmed and done
            self.message_user(request, "Rows still listed as “Deleting” leave the list once Twitter confirms.")
        return response

    def _report_sync_again(self, request: HttpRequest, chosen: int, rung: int) -> None:
        if rung:
            self.message_user(request, f"{rung} {self.noun}(s) will sync again.", messages.SUCCESS)
        if chosen > rung:
            self.message_user(
                request,
                f"{chosen - rung} {self.noun}(s) skipped: only failed or waiting ones sync again.",
                messages.INFO,
            )


class WelcomeAdmin(SyncedToTwitterAdmin):
    """Read-only on a wire without welcome messages: nothing here could reach Twitter."""

    capability = "welcome_messages"
    unavailable_note = (
        "Welcome messages are not available on {wire}: Twitter offers none there, so nothing here is "
        "shown to customers. They are kept, read-only, and sync again on Twitter API v1.1 "
        "(TWITTER_API_VERSION=1.1)."
    )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.wire_has_it() and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.wire_has_it() and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.wire_has_it() and super().has_delete_permission(request, obj)


@admin.register(WelcomeMessage)
class WelcomeMessageAdmin(WelcomeAdmin):
    form = sync_forms.WelcomeMessageForm
    noun = "welcome message"
    editable = ("name", "text", "quick_replies", "buttons", "image")
    on_twitter = ("sync_status", "deep_links", "is_default", "twitter_id", "image_media_id", "synced_at")
    readonly_fields = on_twitter
    list_display = ("name", "account", "is_default", "sync_status", "copy_link", "updated_at")
    list_filter = ("sync_state", "account")
    search_fields = ("name", "text")
    actions = ["make_default", "sync_again"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[WelcomeMessage]:
        return super().get_queryset(request).prefetch_related("rules")

    @admin.display(description="Deep links (open a DM showing this welcome message)")
    def deep_links(self, obj: WelcomeMessage) -> str:
        return sync_forms.deep_links(obj)

    @admin.display(description="Link")
    def copy_link(self, obj: WelcomeMessage) -> str:
        return sync_forms.copy_button(obj)

    @admin.display(description="Default")
    def is_default(self, obj: WelcomeMessage) -> str:
        return sync_forms.default_status(obj)

    def save_model(self, request: HttpRequest, obj: WelcomeMessage, form: Any, change: bool) -> None:
        welcome_message_save(welcome_message=obj, changed=form.changed_data if change else None, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: WelcomeMessage) -> None:
        welcome_message_delete(welcome_message=obj, actor=request.user)

    @admin.action(description="Make default (what people see when they open a DM)", permissions=["change"])
    def make_default(self, request: HttpRequest, queryset: QuerySet[WelcomeMessage]) -> None:
        chosen = list(queryset.select_related("account", "brand"))
        accounts = [message.account_id for message in chosen]
        if len(accounts) != len(set(accounts)):
            self.message_user(request, "An account has a single default: choose one welcome message per account.")
            return
        for message in chosen:
            try:
                welcome_message_make_default(welcome_message=message, actor=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"“{message.name}” becomes the default for @{message.account.screen_name} once Twitter confirms.",
                    messages.SUCCESS,
                )

    @admin.action(description="Sync again", permissions=["change"])
    def sync_again(self, request: HttpRequest, queryset: QuerySet[WelcomeMessage]) -> None:
        chosen = list(queryset)
        self._report_sync_again(request, len(chosen), welcome_messages_sync_again(welcome_messages=chosen))


@admin.register(WelcomeMessageRule)
class WelcomeMessageRuleAdmin(WelcomeAdmin):
    """Each account's default welcome message. Set with the welcome messages' “Make default”
    action; deleting one here stops showing a welcome message by default."""

    noun = "default"
    editable = ("welcome_message",)
    on_twitter = ON_TWITTER
    readonly_fields = ("welcome_message", *ON_TWITTER)
    list_display = ("account", "welcome_message", "sync_status", "synced_at")
    list_select_related = ("account", "welcome_message")
    actions = ["sync_again"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # use “Make default” on a welcome message

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: WelcomeMessageRule) -> None:
        welcome_rule_remove(rule=obj, actor=request.user)

    @admin.action(description="Sync again", permissions=["delete"])
    def sync_again(self, request: HttpRequest, queryset: QuerySet[WelcomeMessageRule]) -> None:
        chosen = list(queryset)
        self._report_sync_again(request, len(chosen), welcome_rules_sync_again(rules=chosen))


@admin.register(CustomProfile)
class CustomProfileAdmin(SyncedToTwitterAdmin):
    form = sync_forms.CustomProfileForm
    noun = "custom profile"
    capability = "custom_profiles"
    unavailable_note = (
        "{wire} has no custom profiles: a reply sent as one ends with its name as a signature line "
        "(“— Jon C”) and the avatar is not shown. Profiles are not synced to Twitter."
    )
    editable = ("name", "avatar")
    on_twitter = ("avatar_preview", "sync_status", "twitter_id", "avatar_url", "synced_at", "created_by")
    readonly_fields = on_twitter
    list_display = ("avatar_preview", "name", "account", "sync_status", "updated_at")
    list_display_links = ("name",)
    list_filter = ("sync_state", "account")
    search_fields = ("name",)
    actions = ["sync_again"]

    @admin.display(description="Avatar")
    def avatar_preview(self, obj: CustomProfile) -> str:
        return sync_forms.avatar_preview(obj)

    def save_model(self, request: HttpRequest, obj: CustomProfile, form: Any, change: bool) -> None:
        custom_profile_save(custom_profile=obj, changed=form.changed_data if change else None, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: CustomProfile) -> None:
        custom_profile_delete(custom_profile=obj, actor=request.user)

    @admin.action(description="Sync again", permissions=["change"])
    def sync_again(self, request: HttpRequest, queryset: QuerySet[CustomProfile]) -> None:
        chosen = list(queryset)
        self._report_sync_again(request, len(chosen), custom_profiles_sync_again(custom_profiles=chosen))
