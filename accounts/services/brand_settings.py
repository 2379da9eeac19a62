"""A brand's own settings: its name, requiring two-factor authentication, removing it."""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.models import Brand, Membership, TwitterAccount
from accounts.permissions import can_manage_security, can_manage_settings, require
from accounts.services.brands import BrandError, audit_record

logger = logging.getLogger(__name__)


def user_has_mfa(user: object) -> bool:
    """Two-factor authentication that counts: an authenticator app (TOTP)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, types=[Authenticator.Type.TOTP])


def brand_rename(*, actor: Membership, name: str) -> Brand:
    require(can_manage_settings(actor), "Only owners and admins can rename the brand.")
    name = name.strip()
    if not name:
        raise BrandError("A brand needs a name.")
    if len(name) > 100:
        raise BrandError("A brand's name is at most 100 characters.")
    brand = actor.brand
    previous = brand.name
    if name == previous:
        return brand
    with transaction.atomic():
        brand.name = name
        brand.save(update_fields=["name"])
        audit_record(
            brand=brand, actor=actor.user, action="brand.renamed", target=brand, summary=f"renamed from {previous}"
        )
    return brand


def brand_require_mfa_set(*, actor: Membership, required: bool) -> Brand:
    """Owners decide; an owner turning it on must have it already, so nobody is surprised."""
    require(can_manage_security(actor), "Only owners can require two-factor authentication.")
    brand = actor.brand
    if required and not user_has_mfa(actor.user):
        raise BrandError("Set up two-factor authentication for yourself first, then require it for everyone.")
    if brand.require_mfa == required:
        return brand
    with transaction.atomic():
        brand.require_mfa = required
        brand.save(update_fields=["require_mfa"])
        audit_record(
            brand=brand,
            actor=actor.user,
            action="brand.mfa_required" if required else "brand.mfa_not_required",
            target=brand,
            summary="two-factor authentication " + ("required" if required else "no longer required"),
        )
    return brand


def brand_delete(*, actor: Membership, confirm_slug: str) -> str:
    """Remove the brand and everything it owns, after removing its webhook subscriptions.

    If Twitter refuses to remove a subscription nothing is deleted (its events would keep
    arriving for a brand that no longer exists). Returns the brand's name.
    """
    from accounts.services.subscriptions import twitter_account_disconnect

    require(can_manage_security(actor), "Only owners can remove the brand.")
    brand = actor.brand
    if confirm_slug.strip() != brand.slug:
        raise BrandError(f"Type the brand's short name, {brand.slug}, to confirm.")
    for account in TwitterAccount.objects.filter(brand=brand).exclude(state=TwitterAccount.State.DISCONNECTED):
        twitter_account_disconnect(account=account, actor=actor.user)
    from engagement.models import Conversation

    name = brand.name
    with transaction.atomic():
        # Conversations protect the account they came through (a disconnect must never take
        # history with it); removing the whole brand removes them first, on purpose.
        Conversation.objects.filter(brand=brand).delete()
        brand.delete()
    logger.info("brand deleted", extra={"brand": brand.slug})
    return name
