"""Bot rules: what triggers them and how they answer."""

from __future__ import annotations

from typing import Any

import regex
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path

from accounts.admin_tenancy import BrandScopedAdmin
from engagement.forms import ButtonsField, QuickRepliesField, buttons_from_json, quick_replies_from_json
from engagement.models import BotRule
from engagement.services.bots import bot_rules_install_menu
from integrations.twitter import TwitterValidationError, wire_capabilities
from integrations.twitter.validation import validate_message

REQUIRED_FOR_TRIGGER = {
    BotRule.Trigger.KEYWORDS: ("keywords", "Give at least one keyword."),
    BotRule.Trigger.PATTERN: ("pattern", "Give a pattern to match."),
    BotRule.Trigger.QUICK_REPLY: ("quick_reply_metadata", "Give the quick reply's metadata this rule answers."),
}


class BotRuleForm(forms.ModelForm):
    response_quick_replies = QuickRepliesField(label="Quick replies offered with the answer")
    response_buttons = ButtonsField(label="Buttons under the answer")

    class Meta:
        model = BotRule
        fields = (
            "brand",
            "name",
            "enabled",
            "priority",
            "account",
            "trigger",
            "keywords",
            "pattern",
            "quick_reply_metadata",
            "response_text",
            "response_quick_replies",
            "response_buttons",
            "hand_over",
            "set_status",
            "add_label",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wire = wire_capabilities()
        if not wire.quick_replies:
            self.fields["response_quick_replies"].help_text = (
                f"{wire.label} sends these as a numbered list; a customer who answers with a number or an "
                "option's name triggers the rule for that option's metadata, as a tap would."
            )
        if not wire.buttons:
            self.fields["response_buttons"].help_text = f"{wire.label} sends these as links after the text."

    def clean_pattern(self) -> str:
        pattern = self.cleaned_data.get("pattern", "")
        if pattern:
            try:
                regex.compile(pattern)  # what matching uses (engagement.services.bots)
            except regex.error as error:
                raise forms.ValidationError(f"This is not a valid regular expression: {error}") from None
        return pattern

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        trigger = data.get("trigger")
        if trigger in REQUIRED_FOR_TRIGGER:
            field, message = REQUIRED_FOR_TRIGGER[trigger]
            if not (data.get(field) or "").strip():
                self.add_error(field, message)
        text = (data.get("response_text") or "").strip()
        acts = data.get("hand_over") or data.get("set_status") or data.get("add_label")
        if not text and not acts:
            self.add_error("response_text", "Give the rule an answer, an action, or both.")
        if text:
            try:
                validate_message(
                    text=text,
                    quick_replies=quick_replies_from_json(data.get("response_quick_replies")),
                    buttons=buttons_from_json(data.get("response_buttons")),
                )
            except TwitterValidationError as error:
                self.add_error("response_text", error.reason)
        elif data.get("response_quick_replies") or data.get("response_buttons"):
            self.add_error("response_text", "Quick replies and buttons need an answer to go with.")
        return data


@admin.register(BotRule)
class BotRuleAdmin(BrandScopedAdmin):
    form = BotRuleForm
    change_list_template = "admin/engagement/botrule/change_list.html"
    list_display = ("name", "trigger", "enabled", "priority", "account", "hand_over")
    list_filter = ("enabled", "trigger", "account")
    list_editable = ("enabled", "priority")
    search_fields = ("name", "keywords", "pattern")
    fieldsets = (
        (None, {"fields": ("name", "enabled", "priority", "account")}),
        ("When", {"fields": ("trigger", "keywords", "pattern", "quick_reply_metadata")}),
        ("Answer", {"fields": ("response_text", "response_quick_replies", "response_buttons")}),
        ("Then", {"fields": ("hand_over", "set_status", "add_label")}),
    )

    def get_urls(self) -> list:
        extra = [
            path(
                "add-menu-bot/",
                self.admin_site.admin_view(self.add_menu_bot_view),
                name="engagement_botrule_add_menu",
            )
        ]
        return extra + super().get_urls()

    def add_menu_bot_view(self, request: HttpRequest) -> HttpResponse:
        """The sample chatbots' menu (help, the options, Back, Talk to a person) as ordinary
        rules of the current brand, to edit like any other."""
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        membership = getattr(request, "membership", None)
        if membership is None:
            self.message_user(
                request, "Choose a brand first: the menu bot is added to the current brand.", messages.ERROR
            )
        else:
            rules = bot_rules_install_menu(brand=membership.brand)
            self.message_user(
                request,
                f"The menu bot's {len(rules)} rules are in place (rules of the same names were kept as they were): "
                'a customer who writes "help" gets the menu. Edit their answers and options below.',
                messages.SUCCESS,
            )
        return redirect("admin:engagement_botrule_changelist")
