"""Who reaches a brand page: a member of the current brand, with at least some role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from accounts.permissions import NotAllowed

ROLE_NEEDED = {
    Role.AGENT: "members",
    Role.ADMIN: "owners and admins",
    Role.OWNER: "owners",
}


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """403 for a member whose role does not allow it (never for another brand's ids: 404)."""
    return render(request, "accounts/forbidden.html", {"message": message}, status=403)


def brand_role_required(minimum: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """The view runs for members of the current brand with at least ``minimum``.

    Someone with no brand gets a 404 (there is no brand here for them); a member with a
    lesser role gets a 403 saying who may. A ``NotAllowed`` from a service is a 403 too.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None:
                raise Http404("You are not a member of any brand.")
            if not membership.has_role(minimum):
                return forbidden(request, f"Only {ROLE_NEEDED[Role(minimum)]} of {membership.brand.name} can do this.")
            try:
                return view(request, *args, **kwargs)
            except NotAllowed as error:
                return forbidden(request, str(error))

        return wrapped

    return decorator
