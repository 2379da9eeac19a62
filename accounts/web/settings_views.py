"""/settings/: the brand's name, its two-factor requirement, removing it; its Twitter accounts."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.middleware import CURRENT_BRAND_SESSION_KEY
from accounts.models import Role
from accounts.selectors import twitter_account_get, twitter_accounts_list
from accounts.services import (
    AccountConnectError,
    BrandError,
    brand_delete,
    brand_rename,
    brand_require_mfa_set,
    twitter_account_disconnect,
    twitter_account_subscription_request,
    user_has_mfa,
)
from accounts.web.access import brand_role_required
from accounts.web.forms import BrandDeleteForm, BrandNameForm, BrandSecurityForm


@brand_role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def general(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    brand = membership.brand
    name_form = BrandNameForm(initial={"name": brand.name})
    security_form = BrandSecurityForm(initial={"require_mfa": brand.require_mfa})
    status = 200
    if request.method == "POST" and request.POST.get("action") == "security":
        security_form = BrandSecurityForm(request.POST)
        if security_form.is_valid():
            try:
                brand_require_mfa_set(actor=membership, required=security_form.cleaned_data["require_mfa"])
            except BrandError as error:
                security_form.add_error("require_mfa", str(error))
            else:
                state = "now required" if brand.require_mfa else "no longer required"
                messages.success(request, f"Two-factor authentication is {state} for {brand.name}.")
                return redirect("settings_general")
        status = 400
    elif request.method == "POST":
        name_form = BrandNameForm(request.POST)
        if name_form.is_valid():
            try:
                brand_rename(actor=membership, name=name_form.cleaned_data["name"])
            except BrandError as error:
                name_form.add_error("name", str(error))
            else:
                messages.success(request, f"The brand is now called {brand.name}.")
                return redirect("settings_general")
        status = 400
    context = {
        "name_form": name_form,
        "security_form": security_form,
        "has_mfa": user_has_mfa(request.user),
    }
    return render(request, "accounts/settings/general.html", context, status=status)


@brand_role_required(Role.OWNER)
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    form = BrandDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            name = brand_delete(actor=membership, confirm_slug=form.cleaned_data["confirm"])
        except (BrandError, AccountConnectError) as error:
            form.add_error("confirm", str(error))
        else:
            request.session.pop(CURRENT_BRAND_SESSION_KEY, None)
            messages.success(request, f"{name} and everything in it was removed.")
            return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "accounts/settings/delete.html", {"form": form}, status=status)


@brand_role_required(Role.ADMIN)
def accounts(request: HttpRequest) -> HttpResponse:
    brand = request.brand  # type: ignore[attr-defined]
    every = twitter_accounts_list(brand=brand, include_disconnected=True)
    context = {
        "live_accounts": [account for account in every if account.state != account.State.DISCONNECTED],
        "disconnected_accounts": [account for account in every if account.state == account.State.DISCONNECTED],
    }
    return render(request, "accounts/settings/accounts.html", context)


@brand_role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def account_disconnect(request: HttpRequest, account_id: str) -> HttpResponse:
    account = twitter_account_get(brand=request.brand, account_id=account_id)  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            twitter_account_disconnect(account=account, actor=request.user)
        except AccountConnectError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"@{account.screen_name} is disconnected: its subscription is removed and its tokens are wiped. "
                "Its conversations stay; connect it again any time.",
            )
        return redirect("settings_accounts")
    return render(request, "accounts/settings/disconnect.html", {"account": account})


@brand_role_required(Role.ADMIN)
@require_POST
def account_subscribe(request: HttpRequest, account_id: str) -> HttpResponse:
    account = twitter_account_get(brand=request.brand, account_id=account_id)  # type: ignore[attr-defined]
    if account.state != account.State.ACTIVE:
        messages.error(request, f"@{account.screen_name} must be reconnected before it can be subscribed.")
    else:
        twitter_account_subscription_request(account=account)
        messages.success(request, f"Subscribing @{account.screen_name} to the webhook again.")
    return redirect("settings_accounts")
