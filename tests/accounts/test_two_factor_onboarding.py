"""Two-factor authentication around onboarding: connecting or re-authorising a brand's
account when the brand requires it. Roost and the sandbox over real HTTP (live server)."""

from __future__ import annotations

import json
import time
from urllib.parse import unquote, urlsplit

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.sessions.models import Session

from accounts.models import AuditEvent, Brand, TwitterAccount, User
from accounts.services import (
    TwoFactorRequired,
    VerifiedToken,
    twitter_account_link,
    twitter_account_mark_needs_reauth,
)
from engagement.models import Message
from integrations.twitter import UserCredentials
from integrations.twitter.types import TwitterUser
from sandbox.models import SandboxAccessToken
from tests.accounts.support import TwitterBrowser, page_text
from tests.factories import ConversationFactory, MessageFactory, TwitterAccountFactory

pytestmark = pytest.mark.django_db(transaction=True)

CONNECT = "/accounts/twitter/login/?process=connect&connect_to=brand&action=reauthenticate&next=/settings/accounts"
MFA_SETUP = "/accounts/2fa/totp/activate/"


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sent_to_set_up_two_factor(page: requests.Response) -> bool:
    """On the authenticator app's setup page, or on allauth's password check on the way there."""
    return MFA_SETUP in unquote(page.url)


def require_mfa(brand: Brand) -> None:
    Brand.objects.filter(pk=brand.pk).update(require_mfa=True)


def log_in_with_code(browser: TwitterBrowser, email: str, secret: str) -> None:
    challenge = browser.log_in(email)
    assert urlsplit(challenge.url).path == "/accounts/2fa/authenticate/"
    browser.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)}, from_page="/accounts/2fa/authenticate/")


# --- connecting from the settings --------------------------------------------------------------
def test_an_admin_without_two_factor_cannot_connect_an_account_when_the_brand_requires_it(
    browser, sandbox, dana, brand_a, acme_twitter
):
    require_mfa(brand_a)
    browser.log_in(dana.email)

    started = browser.post(CONNECT, {}, from_page="/accounts/2fa/", allow_redirects=False)

    assert started.headers["Location"] == MFA_SETUP  # sent to set it up, not to Twitter
    assert "Acme requires two-factor authentication." in page_text(browser.get(MFA_SETUP).text)
    assert not TwitterAccount.objects.exists()


def test_an_admin_without_two_factor_cannot_reconnect_an_account_when_the_brand_requires_it(
    browser, sandbox, dana, brand_a, acme_twitter, waiting_for_reauth
):
    account = waiting_for_reauth
    browser.log_in(dana.email)
    started = browser.post(CONNECT, {}, from_page="/settings/accounts", allow_redirects=False)
    twitter_page = browser.get(started.headers["Location"])
    require_mfa(brand_a)  # the owner turns the requirement on while Dana is on Twitter's page

    landed = browser.authorise(twitter_page, as_user=acme_twitter)

    assert sent_to_set_up_two_factor(landed)
    account.refresh_from_db()
    assert account.state == TwitterAccount.State.NEEDS_REAUTH
    assert not account.has_tokens


def test_an_admin_with_two_factor_connects_as_usual(browser, sandbox, dana, brand_a, acme_twitter):
    secret = generate_totp_secret()
    TOTP.activate(dana, secret)
    require_mfa(brand_a)
    log_in_with_code(browser, dana.email, secret)

    landed = browser.sign_in_with_twitter(as_user=acme_twitter, start=CONNECT, from_page="/settings/accounts")

    assert "@acme_help is connected to Acme." in page_text(landed.text)
    assert TwitterAccount.objects.get().brand == brand_a


def test_connecting_needs_two_factor_whatever_the_way_in(dana, brand_a):
    """The rule sits where every connect and re-authorisation writes, not only in the views."""
    account = TwitterAccountFactory(
        brand=brand_a, twitter_user_id="4000000042", state=TwitterAccount.State.NEEDS_REAUTH
    )
    require_mfa(brand_a)
    brand_a.refresh_from_db()
    verified = VerifiedToken(
        credentials=UserCredentials("new-token", "new-secret"),
        user=TwitterUser(id="4000000042", screen_name=account.screen_name, access_level="read-write-directmessages"),
    )

    with pytest.raises(TwoFactorRequired, match="Acme requires two-factor authentication"):
        twitter_account_link(brand=brand_a, verified=verified, actor=dana)

    account.refresh_from_db()
    assert account.state == TwitterAccount.State.NEEDS_REAUTH
    assert account.access_token != "new-token"


# --- signing in with Twitter: nothing changes before the second factor ---------------------------
@pytest.fixture
def acme_help_needing_reauth(browser, acme_twitter) -> tuple[User, TwitterAccount, Message]:
    """acme_help's brand (from their first sign-in), its account no longer accepted by
    Twitter, and a reply held until it is re-authorised."""
    browser.sign_in_with_twitter(as_user=acme_twitter)
    person = User.objects.get(username="acme_help")
    account = TwitterAccount.objects.get()
    reply = MessageFactory(
        conversation=ConversationFactory(account=account),
        direction=Message.Direction.OUTBOUND,
        origin=Message.Origin.AGENT,
        status=Message.Status.QUEUED,
        external_id=None,
    )
    twitter_account_mark_needs_reauth(account=account, reason="Invalid or expired token (code 89)", wipe_tokens=True)
    return person, account, reply


