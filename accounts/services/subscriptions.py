"""An account's Account Activity subscription: asking for it, making it, removing it.

Subscribing runs in a Celery task after the connect commits. The row is the record
(``subscription_state="pending"`` with ``subscription_requested_at``), so a task the broker
lost is found again by ``twitter_accounts_subscription_sweep``.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import TwitterAccount, User
from accounts.services.twitter_accounts import AccountConnectError, twitter_account_credentials
from config.logging import log_context
from config.queue import enqueue_on_commit
from integrations.twitter import NotFound, Retryable, TwitterError, twitter_client
from integrations.twitter.explain import Operation, explain

logger = logging.getLogger(__name__)

# A pending subscription whose task has not reported back after this long is asked for again.
SUBSCRIPTION_RETRY_AFTER = timedelta(minutes=1)


def subscription_failure_reason(error: TwitterError) -> str:
    """Twitter's refusal in words, with the step that fixes it (explain() knows a subscription's:
    no webhook, the limit reached)."""
    reason = explain(error, operation=Operation.SUBSCRIPTION_ADD)
    if error.code in (32, 93):
        reason += " Sign in with Twitter again (Reconnect) once the app has 'Read, Write and Direct Messages'."
    return reason


def twitter_account_subscription_request(*, account: TwitterAccount) -> TwitterAccount:
    """Mark the subscription pending and ring the subscribe task once this commits."""
    from accounts.tasks import subscribe_twitter_account

    account.subscription_state = TwitterAccount.SubscriptionState.PENDING
    account.subscription_error = ""
    account.subscription_requested_at = timezone.now()
    account.save(update_fields=["subscription_state", "subscription_error", "subscription_requested_at"])
    enqueue_on_commit(subscribe_twitter_account, account.pk)
    return account


def twitter_account_subscribe(*, account: TwitterAccount) -> TwitterAccount:
    """Subscribe the account to the app's webhook; the outcome is recorded on the account.

    355 (already subscribed) counts as success. A passing failure (5xx, timeout) stays
    pending and is tried again by the sweep; anything else is ``failed`` with the reason.
    """
    with log_context(brand=account.brand.slug, account=account.screen_name):
        try:
            created = twitter_client().subscription_add(twitter_account_credentials(account))
        except Retryable as error:
            account.subscription_state = TwitterAccount.SubscriptionState.PENDING
            account.subscription_error = explain(error)
            logger.warning("subscription will be retried: %s", account.subscription_error)
        except TwitterError as error:
            account.subscription_state = TwitterAccount.SubscriptionState.FAILED
            account.subscription_error = subscription_failure_reason(error)
            logger.warning("subscription failed: %s", account.subscription_error)
        else:
            account.subscription_state = TwitterAccount.SubscriptionState.SUBSCRIBED
            account.subscription_error = ""
            logger.info("subscribed to the webhook%s", "" if created else " (it already was)")
        account.subscription_checked_at = timezone.now()
        account.save(update_fields=["subscription_state", "subscription_error", "subscription_checked_at"])
    return account


def twitter_account_subscribe_pending(*, account_id: int) -> TwitterAccount | None:
    """The subscribe task: only an active account whose subscription is still wanted."""
    account = (
        TwitterAccount.objects.select_related("brand")
        .filter(
            pk=account_id,
            state=TwitterAccount.State.ACTIVE,
            subscription_state=TwitterAccount.SubscriptionState.PENDING,
        )
        .first()
    )
    if account is None or not account.has_tokens:
        return None  # disconnected, revoked or already settled meanwhile
    return twitter_account_subscribe(account=account)


def twitter_accounts_subscription_sweep() -> int:
    """Ask again for subscriptions left pending (a lost task, or a passing Twitter failure)."""
    from accounts.tasks import subscribe_twitter_account

    due = TwitterAccount.objects.filter(
        state=TwitterAccount.State.ACTIVE,
        subscription_state=TwitterAccount.SubscriptionState.PENDING,
        subscription_requested_at__lte=timezone.now() - SUBSCRIPTION_RETRY_AFTER,
    ).values_list("pk", flat=True)
    ids = list(due)
    TwitterAccount.objects.filter(pk__in=ids).update(subscription_requested_at=timezone.now())
    for account_id in ids:
        enqueue_on_commit(subscribe_twitter_account, account_id)
    return len(ids)


def twitter_account_record_unsubscribed(*, account: TwitterAccount) -> TwitterAccount:
    account.subscription_state = TwitterAccount.SubscriptionState.NOT_SUBSCRIBED
    account.subscription_error = ""
    account.subscription_checked_at = timezone.now()
    account.save(update_fields=["subscription_state", "subscription_error", "subscription_checked_at"])
    return account


def twitter_account_disconnect(*, account: TwitterAccount, actor: User | None) -> TwitterAccount:
    """Remove the webhook subscription, wipe the tokens and keep the history.

    Conversations and messages stay; replies still queued are held (not sent with a token
    that is gone) and go out if the account is connected again. When Twitter cannot remove
    the subscription nothing changes, so events never keep arriving for a "disconnected" account.
    """
    from accounts.services.brands import audit_record
    from engagement.services import messages_hold_for_reauth

    if account.state == TwitterAccount.State.DISCONNECTED:
        return account
    try:
        twitter_client().subscription_remove(account.twitter_user_id)
    except NotFound:
        pass  # not subscribed (an account that revoked the app loses its subscription)
    except TwitterError as error:
        raise AccountConnectError(
            f"Could not remove @{account.screen_name}'s webhook subscription: {explain(error)} "
            "Nothing was changed; try again."
        ) from error
    now = timezone.now()
    with transaction.atomic():
        account.access_token = ""
        account.access_token_secret = ""
        account.state = TwitterAccount.State.DISCONNECTED
        account.disconnected_at = now
        account.subscription_state = TwitterAccount.SubscriptionState.NOT_SUBSCRIBED
        account.subscription_error = ""
        account.subscription_checked_at = now
        account.needs_reauth_since = None
        account.save()
        held = messages_hold_for_reauth(account=account)
        audit_record(
            brand=account.brand,
            actor=actor,
            action="account.disconnected",
            target=account,
            summary=f"@{account.screen_name} disconnected" + (f"; {held} queued reply(ies) held" if held else ""),
        )
    with log_context(brand=account.brand.slug, account=account.screen_name):
        logger.info("twitter account disconnected; %d queued message(s) held", held)
    return account
