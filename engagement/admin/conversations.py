"""Contacts, conversations and what agents use in them."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse

from accounts.admin_tenancy import AGENT_READS, AGENT_READS_ONLY, BrandScopedAdmin
from accounts.models import Role
from engagement.admin.reply import AdminReplyForm
from engagement.forms import ButtonsField, QuickRepliesField
from engagement.models import Attachment, CannedResponse, Contact, Conversation, Label, Message, Note
from engagement.services.receipts import conversation_opened
from engagement.services.replies import ReplyError, conversation_reply, message_retry


@admin.register(Contact)
class ContactAdmin(BrandScopedAdmin):
    role_required = AGENT_READS_ONLY
    list_display = ("screen_name", "name", "brand", "follows_brand", "blocked_by_brand", "updated_at")
    search_fields = ("screen_name", "name", "twitter_user_id")
    readonly_fields = [field.name for field in Contact._meta.fields if field.name != "id"]


@admin.register(Conversation)
class ConversationAdmin(BrandScopedAdmin):
    """Agents read the thread and answer it here, through the same reply service as the
    dashboard and the API."""

    role_required = {"view": Role.AGENT, "change": Role.AGENT}
    change_form_template = "admin/engagement/conversation/change_form.html"
    list_display = ("contact", "account", "kind", "status", "assignee", "last_message_at", "unread_count")
    list_filter = ("status", "kind", "account", "labels")
    search_fields = ("contact__screen_name", "contact__name")
    list_select_related = ("contact", "account", "assignee")
    fields = ("status", "assignee", "labels", "bot_active")
    filter_horizontal = ("labels",)

    def get_urls(self) -> list:
        extra = [
            path(
                "<path:object_id>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="engagement_conversation_reply",
            ),
            path(
                "<path:object_id>/messages/<int:message_pk>/retry/",
                self.admin_site.admin_view(self.retry_view),
                name="engagement_conversation_retry",
            ),
        ]
        return extra + super().get_urls()

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        conversation = self.get_object(request, object_id)
        extra_context = dict(extra_context or {})
        if conversation is not None:
            answers = self.has_change_permission(request, conversation)
            if request.method == "GET" and answers and _works_in(request, conversation):
                conversation_opened(conversation=conversation, by=request.user)
            extra_context["thread"] = _thread(conversation)
            if answers:
                extra_context["reply_form"] = AdminReplyForm(
                    conversation=conversation, membership=getattr(request, "membership", None)
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def reply_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        conversation = self.get_object(request, object_id)
        if conversation is None:
            raise Http404("No such conversation.")
        if request.method != "POST" or not self.has_change_permission(request, conversation):
            raise PermissionDenied
        form = AdminReplyForm(request.POST, conversation=conversation, membership=getattr(request, "membership", None))
        change_url = reverse("admin:engagement_conversation_change", args=[conversation.pk])
        if form.is_valid():
            data = form.cleaned_data
            try:
                conversation_reply(
                    conversation=conversation,
                    author=request.user,
                    text=data["text"],
                    quick_replies=data.get("quick_replies", []),
                    buttons=data.get("buttons", []),
                    custom_profile=data.get("custom_profile"),
                    as_new_tweet=data.get("as_new_tweet", False),
                    idempotency_key=data["idempotency_key"] or None,
                )
            except ReplyError as error:
                form.add_error(None, f"{error.field}: {error.message}")
            else:
                self.message_user(request, "Reply queued: it is on its way to Twitter.", messages.SUCCESS)
                return redirect(change_url)
        problems = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        self.message_user(request, f"Not sent. {problems}", messages.ERROR)
        return redirect(change_url)

    def retry_view(self, request: HttpRequest, object_id: str, message_pk: int) -> HttpResponse:
        conversation = self.get_object(request, object_id)
        if conversation is None:
            raise Http404("No such conversation.")
        if request.method != "POST" or not self.has_change_permission(request, conversation):
            raise PermissionDenied
        message = conversation.messages.filter(pk=message_pk).first()
        if message is None:
            raise Http404("No such message.")
        try:
            message_retry(message=message, by=request.user)
        except ReplyError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, "Sending it again.", messages.SUCCESS)
        return redirect(reverse("admin:engagement_conversation_change", args=[conversation.pk]))


def _works_in(request: HttpRequest, conversation: Conversation) -> bool:
    """Whether the reader is a member of the conversation's brand. An operator looking in as
    superuser is not answering: the customer is not told their message was read."""
    brand = getattr(request, "brand", None)
    return getattr(request, "membership", None) is not None and brand is not None and conversation.brand_id == brand.pk


def _thread(conversation: Conversation) -> list[Message]:
    return list(
        conversation.messages.select_related("custom_profile", "sender_user")
        .prefetch_related("attachments")
        .order_by(Coalesce("sent_at", "created_at"), "pk")
    )


@admin.register(Message)
class MessageAdmin(BrandScopedAdmin):
    role_required = AGENT_READS_ONLY
    list_display = ("public_id", "conversation", "direction", "origin", "status", "error", "created_at")
    list_filter = ("direction", "status", "origin")
    search_fields = ("text", "external_id")
    list_select_related = ("conversation__contact", "conversation__account")
    readonly_fields = [field.name for field in Message._meta.fields if field.name != "id"]
    actions = ["retry"]

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if not (request.user.is_superuser or getattr(request, "membership", None)):
            actions.pop("retry", None)
        return actions

    @admin.action(description="Retry the selected failed messages")
    def retry(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        retried = 0
        for message in queryset.filter(status=Message.Status.FAILED, direction=Message.Direction.OUTBOUND):
            try:
                message_retry(message=message, by=request.user)
                retried += 1
            except ReplyError as error:
                self.message_user(request, f"{message.public_id}: {error.message}", messages.WARNING)
        self.message_user(request, f"{retried} message(s) will be sent again.", messages.SUCCESS)


@admin.register(Attachment)
class AttachmentAdmin(BrandScopedAdmin):
    role_required = AGENT_READS_ONLY
    list_display = ("public_id", "kind", "message", "state", "size", "created_at")
    list_filter = ("kind", "state")
    exclude = ("file",)
    readonly_fields = [field.name for field in Attachment._meta.fields if field.name not in {"id", "file"}]


@admin.register(Note)
class NoteAdmin(BrandScopedAdmin):
    role_required = {"view": Role.AGENT, "add": Role.AGENT, "change": Role.ADMIN, "delete": Role.ADMIN}
    list_display = ("conversation", "author", "created_at")
    search_fields = ("text",)
    readonly_fields = ("author", "created_at")


@admin.register(Label)
class LabelAdmin(BrandScopedAdmin):
    role_required = AGENT_READS
    list_display = ("name", "color", "brand")
    search_fields = ("name",)


class CannedResponseForm(forms.ModelForm):
    quick_replies = QuickRepliesField()
    buttons = ButtonsField()

    class Meta:
        model = CannedResponse
        fields = ("brand", "shortcut", "title", "text", "quick_replies", "buttons")


@admin.register(CannedResponse)
class CannedResponseAdmin(BrandScopedAdmin):
    form = CannedResponseForm
    role_required = AGENT_READS
    list_display = ("shortcut", "title", "brand", "updated_at")
    search_fields = ("shortcut", "title", "text")
