"""REST API tokens: ``roost_<random>``, shown once, stored as a SHA-256, acting as their member."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, Membership
from accounts.permissions import can_manage_token, require
from accounts.services.brands import audit_record
from accounts.tokens import token_generate, token_hash, token_matches

logger = logging.getLogger(__name__)

API_TOKEN_PREFIX = "roost_"
# Enough to tell tokens apart in a list, far too little to guess the rest.
DISPLAY_PREFIX_LENGTH = len(API_TOKEN_PREFIX) + 6
# Recording every use would be a write per API request; once a minute tells people enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenError(Exception):
    """The token could not be created; the message says why."""


@dataclass(frozen=True)
class IssuedApiToken:
    """A new token and its secret. The secret exists only here: the database keeps a hash."""

    token: ApiToken
    secret: str


def api_token_create(*, membership: Membership, name: str, actor: Membership | None = None) -> IssuedApiToken:
    """A token that acts as ``membership``. ``actor`` (when not the operator) must be that member."""
    name = name.strip()
    if not name:
        raise ApiTokenError("Give the token a name, so you know later what uses it.")
    if len(name) > 100:
        raise ApiTokenError("A token's name is at most 100 characters.")
    if actor is not None and actor.pk != membership.pk:
        raise ApiTokenError("People create API tokens for themselves only.")
    secret = token_generate(prefix=API_TOKEN_PREFIX)
    with transaction.atomic():
        token = ApiToken.objects.create(
            brand=membership.brand,
            membership=membership,
            name=name,
            prefix=secret[:DISPLAY_PREFIX_LENGTH],
            token_hash=token_hash(secret),
        )
        audit_record(
            brand=membership.brand,
            actor=actor.user if actor else None,
            action="api_token.created",
            target=token,
            summary=f"API token '{name}' created for {membership.user}",
        )
    return IssuedApiToken(token=token, secret=secret)


def api_token_revoke(*, actor: Membership, token: ApiToken) -> ApiToken:
    require(can_manage_token(actor, token), "Only admins and owners can revoke other people's tokens.")
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if updated:
        audit_record(
            brand=token.brand,
            actor=actor.user,
            action="api_token.revoked",
            target=token,
            summary=f"API token '{token.name}' revoked",
        )
    token.refresh_from_db()
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The live token for a bearer secret, with its member and brand; records when it was used.

    Not brand-scoped: the secret is the key. The REST API acts as ``token.membership``.
    """
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("membership__user", "brand")
        .filter(token_hash=token_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token_matches(secret, token.token_hash) or not token.membership.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
