"""What signing in with Twitter does to brands (design.md, Onboarding).

Signing in identifies a person. It touches brands in two cases only: the first sign-in of
someone with no brand and no pending invitation creates their brand around the account, and
signing in again as an account one of the person's brands has re-authorises it in place.
"""

from __future__ import annotations

import logging

from django.db import transaction

from accounts.models import User
from accounts.selectors import twitter_account_for_person
from accounts.services.brands import audit_record, brand_create, brand_unique_slug
from accounts.services.twitter_accounts import Connected, VerifiedToken, twitter_account_link, twitter_token_verify
from integrations.twitter import UserCredentials

logger = logging.getLogger(__name__)


def brand_create_for_sign_in(*, owner: User, verified: VerifiedToken) -> Connected:
    """A brand named after the account (renamable), owned by ``owner``, the account connected
    and its subscription on its way. All or nothing: a refused account leaves no brand."""
    account_user = verified.user
    name = account_user.name.strip() or f"@{account_user.screen_name}"
    with transaction.atomic():
        brand = brand_create(name=name, slug=brand_unique_slug(name=account_user.screen_name), owner=owner)
        audit_record(
            brand=brand,
            actor=owner,
            action="brand.created",
            target=brand,
            summary=f"{brand.name} created by signing in with Twitter as @{account_user.screen_name}",
        )
        connected = twitter_account_link(brand=brand, verified=verified, actor=owner)
    logger.info("brand created on first sign-in", extra={"brand": brand.slug})
    return connected


def twitter_account_reauthorise_on_sign_in(
    *, person: User, credentials: UserCredentials, twitter_user_id: str
) -> Connected | None:
    """Signing in as an account that one of the person's brands has (live or waiting for
    re-authorisation) replaces its tokens, re-subscribes it and releases held replies.

    A disconnected account stays disconnected: that was someone's explicit choice, undone
    with Connect in the settings. Raises ``AccountConnectError`` when the new token will not do.
    """
    account = twitter_account_for_person(person=person, twitter_user_id=twitter_user_id)
    if account is None:
        return None
    verified = twitter_token_verify(credentials=credentials)
    return twitter_account_link(brand=account.brand, verified=verified, actor=person)
