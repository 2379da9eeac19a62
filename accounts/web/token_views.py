"""/settings/tokens: API tokens. Every member manages their own; admins see the brand's."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Membership, Role
from accounts.permissions import can_manage_token
from accounts.selectors import api_token_get, api_tokens_visible_to
from accounts.services import ApiTokenError, IssuedApiToken, api_token_create, api_token_revoke
from accounts.web.access import brand_role_required
from accounts.web.forms import ApiTokenForm


def _page(
    request: HttpRequest, *, form: ApiTokenForm | None = None, issued: IssuedApiToken | None = None, status: int = 200
) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    tokens = [
        {"token": token, "mine": token.membership_id == actor.pk, "manageable": can_manage_token(actor, token)}
        for token in api_tokens_visible_to(brand=actor.brand, membership=actor)
    ]
    context = {"tokens": tokens, "form": form or ApiTokenForm(), "issued": issued}
    return render(request, "accounts/settings/tokens.html", context, status=status)


@brand_role_required(Role.AGENT)
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    actor: Membership = request.membership  # type: ignore[attr-defined]
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        issued = api_token_create(membership=actor, name=form.cleaned_data["name"], actor=actor)
    except ApiTokenError as error:
        form.add_error("name", str(error))
        return _page(request, form=form, status=400)
    # Rendered, not redirected: the secret is never stored, so this response is its only showing.
    return _page(request, issued=issued, status=201)


@brand_role_required(Role.AGENT)
@require_POST
def token_revoke(request: HttpRequest, token_id: str) -> HttpResponse:
    actor: Membership = request.membership  # type: ignore[attr-defined]
    token = api_token_get(brand=actor.brand, token_id=token_id)
    api_token_revoke(actor=actor, token=token)
    messages.success(request, f"The token “{token.name}” is revoked; requests using it are refused from now on.")
    return redirect("settings_tokens")
