"""The composer's preview: on a wire that rewrites replies (X API v2 has no quick replies,
buttons or custom profiles), exactly the text the customer will receive, as the agent types."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.web.access import brand_role_required
from engagement.forms import ButtonsField, QuickRepliesField, TweetThisForm
from engagement.selectors import conversation_get, custom_profile_usable
from engagement.services.wire import reply_as_delivered
from integrations.twitter import wire_capabilities


@brand_role_required(Role.AGENT)
@require_POST
def composer_preview(request: HttpRequest, conversation_id: str) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    conversation = conversation_get(brand=brand, conversation_id=conversation_id)
    problems: list[str] = []
    quick_replies = _cleaned(QuickRepliesField(), request.POST.get("quick_replies", ""), problems)
    buttons_form = TweetThisForm(request.POST)  # the buttons with the "Tweet this" one, if any
    if not buttons_form.is_valid():  # shown above the preview, which still renders
        problems.extend(message for errors in buttons_form.errors.values() for message in errors)
    buttons = buttons_form.cleaned_data.get("buttons")
    signature = ""
    if request.POST.get("custom_profile"):
        try:
            profile = custom_profile_usable(
                brand=brand, account=conversation.account, profile_id=request.POST["custom_profile"]
            )
            signature = profile.name
        except Http404:
            problems.append("That custom profile cannot be used for this account.")
    delivered = reply_as_delivered(
        text=request.POST.get("text", ""),
        quick_replies=quick_replies or [],
        buttons=buttons or [],
        signature=signature,
    )
    context = {"delivered": delivered, "problems": problems, "wire": wire_capabilities(), "conversation": conversation}
    return render(request, "engagement/_composer_preview.html", context)


def _cleaned(field: QuickRepliesField | ButtonsField, raw: str, problems: list[str]) -> list | None:
    try:
        return field.clean(raw)
    except ValidationError as error:  # shown above the preview, which still renders
        problems.extend(error.messages)
        return None
