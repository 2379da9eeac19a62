"""An invitation travels in the session from its link through sign-up or sign-in.

Whoever opens the link and then signs in (email and password, or Twitter) joins; the link
is the credential, it works once and it expires.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from accounts.middleware import CURRENT_BRAND_SESSION_KEY
from accounts.models import Invitation, Membership, User
from accounts.selectors import invitation_by_public_id
from accounts.services import InvitationError, invitation_accept, invitation_check

PENDING_INVITATION_SESSION_KEY = "roost_pending_invitation"


def pending_invitation_remember(request: HttpRequest, invitation: Invitation) -> None:
    request.session[PENDING_INVITATION_SESSION_KEY] = str(invitation.public_id)


def pending_invitation(request: HttpRequest) -> Invitation | None:
    """The invitation this browser opened, while it can still be accepted."""
    invitation_id = request.session.get(PENDING_INVITATION_SESSION_KEY)
    if not invitation_id:
        return None
    try:
        return invitation_check(invitation_by_public_id(invitation_id=invitation_id))
    except InvitationError as error:
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        messages.warning(request, str(error))
        return None


def invitation_join(request: HttpRequest, invitation: Invitation, user: User) -> Membership | None:
    """Accept for ``user``, make the brand the current one and say so; None when refused."""
    request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
    try:
        membership = invitation_accept(invitation=invitation, user=user)
    except InvitationError as error:
        messages.error(request, str(error))
        return None
    request.session[CURRENT_BRAND_SESSION_KEY] = str(membership.brand.public_id)
    messages.success(request, f"You joined {membership.brand.name} as {membership.get_role_display().lower()}.")
    return membership


def invitation_accept_pending(request: HttpRequest, user: User) -> Membership | None:
    """After any sign-in or sign-up: join the brand whose invitation brought the person here."""
    invitation = pending_invitation(request)
    return invitation_join(request, invitation, user) if invitation else None
