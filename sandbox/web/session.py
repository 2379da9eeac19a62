"""Who is playing a Twitter user on the sandbox pages: a signed cookie of the sandbox's own,
never Django's session login, so playing a customer never logs the agent out of Roost."""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest, HttpResponse

from config.text import is_ascii_digits
from sandbox.models import SandboxUser

COOKIE = "roost_sandbox_user"
SALT = "sandbox.user"
MAX_AGE = 60 * 60 * 24 * 30


def current_user(request: HttpRequest) -> SandboxUser | None:
    try:
        value = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not value or not is_ascii_digits(value):
        return None
    return SandboxUser.objects.filter(pk=int(value)).first()


def remember_user(response: HttpResponse, user: SandboxUser) -> None:
    response.set_signed_cookie(
        COOKIE, str(user.pk), salt=SALT, max_age=MAX_AGE, httponly=True, samesite="Lax", path="/sandbox/"
    )


def forget_user(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, path="/sandbox/", samesite="Lax")
