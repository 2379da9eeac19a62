"""/invitations/<token>: the link in an invitation email."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.selectors import invitation_for_token
from accounts.services import InvitationError, invitation_check
from accounts.web.invitation_session import invitation_join, pending_invitation_remember


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone with the link may join, once, before it expires.

    Someone signed out is asked to sign in or sign up (the invitation waits in their
    session); someone signed in confirms with a POST, since opening a link must not join.
    """
    invitation = invitation_for_token(raw_token=token)
    try:
        invitation_check(invitation)
    except InvitationError as error:
        status = 404 if invitation is None else 410
        return render(request, "accounts/invitation_invalid.html", {"message": str(error)}, status=status)
    if not request.user.is_authenticated:
        pending_invitation_remember(request, invitation)
        signup_url = f"{reverse('account_signup')}?{urlencode({'email': invitation.email})}"
        return render(request, "accounts/invitation.html", {"invitation": invitation, "signup_url": signup_url})
    if request.method == "POST":
        invitation_join(request, invitation, request.user)
        return redirect("home")
    return render(request, "accounts/invitation.html", {"invitation": invitation})
