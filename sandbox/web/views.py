"""The customer's page at ``/sandbox/``: pick or create a sandbox user, find accounts, follow,
tweet, revoke the app. The Direct Message thread is in ``thread.py``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from config.text import is_ascii_digits
from sandbox import selectors
from sandbox.errors import TwitterError
from sandbox.models import SandboxUser
from sandbox.services import (
    SandboxInputError,
    customer_tweet,
    sandbox_bootstrap,
    sandbox_user_create,
    user_follow,
    user_revoke_app,
)
from sandbox.web.display import avatar, tweet_rows
from sandbox.web.session import current_user, forget_user, remember_user


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if target.startswith("/sandbox/") and "//" not in target else default


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    sandbox_bootstrap()
    me = current_user(request)
    query = request.GET.get("q", "")
    context = {
        "me": me,
        "query": query,
        "accounts": selectors.accounts_search(user=me, query=query),
        "brands": selectors.subscribed_ids(),
        "next": _safe_next(request, ""),
    }
    if me is None:
        context["everyone"] = selectors.accounts_search(user=None, limit=200)
        return render(request, "sandbox/choose_user.html", context)
    context.update(
        {
            "me_avatar": avatar(me),
            "conversations": [
                {"other": other, "avatar": avatar(other), "latest": latest}
                for other, latest in selectors.conversations_for(user=me)
            ],
            "following": selectors.following_ids(user=me),
            "timeline": tweet_rows(selectors.timeline_for(user=me)),
        }
    )
    return render(request, "sandbox/home.html", context)


@require_POST
def choose_user(request: HttpRequest) -> HttpResponse:
    user_id = request.POST.get("user_id", "")
    user = SandboxUser.objects.filter(pk=int(user_id)).first() if is_ascii_digits(user_id) else None
    if user is None:
        messages.error(request, "Choose one of the accounts listed.")
        return redirect("sandbox:home")
    response = HttpResponseRedirect(_safe_next(request, reverse("sandbox:home")))
    remember_user(response, user)
    return response


@require_POST
def create_user(request: HttpRequest) -> HttpResponse:
    try:
        user = sandbox_user_create(screen_name=request.POST.get("screen_name", ""), name=request.POST.get("name", ""))
    except SandboxInputError as problem:
        messages.error(request, f"Could not create the account: {problem}.")
        return redirect("sandbox:home")
    response = HttpResponseRedirect(_safe_next(request, reverse("sandbox:home")))
    remember_user(response, user)
    return response


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    response = redirect("sandbox:home")
    forget_user(response)
    return response


def _me_or_home(request: HttpRequest) -> SandboxUser | HttpResponse:
    me = current_user(request)
    if me is None:
        messages.error(request, "Choose who you are first.")
        return redirect("sandbox:home")
    return me


@require_POST
def update_settings(request: HttpRequest) -> HttpResponse:
    me = _me_or_home(request)
    if isinstance(me, HttpResponse):
        return me
    me.accepts_dms_from_anyone = request.POST.get("accepts_dms_from_anyone") == "on"
    me.save(update_fields=["accepts_dms_from_anyone"])
    messages.success(request, "Settings saved.")
    return redirect("sandbox:home")


@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    me = _me_or_home(request)
    if isinstance(me, HttpResponse):
        return me
    count = user_revoke_app(user=me)
    messages.success(request, f"App access revoked ({count} token{'s' if count != 1 else ''} no longer work).")
    return redirect("sandbox:home")


@require_POST
def follow(request: HttpRequest, user_id: int) -> HttpResponse:
    me = _me_or_home(request)
    if isinstance(me, HttpResponse):
        return me
    target = get_object_or_404(SandboxUser, pk=user_id)
    try:
        user_follow(source=me, target=target, follow=request.POST.get("action") != "unfollow")
    except TwitterError as error:
        messages.error(request, error.message)
    return HttpResponseRedirect(_safe_next(request, reverse("sandbox:home")))


@require_POST
def tweet(request: HttpRequest) -> HttpResponse:
    me = _me_or_home(request)
    if isinstance(me, HttpResponse):
        return me
    try:
        customer_tweet(
            user=me, text=request.POST.get("text", ""), in_reply_to_tweet_id=request.POST.get("in_reply_to") or None
        )
        messages.success(request, "Tweet posted.")
    except TwitterError as error:
        messages.error(request, f"Twitter refused the Tweet: {error.message} (code {error.code})")
    return HttpResponseRedirect(_safe_next(request, reverse("sandbox:home")))
