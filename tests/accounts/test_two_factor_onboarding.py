"""Two-factor authentication around onboarding: connecting or re-authorising a brand's
account when the brand requires it. Roost and the sandbox over real HTTP (live server)."""

from __future__ import annotations

import time
from urllib.parse import unquote, urlsplit

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from accounts.models import Brand, TwitterAccount
from accounts.services import TwoFactorRequired, VerifiedToken, twitter_account_link
from integrations.twitter import UserCredentials
from integrations.twitter.types import TwitterUser
from tests.accounts.support import TwitterBrowser, page_text
from tests.factories import TwitterAccountFactory

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
    browser, sandbox, dana, brand_a, acme_twitter
):
    account = TwitterAccountFactory(
        brand=brand_a,
        twitter_user_id=str(acme_twitter.id),
        screen_name="acme_help",
        state=TwitterAccount.State.NEEDS_REAUTH,
        access_token="",
        access_token_secret="",
    )
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
