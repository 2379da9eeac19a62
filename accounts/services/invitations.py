"""Inviting people to a brand by email: single-use, expiring links of which only a hash is kept."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Brand, Invitation, Membership, Role, User
from accounts.permissions import assignable_roles, require
from accounts.services.brands import audit_record, membership_ensure
from accounts.tokens import token_generate, token_hash

logger = logging.getLogger(__name__)

INVITATION_VALID_FOR = timedelta(days=7)


class InvitationError(Exception):
    """The invitation cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class IssuedInvitation:
    """A new invitation and its link. The link exists only here: the database keeps a hash."""

    invitation: Invitation
    url: str
    emailed: bool


def invitation_url(raw_token: str) -> str:
    return f"{settings.PUBLIC_URL}{reverse('invitation_accept', args=[raw_token])}"


def _send(invitation: Invitation, url: str) -> bool:
    """Email the link. A mail failure is not fatal: the link is also shown to the inviter."""
    context = {"invitation": invitation, "url": url, "valid_days": INVITATION_VALID_FOR.days}
    try:
        send_mail(
            subject=f"[Roost] You are invited to {invitation.brand.name}",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except Exception as error:  # SMTP down or misconfigured: say so, keep the invitation
        logger.warning("invitation email to %s failed: %s", invitation.email, error)
        return False
    return True


def _issue(*, brand: Brand, email: str, role: str, invited_by: User | None) -> tuple[Invitation, str]:
    raw = token_generate()
    # A newer invitation replaces older pending ones to the same address, so one link works.
    Invitation.objects.filter(
        brand=brand, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(
        brand=brand,
        email=email,
        role=role,
        token_hash=token_hash(raw),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    return invitation, invitation_url(raw)


def invitation_create(*, actor: Membership | None, brand: Brand, email: str, role: str) -> IssuedInvitation:
    """Invite ``email`` as ``role``. ``actor`` is None for operators (``create_brand --owner``)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvitationError(f"'{email}' is not an email address.") from None
    if role not in Role.values:
        raise InvitationError(f"'{role}' is not a role; choose agent, admin or owner.")
    if actor is not None:
        require(role in assignable_roles(actor), "Only owners can invite someone as an owner.")
    if Membership.objects.filter(brand=brand, user__email__iexact=email).exists():
        raise InvitationError(f"{email} is already a member of {brand.name}.")
    inviter = actor.user if actor else None
    with transaction.atomic():
        invitation, url = _issue(brand=brand, email=email, role=role, invited_by=inviter)
        audit_record(
            brand=brand,
            actor=inviter,
            action="invitation.created",
            target=invitation,
            summary=f"{email} invited as {invitation.get_role_display().lower()}",
        )
    return IssuedInvitation(invitation=invitation, url=url, emailed=_send(invitation, url))


def invitation_renew(*, actor: Membership, invitation: Invitation) -> IssuedInvitation:
    """A fresh link (and expiry) for a pending invitation; the old link stops working."""
    require(invitation.role in assignable_roles(actor), "Only owners can renew an invitation for an owner.")
    if invitation.accepted_at or invitation.revoked_at:
        raise InvitationError("This invitation was already used or revoked; invite the person again.")
    with transaction.atomic():
        renewed, url = _issue(
            brand=invitation.brand, email=invitation.email, role=invitation.role, invited_by=actor.user
        )
        audit_record(
            brand=renewed.brand,
            actor=actor.user,
            action="invitation.renewed",
            target=renewed,
            summary=f"new invitation link for {renewed.email}",
        )
    return IssuedInvitation(invitation=renewed, url=url, emailed=_send(renewed, url))


def invitation_revoke(*, actor: Membership, invitation: Invitation) -> Invitation:
    require(invitation.role in assignable_roles(actor), "Only owners can revoke an invitation for an owner.")
    updated = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        audit_record(
            brand=invitation.brand,
            actor=actor.user,
            action="invitation.revoked",
            target=invitation,
            summary=f"invitation for {invitation.email} revoked",
        )
    invitation.refresh_from_db()
    return invitation


def invitation_check(invitation: Invitation | None) -> Invitation:
    """The invitation if it can still be accepted, else an error a person can act on."""
    if invitation is None:
        raise InvitationError("This invitation link is not valid. Check that you copied all of it.")
    inviter = f"{invitation.invited_by}" if invitation.invited_by else f"an owner of {invitation.brand.name}"
    if invitation.accepted_at is not None:
        raise InvitationError(f"This invitation was already used. Ask {inviter} for a new one if you need it.")
    if invitation.revoked_at is not None:
        raise InvitationError(f"This invitation was withdrawn. Ask {inviter} for a new one.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError(f"This invitation has expired. Ask {inviter} to send a new one.")
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the brand. The conditional UPDATE makes the link work exactly once."""
    invitation_check(invitation)
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).update(accepted_at=timezone.now(), accepted_by=user)
        if claimed != 1:
            invitation.refresh_from_db()
            invitation_check(invitation)
            raise InvitationError("This invitation was already used.")
        membership = membership_ensure(brand=invitation.brand, user=user, role=invitation.role)
        audit_record(
            brand=invitation.brand,
            actor=user,
            action="invitation.accepted",
            target=membership,
            summary=f"{user} joined as {membership.get_role_display().lower()}",
        )
    logger.info("invitation accepted", extra={"brand": invitation.brand.slug})
    return membership
