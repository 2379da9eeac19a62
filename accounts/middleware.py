from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.selectors import membership_for_user
from config.logging import log_context

CURRENT_BRAND_SESSION_KEY = "roost_current_brand"


class CurrentBrandMiddleware:
    """Sets ``request.membership`` and ``request.brand`` from the logged-in user's memberships.

    A person in several brands picks one with the brand switcher (kept in the session);
    everything the request reads or writes is then scoped to that brand.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.brand = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            membership = membership_for_user(user=user, brand_public_id=request.session.get(CURRENT_BRAND_SESSION_KEY))
            if membership is not None:
                request.membership = membership  # type: ignore[attr-defined]
                request.brand = membership.brand  # type: ignore[attr-defined]
        brand = request.brand  # type: ignore[attr-defined]
        with log_context(brand=brand.slug if brand else None):
            return self.get_response(request)


# Paths a member without two-factor authentication can still reach when their brand
# requires it: setting it up (allauth), logging out, switching brand, joining another brand,
# and what is not a person's session at all (webhooks, health, static files, the sandbox, the
# REST API, which checks its token's member itself).
MFA_EXEMPT_PREFIXES = (
    "/api/",
    "/accounts/",
    "/brands/switch",
    "/invitations/",
    "/static/",
    "/webhooks/",
    "/healthz",
    "/sandbox/",
)
# ...except Twitter's sign-in under /accounts/: for a signed-in member it connects or
# re-authorises the brand's accounts (Settings → Connect), which is the brand's business.
MFA_GUARDED_PREFIXES = ("/accounts/twitter/",)


class BrandRequiresMfaMiddleware:
    """When the current brand requires two-factor authentication, a member without it is
    sent to set it up before anything else of the brand opens (the admin included)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        brand = getattr(request, "brand", None)
        guarded = request.path.startswith(MFA_GUARDED_PREFIXES) or not request.path.startswith(MFA_EXEMPT_PREFIXES)
        if brand is not None and brand.require_mfa and guarded:
            from django.contrib import messages
            from django.shortcuts import redirect

            from accounts.services import user_has_mfa

            if not user_has_mfa(request.user):
                messages.warning(
                    request,
                    f"{brand.name} requires two-factor authentication. Set up an authenticator app to continue.",
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
