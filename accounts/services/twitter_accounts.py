"""Connecting a Twitter account to a brand: verifying its token, storing it, re-authorising it.

Subscribing to the webhook and disconnecting live in ``accounts.services.subscriptions``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Brand, TwitterAccount, User
from config.logging import log_context
from config.queue import enqueue_on_commit
from integrations.twitter import TwitterError, UserCredentials, twitter_client
from integrations.twitter.explain import explain
from integrations.twitter.types import TwitterUser

logger = logging.getLogger(__name__)


class AccountConnectError(Exception):
    """The account could not be connected; the message says why and what to do."""


class TwoFactorRequired(AccountConnectError):
    """The brand requires two-factor authentication and the person connecting has none."""


@dataclass(frozen=True)
class VerifiedToken:
    """A user token Twitter accepts, with Direct Message permission, for ``user``."""

    credentials: UserCredentials
    user: TwitterUser


@dataclass(frozen=True)
class Connected:
    account: TwitterAccount
    reauthorised: bool
    released: int  # replies that were held for re-authorisation and may go out again


def twitter_account_credentials(account: TwitterAccount) -> UserCredentials:
    return UserCredentials(str(account.access_token or ""), str(account.access_token_secret or ""))


def _check_subscription_room(credentials: UserCredentials) -> None:
    """Refuse early when the app has no subscription left, unless this account already has one."""
    client = twitter_client()
    try:
        if client.subscription_check(credentials):
            return
        count = client.subscriptions_count()
    except TwitterError as error:
        raise AccountConnectError(explain(error)) from error
    if count.provisioned and count.remaining == 0:
        raise AccountConnectError(
            f"The Twitter app has used all {count.provisioned} of its Account Activity subscriptions. "
            "Remove one (manage.py twitter_subscription list / remove) or upgrade the app's plan, then connect again."
        )


def twitter_token_verify(*, credentials: UserCredentials, check_subscriptions: bool = True) -> VerifiedToken:
    """Ask Twitter who the token belongs to and whether it can do Roost's job. Writes nothing.

    Checks ``account/verify_credentials``, the Direct Message permission (``x-access-level``)
    and, unless told not to, that the app has a subscription left for the account.
    """
    if not (credentials.token and credentials.secret):
        raise AccountConnectError("Both the access token and its secret are needed.")
    try:
        user = twitter_client().verify_credentials(credentials)
    except TwitterError as error:
        raise AccountConnectError(explain(error)) from error
    if not user.can_direct_message:
        raise AccountConnectError(
            f"@{user.screen_name}'s token has no Direct Message permission (access level "
            f"'{user.access_level or 'unknown'}'). Set the app to 'Read, Write and Direct Messages', then sign in again."
        )
    if check_subscriptions:
        _check_subscription_room(credentials)
    return VerifiedToken(credentials=credentials, user=user)


def _elsewhere(screen_name: str) -> AccountConnectError:
    return AccountConnectError(
        f"@{screen_name} is already connected to another brand. "
        "It has to be disconnected there before it can be connected here."
    )


def twitter_account_refuse_if_elsewhere(*, brand: Brand, twitter_user_id: str, screen_name: str) -> None:
    """An account is live in at most one brand; it never moves silently."""
    live = TwitterAccount.objects.filter(twitter_user_id=twitter_user_id).exclude(
        state=TwitterAccount.State.DISCONNECTED
    )
    if live.exclude(brand=brand).exists():
        raise _elsewhere(screen_name)


def twitter_account_refuse_without_mfa(*, brand: Brand, actor: User | None) -> None:
    """Connecting or re-authorising a brand's account is a member's act in that brand: when the
    brand requires two-factor authentication, so does this. (``actor=None`` is an operator.)"""
    from accounts.services.brand_settings import user_has_mfa

    if actor is not None and brand.require_mfa and not user_has_mfa(actor):
        raise TwoFactorRequired(
            f"{brand.name} requires two-factor authentication. Set up an authenticator app "
            "(Account → Two-factor authentication), then connect the account again. Nothing was changed."
        )


def twitter_account_store(
    *, brand: Brand, verified: VerifiedToken, connected_by: User | None, subscribed: bool = False
) -> tuple[TwitterAccount, bool]:
    """Write the verified token onto the brand's account (new, or re-authorised in place).
    Every connect and re-authorisation passes here, so the two-factor rule is checked here."""
    twitter_account_refuse_without_mfa(brand=brand, actor=connected_by)
    user, credentials = verified.user, verified.credentials
    now = timezone.now()
    try:
        with transaction.atomic():
            live = (
                TwitterAccount.objects.select_for_update()
                .filter(twitter_user_id=user.id)
                .exclude(state=TwitterAccount.State.DISCONNECTED)
                .first()
            )
            if live is not None and live.brand_id != brand.id:
                raise _elsewhere(user.screen_name)
            account = live or (
                TwitterAccount.objects.filter(brand=brand, twitter_user_id=user.id).order_by("-connected_at").first()
            )
            reconnecting = account is not None
            if account is None:
                account = TwitterAccount(brand=brand, twitter_user_id=user.id, connected_by=connected_by)
            account.screen_name = user.screen_name
            account.name = user.name
            account.avatar_url = user.profile_image_url
            account.access_token = credentials.token
            account.access_token_secret = credentials.secret
            account.access_level = user.access_level
            account.state = TwitterAccount.State.ACTIVE
            account.needs_reauth_since = None
            account.disconnected_at = None
            account.last_error = ""
            if subscribed:
                account.subscription_state = TwitterAccount.SubscriptionState.SUBSCRIBED
                account.subscription_error = ""
                account.subscription_checked_at = now
            if reconnecting:
                account.reauthorised_at = now
            account.save()
    except IntegrityError as error:
        raise AccountConnectError(f"@{user.screen_name} was just connected elsewhere; try again.") from error
    with log_context(brand=brand.slug, account=account.screen_name):
        logger.info("twitter account %s", "re-authorised" if reconnecting else "connected")
    return account, reconnecting


def twitter_account_connect(
    *,
    brand: Brand,
    credentials: UserCredentials,
    connected_by: User | None = None,
    check_subscriptions: bool = True,
) -> TwitterAccount:
    """Verify a user token and make its account the brand's, encrypted.

    Connecting an account the brand had before re-authorises it in place (tokens replaced,
    history kept). An account live in another brand is refused: it never moves silently.
    Subscribing to the webhook is a separate step (``twitter_account_subscribe``); the web
    and command paths use ``twitter_account_link`` / ``twitter_account_connect_now``
    (``accounts.services.operator_connect``).
    """
    verified = twitter_token_verify(credentials=credentials, check_subscriptions=check_subscriptions)
    with transaction.atomic():
        account, reconnecting = twitter_account_store(brand=brand, verified=verified, connected_by=connected_by)
        twitter_account_after_connect(account=account, actor=connected_by, reconnecting=reconnecting)
    return account


def twitter_account_after_connect(*, account: TwitterAccount, actor: User | None, reconnecting: bool) -> int:
    """Audit the change and release replies held while the token was not accepted."""
    from accounts.services.brands import audit_record
    from engagement.services.outbound_holds import messages_release_after_reauth

    released = messages_release_after_reauth(account=account) if reconnecting else []
    verb = "re-authorised" if reconnecting else "connected"
    audit_record(
        brand=account.brand,
        actor=actor,
        action=f"account.{'reauthorised' if reconnecting else 'connected'}",
        target=account,
        summary=f"@{account.screen_name} {verb}" + (f"; {len(released)} held reply(ies) released" if released else ""),
    )
    return len(released)


def twitter_account_link(*, brand: Brand, verified: VerifiedToken, actor: User | None) -> Connected:
    """Connect (or re-authorise) a verified account and subscribe it in the background.

    The subscribe task runs after commit; its outcome lands on the account
    (``subscription_state``/``subscription_error``). Re-authorising releases held replies.
    """
    from accounts.services.subscriptions import twitter_account_subscription_request

    with transaction.atomic():
        account, reconnecting = twitter_account_store(brand=brand, verified=verified, connected_by=actor)
        twitter_account_subscription_request(account=account)
        released = twitter_account_after_connect(account=account, actor=actor, reconnecting=reconnecting)
    return Connected(account=account, reauthorised=reconnecting, released=released)


def twitter_account_mark_needs_reauth(*, account: TwitterAccount, reason: str, wipe_tokens: bool) -> TwitterAccount:
    """Twitter no longer accepts the account's token (a revoke event, or code 89).

    Its queued replies are held, not failed, and go out once someone re-authorises it; the
    brand's owners and admins are told (email, and a banner in Roost).
    """
    from accounts.services.brands import audit_record
    from accounts.tasks import notify_account_needs_reauth
    from engagement.services import messages_hold_for_reauth

    if account.state == TwitterAccount.State.DISCONNECTED:
        return account
    now = timezone.now()
    first_time = account.state != TwitterAccount.State.NEEDS_REAUTH
    account.state = TwitterAccount.State.NEEDS_REAUTH
    account.needs_reauth_since = account.needs_reauth_since or now
    account.last_error = reason
    account.last_error_at = now
    if wipe_tokens:
        account.access_token = ""
        account.access_token_secret = ""
        # Twitter deletes the subscription of an account that revokes the app.
        account.subscription_state = TwitterAccount.SubscriptionState.NOT_SUBSCRIBED
        account.subscription_error = reason
    account.save()
    held = messages_hold_for_reauth(account=account)
    if first_time:
        audit_record(
            brand=account.brand,
            actor=None,
            action="account.needs_reauth",
            target=account,
            summary=f"@{account.screen_name} needs re-authorisation: {reason}",
        )
        enqueue_on_commit(notify_account_needs_reauth, account.pk)
    with log_context(brand=account.brand.slug, account=account.screen_name):
        logger.warning("account needs re-authorisation (%s); %d queued message(s) held", reason, held)
    return account


def twitter_account_notify_needs_reauth(*, account_id: int) -> int:
    """Email the brand's owners and admins; returns how many people were told."""
    from django.core.mail import send_mail

    from accounts.models import Membership, Role

    account = TwitterAccount.objects.select_related("brand").filter(pk=account_id).first()
    if account is None or account.state != TwitterAccount.State.NEEDS_REAUTH:
        return 0
    people = Membership.objects.filter(brand=account.brand, role__in=[Role.OWNER, Role.ADMIN]).select_related("user")
    recipients = sorted({membership.user.email for membership in people if membership.user.email})
    if not recipients:
        return 0
    send_mail(
        subject=f"[Roost] @{account.screen_name} needs to be reconnected",
        message=(
            f"Twitter no longer accepts Roost's access to @{account.screen_name} ({account.last_error}).\n\n"
            f"Replies to its customers are held, not lost, until someone from {account.brand.name} connects it "
            f"again by signing in with Twitter as @{account.screen_name}, or with Reconnect in the settings:\n"
            f"{settings.PUBLIC_URL}/settings/accounts\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)
