from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.middleware import CURRENT_BRAND_SESSION_KEY
from accounts.selectors import membership_for_user


@login_required
@require_POST
def brand_switch(request: HttpRequest) -> HttpResponse:
    """Make another of the user's brands the current one. A brand they are not in is a 404."""
    wanted = request.POST.get("brand", "")
    membership = membership_for_user(user=request.user, brand_public_id=wanted)
    if membership is None or str(membership.brand.public_id) != wanted:
        return render(request, "404.html", status=404)
    request.session[CURRENT_BRAND_SESSION_KEY] = wanted
    messages.success(request, f"You are now working in {membership.brand.name}.")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    return redirect(next_url)
