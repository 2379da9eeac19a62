"""A conversation: the thread (live), the composer, presence and typing."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.web.access import brand_role_required
from config.text import is_ascii_digits
from engagement.forms import ReplyForm
from engagement.models import Conversation
from engagement.selectors import (
    BadCursor,
    assignable_members,
    canned_responses_list,
    contact_conversations,
    conversation_get,
    custom_profile_default_for,
    custom_profile_usable,
    custom_profiles_for_account,
    labels_list,
    message_get,
    notes_for,
    thread_page,
)
from engagement.services.presence import presence_mark, presence_others
from engagement.services.receipts import conversation_indicate_typing, conversation_mark_read, conversation_opened
from engagement.services.replies import ReplyError, conversation_reply, message_retry
from engagement.services.uploads_and_erasure import UploadError, attachment_upload
from engagement.views.inbox import InboxFilters, inbox_context
from integrations.twitter import wire_capabilities

TYPING_SHOWN_FOR = timedelta(seconds=5)  # Twitter shows a typing indicator for about 3 s


def _thread_context(request: HttpRequest, conversation: Conversation) -> dict:
    page = thread_page(conversation=conversation)
    typing_at = conversation.customer_typing_at
    return {
        "conversation": conversation,
        "thread": page,
        "thread_version": _thread_version(conversation, page),
        "customer_typing": bool(typing_at and timezone.now() - typing_at < TYPING_SHOWN_FOR),
        "seen_message_pk": _seen_message_pk(conversation, page.items),
    }


def _seen_message_pk(conversation: Conversation, messages: list) -> int | None:
    """The newest reply the customer has read (Twitter's ids grow with time)."""
    read = _as_number(conversation.customer_last_read_event_id)
    if read is None:
        return None
    seen = None
    for message in messages:
        number = _as_number(message.external_id)
        if message.direction == "outbound" and message.status == "sent" and number is not None and number <= read:
            seen = message.pk
    return seen


def _as_number(twitter_id: str | None) -> int | None:
    return int(twitter_id) if twitter_id and is_ascii_digits(twitter_id) else None


def _thread_version(conversation: Conversation, page) -> str:  # noqa: ANN001
    parts = [
        f"{m.pk}:{m.status}:{m.error}:{m.attachments.all()[0].state if m.attachments.all() else ''}" for m in page.items
    ]
    typing = conversation.customer_typing_at and timezone.now() - conversation.customer_typing_at < TYPING_SHOWN_FOR
    parts += [str(bool(typing)), conversation.customer_last_read_event_id]
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()[:16]


def _composer_context(request: HttpRequest, conversation: Conversation, form: ReplyForm | None = None) -> dict:
    membership = request.membership  # type: ignore[attr-defined]
    return {
        "conversation": conversation,
        "form": form or ReplyForm(),
        "profiles": list(custom_profiles_for_account(brand=conversation.brand, account=conversation.account)),
        "default_profile": custom_profile_default_for(membership=membership, account=conversation.account),
        "wire": wire_capabilities(),
        "idempotency_key": uuid.uuid4().hex,
    }


def _side_context(request: HttpRequest, conversation: Conversation) -> dict:
    return {
        "members": list(assignable_members(brand=conversation.brand)),
        "all_labels": list(labels_list(brand=conversation.brand)),
        "notes": list(notes_for(conversation=conversation)),
        "past_conversations": list(
            contact_conversations(brand=conversation.brand, contact=conversation.contact, exclude=conversation)[:10]
        ),
    }


@brand_role_required(Role.AGENT)
@require_GET
def conversation_page(request: HttpRequest, conversation_id: str) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    conversation = conversation_get(brand=brand, conversation_id=conversation_id)
    conversation_opened(conversation=conversation, by=request.user)
    filters = InboxFilters.from_request(request)
    context = {
        **inbox_context(request, filters),
        **_thread_context(request, conversation),
        **_composer_context(request, conversation),
        **_side_context(request, conversation),
        "canned_count": canned_responses_list(brand=brand).count(),
    }
    return render(request, "engagement/inbox.html", context)


@brand_role_required(Role.AGENT)
@require_GET
def thread(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """The thread as a fragment, polled while the tab is visible; older pages by cursor."""
    conversation = conversation_get(brand=request.brand, conversation_id=conversation_id)  # type: ignore[attr-defined]
    cursor = request.GET.get("before")
    if cursor:
        try:
            page = thread_page(conversation=conversation, cursor=cursor)
        except BadCursor:
            return HttpResponse("That page link is not valid any more; reload the conversation.", status=400)
        return render(request, "engagement/_older_messages.html", {"conversation": conversation, "thread": page})
    context = _thread_context(request, conversation)
    if request.GET.get("version") == context["thread_version"]:
        return HttpResponse(status=204)
    if conversation.unread_count:
        conversation_mark_read(conversation=conversation)
    return render(request, "engagement/_thread.html", context)


@brand_role_required(Role.AGENT)
@require_POST
def reply(request: HttpRequest, conversation_id: str) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    conversation = conversation_get(brand=brand, conversation_id=conversation_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            profile = (
                custom_profile_usable(brand=brand, account=conversation.account, profile_id=data["custom_profile"])
                if data["custom_profile"]
                else None
            )
            attachment = (
                attachment_upload(brand=brand, user=request.user, upload=data["attachment"])
                if data["attachment"]
                else None
            )
            conversation_reply(
                conversation=conversation,
                author=request.user,
                text=data["text"],
                quick_replies=data["quick_replies"],
                buttons=data["buttons"],
                custom_profile=profile,
                attachment=attachment,
                idempotency_key=data["idempotency_key"] or None,
                as_new_tweet=data["as_new_tweet"] and conversation.kind == conversation.Kind.MENTION,
            )
        except ReplyError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except UploadError as error:
            form.add_error("attachment", str(error))
        except Http404:  # a profile of another account, or not synced
            form.add_error("custom_profile", "Choose one of this account's synced custom profiles.")
    if form.errors:
        response = render(
            request, "engagement/_composer.html", _composer_context(request, conversation, form), status=400
        )
        response["HX-Retarget"] = "#composer"
        response["HX-Reswap"] = "outerHTML"
        return response
    conversation.refresh_from_db()
    # The first reply assigns the conversation: the header shows it at once.
    context = {**_thread_context(request, conversation), **_side_context(request, conversation), "header_oob": True}
    response = render(request, "engagement/_thread.html", context)
    response["HX-Trigger"] = "roost:replied"
    return response


@brand_role_required(Role.AGENT)
@require_POST
def retry(request: HttpRequest, conversation_id: str, message_id: str) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    conversation = conversation_get(brand=brand, conversation_id=conversation_id)
    message = message_get(brand=brand, message_id=message_id)
    if message.conversation_id != conversation.pk:
        return HttpResponse(status=404)
    try:
        message_retry(message=message, by=request.user)
    except ReplyError as error:
        return HttpResponse(error.message, status=400)
    return render(request, "engagement/_thread.html", _thread_context(request, conversation))


@brand_role_required(Role.AGENT)
@require_POST
def typing(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """The agent is writing: tell the customer (throttled) and the other agents."""
    conversation = conversation_get(brand=request.brand, conversation_id=conversation_id)  # type: ignore[attr-defined]
    presence_mark(conversation=conversation, user=request.user, typing=True)
    conversation_indicate_typing(conversation=conversation)
    return HttpResponse(status=204)


@brand_role_required(Role.AGENT)
@require_POST
def presence(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """The page reports it is open; the answer says who else is here."""
    conversation = conversation_get(brand=request.brand, conversation_id=conversation_id)  # type: ignore[attr-defined]
    presence_mark(conversation=conversation, user=request.user)
    member_ids = [member.user_id for member in assignable_members(brand=conversation.brand)]
    others = presence_others(conversation=conversation, user=request.user, member_ids=member_ids)
    return render(request, "engagement/_presence.html", {"others": others})
