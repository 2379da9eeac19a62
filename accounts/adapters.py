"""allauth glue: who may sign up, what signing in with Twitter does, invitations across sign-in.

Signing in with Twitter identifies a person; connecting makes an account a brand's
(design.md, Onboarding). ``process=connect`` from the brand settings (``connect_to=brand``)
connects the account to the current brand instead of linking it to the person; allauth's
own connect (Account connections: Twitter as a way to sign in) keeps working. The user's
token is copied into ``TwitterAccount`` (encrypted) and removed from the ``SocialLogin``, so
allauth never stores it (``SOCIALACCOUNT_STORE_TOKENS = False``). What a sign-in changes
waits until the login has passed every stage, second factor included (``web.after_login``).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base.constants import AuthProcess
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.middleware import CURRENT_BRAND_SESSION_KEY
from accounts.models import Brand, User
from accounts.permissions import can_manage_settings
from accounts.selectors import memberships_for_user, twitter_account_live_for_user_id
from accounts.services import (
    AccountConnectError,
    BrandError,
    Connected,
    TwoFactorRequired,
    VerifiedToken,
    brand_create_for_sign_in,
    twitter_account_link,
    twitter_account_reauthorise_on_sign_in,
    twitter_account_refuse_without_mfa,
    twitter_token_verify,
)
from accounts.web.after_login import AfterLogin, after_login_defer, after_login_take
from accounts.web.invitation_session import invitation_accept_pending, pending_invitation
from integrations.twitter import UserCredentials

logger = logging.getLogger(__name__)

# The verified token of a first sign-in, kept on the in-memory SocialLogin until the user exists.
NEW_BRAND_TOKEN = "_roost_new_brand_token"


def _subscription_note(connected: Connected) -> str:
    released = f" {connected.released} held reply(ies) will now be sent." if connected.released else ""
    return f"Subscribing it to the webhook now; its state is in Settings.{released}"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join Roost through an invitation (email and password, or Twitter) or by
        # signing in with Twitter, which creates their brand. Email sign-up needs an invitation.
        return pending_invitation(request) is not None

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        # Every login stage (the second factor included) has passed: what signing in with
        # Twitter left waiting is done now (accounts.web.after_login).
        try:
            work = after_login_take((kwargs.get("signal_kwargs") or {}).get("sociallogin"))
            if work is not None:
                _sign_in_finish(request, user, work)
        except Exception:
            # They are signed in already: a failure here (a token under a key rotated away
            # meanwhile, the database) must not turn that into an error page, nor skip the rest.
            logger.exception("signing in with Twitter: what it left waiting could not be done")
            messages.error(
                request,
                "You are signed in, but Roost could not finish connecting your Twitter account. "
                "Sign in with Twitter again to retry.",
            )
        invitation_accept_pending(request, user)
        return super().post_login(request, user, **kwargs)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        token = sociallogin.token
        credentials = UserCredentials(token.token, token.token_secret) if token else UserCredentials("", "")
        # From here on the token lives only where we put it (a TwitterAccount, or encrypted
        # with the pending login: accounts.web.after_login), never in allauth's tables.
        sociallogin.token = None
        process = sociallogin.state.get("process")
        if process == AuthProcess.CONNECT and "brand" in (sociallogin.state.get("data") or {}):
            raise ImmediateHttpResponse(self._connect_to_brand(request, sociallogin, credentials))
        if process == AuthProcess.CONNECT:
            return  # allauth links the Twitter login to the signed-in person (Account connections)
        self._sign_in(request, sociallogin, credentials)

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> User:
        user = super().save_user(request, sociallogin, form)
        verified = getattr(sociallogin, NEW_BRAND_TOKEN, None)
        if verified is not None:
            _create_brand(request, user, verified)
        return user

    # --- connecting an account to the current brand (Settings → Connect / Reconnect) -----------
    def _connect_to_brand(
        self, request: HttpRequest, sociallogin: SocialLogin, credentials: UserCredentials
    ) -> HttpResponse:
        back = redirect(sociallogin.get_redirect_url(request) or reverse("settings_accounts"))
        membership = getattr(request, "membership", None)
        if membership is None or not can_manage_settings(membership):
            messages.error(request, "Only owners and admins of a brand can connect its Twitter accounts.")
            return redirect("home")
        if (sociallogin.state.get("data") or {}).get("brand") != str(membership.brand.public_id):
            messages.error(request, "You switched brands while connecting. Connect again from this brand's settings.")
            return back
        try:
            twitter_account_refuse_without_mfa(brand=membership.brand, actor=request.user)
            verified = twitter_token_verify(credentials=credentials)
            connected = twitter_account_link(brand=membership.brand, verified=verified, actor=request.user)
        except TwoFactorRequired as error:
            messages.error(request, str(error))
            return redirect("mfa_activate_totp")
        except AccountConnectError as error:
            messages.error(request, str(error))
            return back
        verb = "re-authorised" if connected.reauthorised else f"connected to {membership.brand.name}"
        messages.success(request, f"@{connected.account.screen_name} is {verb}. {_subscription_note(connected)}")
        return back

    # --- signing in ---------------------------------------------------------------------------
    def _sign_in(self, request: HttpRequest, sociallogin: SocialLogin, credentials: UserCredentials) -> None:
        """Decide what signing in does; a person who exists has it done after their login
        completes (``post_login``), so nothing changes before their second factor."""
        person = sociallogin.user if sociallogin.is_existing else None
        uid = sociallogin.account.uid
        screen_name = sociallogin.account.extra_data.get("screen_name", "")
        work = AfterLogin(credentials=credentials, twitter_user_id=uid, screen_name=screen_name)
        if person is not None:
            after_login_defer(sociallogin, work)  # re-authorise the account if one of their brands has it
        if pending_invitation(request) is not None:
            return  # an invited person just joins (post_login accepts the invitation)
        if person is not None and memberships_for_user(user=person).exists():
            return
        # A first sign-in (or someone left with no brand): the account becomes their brand's.
        try:
            if twitter_account_live_for_user_id(twitter_user_id=uid) is not None:
                raise AccountConnectError(
                    f"@{screen_name} is already connected to another brand. Ask that brand's owner to invite you, "
                    "or to disconnect it there first."
                )
            verified = twitter_token_verify(credentials=credentials)
        except AccountConnectError as error:
            messages.error(request, f"Roost could not set up a brand for @{screen_name}: {error}")
            raise ImmediateHttpResponse(redirect("account_login")) from error
        if person is not None:
            after_login_defer(sociallogin, replace(work, new_brand_for=verified.user))
        else:
            setattr(sociallogin, NEW_BRAND_TOKEN, verified)  # a new person has no second factor yet


def _sign_in_finish(request: HttpRequest, person: User, work: AfterLogin) -> None:
    _reauthorise(request, person, work)
    if work.new_brand_for is not None:
        _create_brand(request, person, VerifiedToken(credentials=work.credentials, user=work.new_brand_for))


def _reauthorise(request: HttpRequest, person: User, work: AfterLogin) -> None:
    try:
        connected = twitter_account_reauthorise_on_sign_in(
            person=person, credentials=work.credentials, twitter_user_id=work.twitter_user_id
        )
    except AccountConnectError as error:
        messages.warning(request, f"@{work.screen_name} could not be re-authorised: {error}")
        return
    if connected is not None:
        messages.success(request, f"@{work.screen_name} is re-authorised. {_subscription_note(connected)}")
        _make_current(request, connected.account.brand)


def _create_brand(request: HttpRequest, person: User, verified: VerifiedToken) -> None:
    try:
        connected = brand_create_for_sign_in(owner=person, verified=verified)
    except (AccountConnectError, BrandError) as error:
        messages.error(request, f"Roost could not set up a brand for @{verified.user.screen_name}: {error}")
        return
    brand = connected.account.brand
    _make_current(request, brand)
    messages.success(
        request,
        f"Welcome to Roost! {brand.name} is your brand and @{connected.account.screen_name} is connected. "
        f"{_subscription_note(connected)} You can rename the brand in Settings.",
    )


def _make_current(request: HttpRequest, brand: Brand) -> None:
    request.session[CURRENT_BRAND_SESSION_KEY] = str(brand.public_id)
