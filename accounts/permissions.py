"""Who may do what in a brand. Pure rules on memberships: services enforce them, templates
use them to offer only what a person may do.

- agent: the inbox, and their own API tokens;
- admin: settings (name, Twitter accounts), members (not owners), invitations (not as owner);
- owner: everything, including owners, requiring two-factor authentication and removing the brand.
"""

from __future__ import annotations

from accounts.models import ApiToken, Membership, Role, role_at_least


class NotAllowed(Exception):
    """The person's role does not allow this; the message says who can."""


def can_manage_settings(actor: Membership) -> bool:
    return actor.has_role(Role.ADMIN)


def can_manage_security(actor: Membership) -> bool:
    """Requiring two-factor authentication and removing the brand are the owners'."""
    return actor.has_role(Role.OWNER)


def assignable_roles(actor: Membership) -> list[str]:
    """The roles ``actor`` may give to someone (inviting or changing a role)."""
    if actor.has_role(Role.OWNER):
        return [Role.AGENT, Role.ADMIN, Role.OWNER]
    if actor.has_role(Role.ADMIN):
        return [Role.AGENT, Role.ADMIN]
    return []


def can_manage_member(actor: Membership, target: Membership) -> bool:
    """Admins manage agents and admins; only owners touch owners."""
    if not actor.has_role(Role.ADMIN):
        return False
    return actor.has_role(Role.OWNER) or not role_at_least(target.role, Role.OWNER)


def can_manage_token(actor: Membership, token: ApiToken) -> bool:
    """Everyone manages their own tokens; admins and owners any token of the brand."""
    return token.membership_id == actor.pk or actor.has_role(Role.ADMIN)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)
