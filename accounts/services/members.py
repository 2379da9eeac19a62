"""Changing members' roles and removing members."""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.models import Membership, Role
from accounts.permissions import NotAllowed, assignable_roles, can_manage_member, require
from accounts.services.brands import audit_record

logger = logging.getLogger(__name__)


class MembershipError(Exception):
    """Allowed in principle, impossible here (a brand always keeps an owner); says what to do."""


def _other_owners(target: Membership) -> int:
    # Locks the brand's owner rows so two owners demoting each other at once cannot leave none.
    owners = Membership.objects.select_for_update().filter(brand_id=target.brand_id, role=Role.OWNER)
    return sum(1 for membership in owners if membership.pk != target.pk)


def membership_change_role(*, actor: Membership, target: Membership, role: str) -> Membership:
    """Give ``target`` another role within what ``actor`` may assign; a brand keeps an owner."""
    if role not in Role.values:
        raise NotAllowed(f"'{role}' is not a role; choose agent, admin or owner.")
    require(
        can_manage_member(actor, target) and role in assignable_roles(actor),
        "Only owners can make someone an owner or change an owner's role.",
    )
    with transaction.atomic():
        if target.role == Role.OWNER and role != Role.OWNER and _other_owners(target) == 0:
            raise MembershipError(f"{target.user} is the only owner of {target.brand}; make someone else owner first.")
        previous = target.role
        if previous == role:
            return target
        target.role = role
        target.save(update_fields=["role"])
        audit_record(
            brand=target.brand,
            actor=actor.user,
            action="member.role_changed",
            target=target,
            summary=f"{target.user} is now {target.get_role_display().lower()} (was {previous})",
        )
    return target


def membership_remove(*, actor: Membership, target: Membership) -> None:
    """Remove a member. Their access ends with their next request; their API tokens go with them."""
    require(can_manage_member(actor, target), "Only owners can remove an owner.")
    with transaction.atomic():
        if target.role == Role.OWNER and _other_owners(target) == 0:
            raise MembershipError(f"{target.user} is the only owner of {target.brand}; make someone else owner first.")
        audit_record(
            brand=target.brand,
            actor=actor.user,
            action="member.removed",
            target=target,
            summary=f"{target.user} was removed",
            data={"role": target.role},
        )
        target.delete()
    logger.info("member removed", extra={"brand": target.brand.slug})
