"""Connecting from the operator's command (``manage.py connect_twitter_account``): the account
is subscribed on Twitter synchronously, before anything is written in Roost, so a refusal
leaves nothing behind; a write that fails after it takes the subscription back."""

from __future__ import annotations

import logging

from django.db import DatabaseError, transaction

from accounts.models import Brand, User
from accounts.selectors import twitter_account_live_for_user_id
from accounts.services.twitter_accounts import (
    AccountConnectError,
    Connected,
    VerifiedToken,
    twitter_account_after_connect,
    twitter_account_refuse_if_elsewhere,
    twitter_account_store,
)
from config.logging import log_context
from integrations.twitter import TwitterError, twitter_client
from integrations.twitter.explain import explain

logger = logging.getLogger(__name__)


def twitter_account_connect_now(*, brand: Brand, verified: VerifiedToken, actor: User | None) -> Connected:
    """Connect and subscribe synchronously. Twitter is asked first, outside any transaction:
    with SQLite and the sandbox in one process (the embedded default) a transaction held
    across the call would lock out the sandbox's own write."""
    from accounts.services.subscriptions import subscription_failure_reason

    user = verified.user
    twitter_account_refuse_if_elsewhere(brand=brand, twitter_user_id=user.id, screen_name=user.screen_name)
    try:
        added = twitter_client().subscription_add(verified.credentials)
    except TwitterError as error:
        raise AccountConnectError(subscription_failure_reason(error)) from error
    try:
        with transaction.atomic():
            account, reconnecting = twitter_account_store(
                brand=brand, verified=verified, connected_by=actor, subscribed=True
            )
            released = twitter_account_after_connect(account=account, actor=actor, reconnecting=reconnecting)
    except (AccountConnectError, DatabaseError):
        if added:
            _subscription_take_back(twitter_user_id=user.id, screen_name=user.screen_name)
        raise
    return Connected(account=account, reauthorised=reconnecting, released=released)


def _subscription_take_back(*, twitter_user_id: str, screen_name: str) -> None:
    """Remove the subscription just added for a write that then failed, unless a brand has the
    account live after all (another connect won the race): its events are that brand's now."""
    with log_context(account=screen_name):
        if twitter_account_live_for_user_id(twitter_user_id=twitter_user_id) is not None:
            logger.info("subscription kept: the account is live in a brand after all")
            return
        try:
            twitter_client().subscription_remove(twitter_user_id)
        except TwitterError as error:
            logger.warning(
                "the subscription added for @%s is left on Twitter with no account in Roost (%s); "
                "remove it with `manage.py twitter_subscription remove %s`",
                screen_name,
                explain(error),
                twitter_user_id,
            )
        else:
            logger.info("subscription taken back: the account could not be stored")
