"""The inbox: views with counts, filters, search, the conversation list (live), notifications."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.selectors import twitter_accounts_list
from accounts.web.access import brand_role_required
from engagement.selectors import (
    VIEWS,
    BadCursor,
    conversation_page,
    conversations_filtered,
    conversations_with_preview,
    inbox_counts,
    labels_list,
    notifications_for,
)

PAGE_SIZE = 30


@dataclass(frozen=True)
class InboxFilters:
    view: str
    q: str
    label: str
    account: str

    @classmethod
    def from_request(cls, request: HttpRequest) -> InboxFilters:
        view = request.GET.get("view", "open")
        return cls(
            view=view if view in VIEWS else "open",
            q=request.GET.get("q", "").strip()[:100],
            label=request.GET.get("label", "")[:36],
            account=request.GET.get("account", "")[:36],
        )

    def query(self, **changes: str) -> str:
        values = {"view": self.view, "q": self.q, "label": self.label, "account": self.account, **changes}
        return urlencode({key: value for key, value in values.items() if value})


def _page(request: HttpRequest, filters: InboxFilters, cursor: str | None = None):  # noqa: ANN202
    conversations = conversations_filtered(
        brand=request.brand,  # type: ignore[attr-defined]
        user=request.user,
        view=filters.view,
        q=filters.q,
        label_id=filters.label or None,
        account_id=filters.account or None,
    )
    return conversation_page(conversations=conversations_with_preview(conversations), cursor=cursor, limit=PAGE_SIZE)


def _version(page, counts: dict) -> str:  # noqa: ANN001
    """What the list shows, in a few bytes: polling answers 204 when nothing changed."""
    parts = [f"{c.pk}:{c.last_message_at.timestamp()}:{c.unread_count}:{c.status}:{c.assignee_id}" for c in page.items]
    parts.append(repr(sorted(counts.items())))
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()[:16]


def inbox_context(request: HttpRequest, filters: InboxFilters) -> dict:
    brand = request.brand  # type: ignore[attr-defined]
    page = _page(request, filters)
    counts = inbox_counts(brand=brand, user=request.user)
    accounts = list(twitter_accounts_list(brand=brand))
    return {
        "filters": filters,
        "view_items": [(name, label, counts.get(name)) for name, label in VIEWS.items()],
        "sandbox_enabled": settings.SANDBOX_ENABLED,
        "page": page,
        "counts": counts,
        "version": _version(page, counts),
        "labels": list(labels_list(brand=brand)),
        "accounts": accounts,
        "has_any_conversation": bool(page.items) or any(counts.values()),
    }


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    if getattr(request, "membership", None) is None:
        return render(request, "engagement/no_brand.html")
    filters = InboxFilters.from_request(request)
    return render(request, "engagement/inbox.html", {**inbox_context(request, filters), "conversation": None})


@brand_role_required(Role.AGENT)
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    """The list as a fragment: polled while visible, and "older conversations" pages."""
    filters = InboxFilters.from_request(request)
    cursor = request.GET.get("cursor")
    if cursor:
        try:
            page = _page(request, filters, cursor=cursor)
        except BadCursor:
            return HttpResponse("That page link is not valid any more; reload the inbox.", status=400)
        return render(request, "engagement/_conversation_rows.html", {"page": page, "filters": filters})
    selected = request.GET.get("selected", "")
    if selected:
        _read_on_screen(request, selected)
    context = inbox_context(request, filters)
    if request.GET.get("version") == context["version"]:
        return HttpResponse(status=204)
    context["selected"] = request.GET.get("selected", "")
    context["partial_counts"] = True
    return render(request, "engagement/_conversation_list.html", context)


def _read_on_screen(request: HttpRequest, conversation_id: str) -> None:
    """The conversation open next to the list is being read: nothing in it is unread."""
    from django.http import Http404

    from engagement.selectors import conversation_get
    from engagement.services.receipts import conversation_mark_read

    try:
        conversation = conversation_get(brand=request.brand, conversation_id=conversation_id)  # type: ignore[attr-defined]
    except Http404:
        return
    if conversation.unread_count:
        conversation_mark_read(conversation=conversation)


@brand_role_required(Role.AGENT)
@require_GET
def notifications(request: HttpRequest) -> JsonResponse:
    """New assignments and customers writing again, since the page last asked."""
    since = parse_datetime(request.GET.get("since", "")) or timezone.now() - timedelta(minutes=1)
    now = timezone.now()
    found = notifications_for(brand=request.brand, user=request.user, since=since)  # type: ignore[attr-defined]
    return JsonResponse(
        {
            "now": now.isoformat(),
            "notifications": [
                {"kind": n.kind, "title": n.title, "body": n.body, "url": f"/c/{n.conversation_id}"} for n in found
            ],
        }
    )
