"""What agents change on a conversation, and the brand-wide pages (audit log, erasure)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.selectors import audit_events_list
from accounts.web.access import brand_role_required
from engagement.selectors import (
    assignable_members,
    canned_responses_list,
    contact_conversations,
    contact_get,
    conversation_get,
    labels_by_public_ids,
    labels_list,
    member_user,
    notes_for,
)
from engagement.services.conversation_actions import ConversationError, conversation_update, note_add
from engagement.services.uploads_and_erasure import contact_erase

UNSET = object()


@brand_role_required(Role.AGENT)
@require_POST
def update(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """Status, assignee and labels from the conversation header."""
    brand = request.brand  # type: ignore[attr-defined]
    conversation = conversation_get(brand=brand, conversation_id=conversation_id)
    changes: dict = {}
    if "status" in request.POST:
        changes["status"] = request.POST["status"]
    if "assignee" in request.POST:
        value = request.POST["assignee"]
        changes["assignee"] = (
            None
            if value in ("", "none")
            else request.user
            if value == "me"
            else member_user(brand=brand, user_id=value)
        )
    if "labels" in request.POST or request.POST.get("labels_submitted"):
        changes["labels"] = labels_by_public_ids(brand=brand, label_ids=request.POST.getlist("labels"))
    try:
        conversation_update(conversation=conversation, by=request.user, **changes)
    except ConversationError as error:
        return HttpResponse(error.message, status=400)
    conversation.refresh_from_db()
    context = {
        "conversation": conversation,
        "members": list(assignable_members(brand=brand)),
        "all_labels": list(labels_list(brand=brand)),
    }
    response = render(request, "engagement/_conversation_header.html", context)
    response["HX-Trigger"] = "roost:conversation-changed"
    return response


@brand_role_required(Role.AGENT)
@require_POST
def note(request: HttpRequest, conversation_id: str) -> HttpResponse:
    conversation = conversation_get(brand=request.brand, conversation_id=conversation_id)  # type: ignore[attr-defined]
    error = ""
    try:
        note_add(conversation=conversation, author=request.user, text=request.POST.get("text", ""))
    except ConversationError as problem:
        error = problem.message
    context = {"conversation": conversation, "notes": list(notes_for(conversation=conversation)), "note_error": error}
    return render(request, "engagement/_notes.html", context, status=400 if error else 200)


@brand_role_required(Role.AGENT)
@require_GET
def canned(request: HttpRequest) -> JsonResponse:
    """Canned responses for the composer's /shortcut."""
    responses = canned_responses_list(brand=request.brand, q=request.GET.get("q", ""))[:10]  # type: ignore[attr-defined]
    return JsonResponse(
        {
            "results": [
                {
                    "shortcut": r.shortcut,
                    "title": r.title,
                    "text": r.text,
                    "quick_replies": r.quick_replies,
                    "buttons": r.buttons,
                }
                for r in responses
            ]
        }
    )


@brand_role_required(Role.ADMIN)
@require_POST
def erase_contact(request: HttpRequest, contact_id: str) -> HttpResponse:
    """Erase a customer on request. The typed confirmation guards against a slip."""
    brand = request.brand  # type: ignore[attr-defined]
    contact = contact_get(brand=brand, contact_id=contact_id)
    if request.POST.get("confirm", "").strip().lower() != "erase":
        messages.error(request, "Nothing was erased: type erase to confirm.")
        back = contact_conversations(brand=brand, contact=contact).first()
        return redirect(f"/c/{back.public_id}" if back else "/")
    count = contact_erase(brand=brand, contact=contact, by=request.user)
    messages.success(request, f"The contact and {count} conversation(s), with their messages and media, were erased.")
    return redirect("/")


@brand_role_required(Role.ADMIN)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    events = audit_events_list(brand=request.brand)  # type: ignore[attr-defined]
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    page = Paginator(events.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    return render(request, "engagement/audit_log.html", {"page": page, "action": action})