def as_stored(account: TwitterAccount) -> dict:
    return TwitterAccount.objects.filter(pk=account.pk).values().get()


def test_signing_in_with_twitter_changes_nothing_until_the_second_factor_is_given(
    sandbox, acme_twitter, acme_help_needing_reauth
):
    person, account, reply = acme_help_needing_reauth
    TOTP.activate(person, generate_totp_secret())
    before = as_stored(account)

    challenge = TwitterBrowser(sandbox.url).sign_in_with_twitter(as_user=acme_twitter)

    assert urlsplit(challenge.url).path == "/accounts/2fa/authenticate/"
    assert as_stored(account) == before  # tokens, state, subscription: all as they were
    reply.refresh_from_db()
    assert reply.hold_reason == Message.HoldReason.NEEDS_REAUTH
    assert not AuditEvent.objects.filter(action="account.reauthorised").exists()


def test_giving_the_second_factor_re_authorises_the_account(sandbox, acme_twitter, acme_help_needing_reauth):
    person, account, reply = acme_help_needing_reauth
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    second = TwitterBrowser(sandbox.url)
    second.sign_in_with_twitter(as_user=acme_twitter)

    landed = second.post(
        "/accounts/2fa/authenticate/", {"code": totp_code(secret)}, from_page="/accounts/2fa/authenticate/"
    )

    assert "@acme_help is re-authorised." in page_text(landed.text)
    account.refresh_from_db()
    assert account.state == TwitterAccount.State.ACTIVE
    assert account.has_tokens
    assert account.reauthorised_at is not None
    reply.refresh_from_db()
    assert reply.hold_reason == Message.HoldReason.NONE


def test_the_token_waits_for_the_second_factor_encrypted(sandbox, acme_twitter, acme_help_needing_reauth):
    person, _, _ = acme_help_needing_reauth
    TOTP.activate(person, generate_totp_secret())

    TwitterBrowser(sandbox.url).sign_in_with_twitter(as_user=acme_twitter)

    token = SandboxAccessToken.objects.filter(user=acme_twitter).latest("pk")
    stored = json.dumps([session.get_decoded() for session in Session.objects.all()])
    assert token.token not in stored and token.secret not in stored


def test_signing_in_without_two_factor_does_not_re_authorise_for_a_brand_that_requires_it(
    sandbox, acme_twitter, acme_help_needing_reauth
):
    person, account, reply = acme_help_needing_reauth
    require_mfa(account.brand)
    before = as_stored(account)

    landed = TwitterBrowser(sandbox.url).sign_in_with_twitter(as_user=acme_twitter)

    assert "@acme_help could not be re-authorised: Acme Help requires two-factor authentication." in page_text(
        landed.text
    )
    assert sent_to_set_up_two_factor(landed)
    assert as_stored(account) == before


def test_a_person_left_with_no_brand_gets_a_new_one_only_after_the_second_factor(browser, sandbox, acme_twitter):
    browser.sign_in_with_twitter(as_user=acme_twitter)
    person = User.objects.get(username="acme_help")
    Brand.objects.all().delete()  # their brand was removed; they can still sign in
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    second = TwitterBrowser(sandbox.url)

    second.sign_in_with_twitter(as_user=acme_twitter)
    assert not Brand.objects.exists()
    landed = second.post(
        "/accounts/2fa/authenticate/", {"code": totp_code(secret)}, from_page="/accounts/2fa/authenticate/"
    )

    assert "Welcome to Roost! Acme Help is your brand and @acme_help is connected." in page_text(landed.text)
    assert Brand.objects.get().memberships.get().user == person


def test_work_left_by_sign_in_that_cannot_be_done_is_an_error_message_not_an_error_page(rf, bob):
    """The person is signed in by then; a token sealed under a key rotated away meanwhile must
    not turn that into a 500."""
    from allauth.socialaccount.models import SocialLogin
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.adapters import AccountAdapter
    from accounts.web.after_login import STATE_KEY

    request = rf.get("/")
    request.session = SessionStore()
    request.user = bob
    request._messages = FallbackStorage(request)
    sociallogin = SocialLogin()
    sociallogin.state[STATE_KEY] = {
        "token": "not a sealed token",
        "secret": "nor this",
        "twitter_user_id": "4000000042",
        "screen_name": "acme_help",
        "new_brand_for": None,
    }
    response = AccountAdapter(request).post_login(
        request,
        bob,
        email_verification="none",
        signal_kwargs={"sociallogin": sociallogin},
        email=None,
        signup=False,
        redirect_url="/",
    )
    assert response.status_code == 302
    assert "could not finish connecting your Twitter account" in " ".join(str(m) for m in get_messages(request))
