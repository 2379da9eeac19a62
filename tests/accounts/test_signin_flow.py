"""Sign in with Twitter end to end: Roost and the sandbox over real HTTP (live server), the
subscribe task in a real Celery worker."""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.contrib.sessions.models import Session
from django.db.models import TextField
from django.db.models.functions import Cast

from accounts.models import Brand, Membership, Role, TwitterAccount, User
from engagement.models import Message
from sandbox.models import SandboxAccessToken, SandboxSubscription, SandboxUser, SandboxWebhook
from sandbox.services import customer_send_dm, sandbox_user_create, user_revoke_app
from tests.accounts.support import TwitterBrowser, page_text
from tests.factories import ConversationFactory, MessageFactory, TwitterAccountFactory
from tests.helpers import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

CONNECT = "/accounts/twitter/login/?process=connect&connect_to=brand&action=reauthenticate&next=/settings/accounts"


def subscription_state(account_id: int) -> str:
    return TwitterAccount.objects.get(pk=account_id).subscription_state


def sessions_text() -> str:
    return json.dumps([session.get_decoded() for session in Session.objects.all()])


# --- the first sign-in ---------------------------------------------------------------------
@pytest.mark.worker
def test_a_first_sign_in_creates_a_brand_around_the_account_and_subscribes_it(browser, webhook, celery_worker):
    landed = browser.sign_in_with_twitter(screen_name="acme_help", name="Acme Help")

    assert landed.status_code == 200
    assert urlsplit(landed.url).path == "/"
    assert "Welcome to Roost! Acme Help is your brand and @acme_help is connected." in page_text(landed.text)
    brand = Brand.objects.get()
    assert brand.name == "Acme Help"
    person = User.objects.get(username="acme_help")
    assert Membership.objects.get(user=person).brand == brand
    assert Membership.objects.get(user=person).role == Role.OWNER
    account = TwitterAccount.objects.get(brand=brand)
    twitter_user = SandboxUser.objects.get(screen_name="acme_help")
    assert account.twitter_user_id == str(twitter_user.id)
    assert account.state == TwitterAccount.State.ACTIVE
    assert account.connected_by == person
    wait_until(lambda: subscription_state(account.pk) == "subscribed", what="the subscribe task")
    assert SandboxSubscription.objects.filter(user=twitter_user).exists()


def test_the_user_token_is_stored_encrypted_in_the_account_and_nowhere_else(browser, sandbox):
    browser.sign_in_with_twitter(screen_name="acme_help")

    issued = SandboxAccessToken.objects.get(user__screen_name="acme_help")
    account = TwitterAccount.objects.get()
    assert (account.access_token, account.access_token_secret) == (issued.token, issued.secret)
    stored = TwitterAccount.objects.annotate(raw=Cast("access_token_secret", TextField())).get().raw
    assert issued.secret not in stored
    assert not SocialToken.objects.exists()
    assert issued.secret not in json.dumps(SocialAccount.objects.get().extra_data)
    assert issued.token not in sessions_text()


def test_the_person_lands_in_their_brand_with_a_settings_link(browser, sandbox):
    browser.sign_in_with_twitter(screen_name="acme_help", name="Acme Help")

    home = page_text(browser.get("/").text)
    assert "Acme Help" in home  # their brand, named after the account
    assert "Settings" in home  # owners manage it
    assert "@acme_help" in home  # with the DM link to share


def test_a_token_without_direct_message_permission_is_refused_and_nothing_is_created(browser, sandbox, settings):
    settings.SANDBOX_APP_ACCESS_LEVEL = "read-write"

    landed = browser.sign_in_with_twitter(screen_name="acme_help")

    assert urlsplit(landed.url).path == "/accounts/login/"
    assert "has no Direct Message permission" in page_text(landed.text)
    assert "Read, Write and Direct Messages" in page_text(landed.text)
    assert not Brand.objects.exists()
    assert not User.objects.exists()
    assert not TwitterAccount.objects.exists()


def test_an_app_without_subscriptions_left_is_refused_with_what_to_do(browser, webhook, settings):
    from sandbox.services import sandbox_bootstrap

    settings.SANDBOX_SUBSCRIPTION_LIMIT = 1
    SandboxSubscription.objects.create(webhook=SandboxWebhook.objects.get(), user=sandbox_bootstrap())

    landed = browser.sign_in_with_twitter(screen_name="acme_help")

    text = page_text(landed.text)
    assert "The Twitter app has used all 1 of its Account Activity subscriptions." in text
    assert "manage.py twitter_subscription list / remove" in text
    assert not Brand.objects.exists()
    assert not User.objects.exists()


def test_cancelling_on_twitter_changes_nothing(browser, sandbox):
    landed = browser.sign_in_with_twitter(screen_name="acme_help", cancel=True)

    assert "Sign-in cancelled" in page_text(landed.text)
    assert not User.objects.exists()
    assert not Brand.objects.exists()


def test_sign_in_never_redirects_off_site(browser, sandbox):
    landed = browser.sign_in_with_twitter(
        screen_name="acme_help", start="/accounts/twitter/login/?next=https://evil.example/steal"
    )

    assert urlsplit(landed.url).netloc == urlsplit(sandbox.url).netloc
    assert urlsplit(landed.url).path == "/"


@pytest.mark.worker
def test_a_failed_subscription_is_recorded_and_shown_with_what_to_do(browser, sandbox, celery_worker):
    # No webhook registered: Twitter refuses the subscription.
    browser.sign_in_with_twitter(screen_name="acme_help")
    account = TwitterAccount.objects.get()

    wait_until(lambda: subscription_state(account.pk) == "failed", what="the subscribe task")
    account.refresh_from_db()
    assert "code 34" in account.subscription_error
    assert "manage.py twitter_webhook register" in account.subscription_error
    settings_page = page_text(browser.get("/settings/accounts").text)
    assert "Failed" in settings_page
    assert "manage.py twitter_webhook register" in settings_page
    assert "Retry subscription" in settings_page


# --- signing in again, re-authorising -------------------------------------------------------
@pytest.mark.worker
def test_signing_in_again_reauthorises_in_place_and_releases_held_replies(browser, sandbox, webhook, celery_worker):
    browser.sign_in_with_twitter(screen_name="acme_help")
    account = TwitterAccount.objects.get()
    wait_until(lambda: subscription_state(account.pk) == "subscribed", what="the first subscription")
    conversation = ConversationFactory(account=account)
    reply = MessageFactory(
        conversation=conversation,
        direction=Message.Direction.OUTBOUND,
        origin=Message.Origin.AGENT,
        status=Message.Status.QUEUED,
        external_id=None,
        text="We are on it",
    )
    twitter_user = SandboxUser.objects.get(screen_name="acme_help")
    old_token = account.access_token

    user_revoke_app(user=twitter_user)  # Twitter tells Roost through the webhook (user_event)
    wait_until(lambda: TwitterAccount.objects.get().state == "needs_reauth", what="the revoke event")
    reply.refresh_from_db()
    assert reply.hold_reason == Message.HoldReason.NEEDS_REAUTH

    again = TwitterBrowser(sandbox.url).sign_in_with_twitter(as_user=twitter_user)

    assert "@acme_help is re-authorised." in page_text(again.text)
    account = TwitterAccount.objects.get()  # the same row: history kept
    assert account.pk == conversation.account_id
    assert account.state == TwitterAccount.State.ACTIVE
    assert account.needs_reauth_since is None
    assert account.reauthorised_at is not None
    assert account.access_token and account.access_token != old_token
    wait_until(lambda: subscription_state(account.pk) == "subscribed", what="the re-subscription")
    assert SandboxSubscription.objects.filter(user=twitter_user).exists()
    reply.refresh_from_db()
    assert reply.hold_reason == Message.HoldReason.NONE
    assert Brand.objects.count() == 1


def test_reconnecting_from_settings_reauthorises_the_same_account(
    browser, sandbox, alice, brand_a, acme_twitter, waiting_for_reauth
):
    account = waiting_for_reauth
    browser.log_in(alice.email)

    landed = browser.sign_in_with_twitter(as_user=acme_twitter, start=CONNECT, from_page="/settings/accounts")

    assert urlsplit(landed.url).path == "/settings/accounts"
    assert "@acme_help is re-authorised." in page_text(landed.text)
    account.refresh_from_db()
    assert account.state == TwitterAccount.State.ACTIVE
    assert account.has_tokens
    assert TwitterAccount.objects.count() == 1


# --- connecting from the brand settings --------------------------------------------------
def test_an_owner_connects_another_account_to_the_brand(browser, sandbox, alice, brand_a):
    TwitterAccountFactory(brand=brand_a, screen_name="acme_help")
    browser.log_in(alice.email)

    landed = browser.sign_in_with_twitter(screen_name="acme_sales", start=CONNECT, from_page="/settings/accounts")

    assert urlsplit(landed.url).path == "/settings/accounts"
    assert "@acme_sales is connected to Acme." in page_text(landed.text)
    assert sorted(brand_a.twitter_accounts.values_list("screen_name", flat=True)) == ["acme_help", "acme_sales"]
    # Connecting a brand's account does not make it Alice's way to sign in.
    assert not SocialAccount.objects.exists()


def test_an_account_connected_to_another_brand_is_refused_at_connect(
    browser, sandbox, alice, brand_a, brand_b, acme_twitter
):
    theirs = TwitterAccountFactory(brand=brand_b, twitter_user_id=str(acme_twitter.id), screen_name="acme_help")
    browser.log_in(alice.email)

    landed = browser.sign_in_with_twitter(as_user=acme_twitter, start=CONNECT, from_page="/settings/accounts")

    assert "@acme_help is already connected to another brand." in page_text(landed.text)
    assert list(TwitterAccount.objects.all()) == [theirs]
    theirs.refresh_from_db()
    assert theirs.brand == brand_b


def test_an_account_connected_to_another_brand_is_refused_at_first_sign_in(browser, sandbox, brand_b, acme_twitter):
    TwitterAccountFactory(brand=brand_b, twitter_user_id=str(acme_twitter.id), screen_name="acme_help")

    landed = browser.sign_in_with_twitter(as_user=acme_twitter)

    assert urlsplit(landed.url).path == "/accounts/login/"
    assert "@acme_help is already connected to another brand." in page_text(landed.text)
    assert list(Brand.objects.all()) == [brand_b]
    assert not User.objects.exists()


def test_an_agent_cannot_connect_an_account(browser, sandbox, bob, brand_a, acme_twitter):
    browser.log_in(bob.email)

    landed = browser.sign_in_with_twitter(as_user=acme_twitter, start=CONNECT, from_page="/")

    assert "Only owners and admins of a brand can connect its Twitter accounts." in page_text(landed.text)
    assert not TwitterAccount.objects.exists()


def test_connecting_after_switching_brand_in_another_tab_is_refused(
    browser, sandbox, alice, brand_a, brand_b, acme_twitter
):
    Membership.objects.create(brand=brand_b, user=alice, role=Role.OWNER)
    browser.log_in(alice.email)
    started = browser.post(CONNECT, {}, from_page="/settings/accounts", allow_redirects=False)
    twitter_page = browser.get(started.headers["Location"])
    browser.post("/brands/switch", {"brand": str(brand_b.public_id)}, from_page="/")  # the other tab

    landed = browser.authorise(twitter_page, as_user=acme_twitter)

    assert "You switched brands while connecting." in page_text(landed.text)
    assert not TwitterAccount.objects.exists()


def test_linking_twitter_as_a_way_to_sign_in_does_not_connect_it_to_the_brand(browser, sandbox, alice, acme_twitter):
    browser.log_in(alice.email)

    browser.sign_in_with_twitter(
        as_user=acme_twitter,
        start="/accounts/twitter/login/?process=connect&next=/accounts/3rdparty/",
        from_page="/accounts/3rdparty/",
    )

    assert SocialAccount.objects.get().user == alice
    assert not TwitterAccount.objects.exists()
    again = TwitterBrowser(sandbox.url).sign_in_with_twitter(as_user=acme_twitter)
    assert "Acme" in page_text(again.text)  # Alice, signed in with Twitter
    assert Brand.objects.count() == 1


# --- disconnecting --------------------------------------------------------------------------
def test_disconnect_removes_the_subscription_wipes_the_tokens_and_keeps_the_history(
    client, webhook, alice, brand_a, acme_twitter, acme_token
):
    from accounts.services import twitter_account_connect_now, twitter_token_verify
    from integrations.twitter import UserCredentials

    verified = twitter_token_verify(credentials=UserCredentials(*acme_token))
    account = twitter_account_connect_now(brand=brand_a, verified=verified, actor=None).account
    message = MessageFactory(conversation=ConversationFactory(account=account))
    assert SandboxSubscription.objects.filter(user=acme_twitter).exists()
    client.force_login(alice)

    response = client.post(f"/settings/accounts/{account.public_id}/disconnect")

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.state == TwitterAccount.State.DISCONNECTED
    assert (account.access_token, account.access_token_secret) == ("", "")
    assert account.subscription_state == TwitterAccount.SubscriptionState.NOT_SUBSCRIBED
    assert not SandboxSubscription.objects.filter(user=acme_twitter).exists()
    assert Message.objects.filter(pk=message.pk, conversation__account=account).exists()
    assert "@acme_help" in client.get("/settings/accounts").text  # listed under Disconnected


def test_a_disconnected_account_can_be_connected_again(browser, sandbox, alice, brand_a, acme_twitter):
    old = TwitterAccountFactory(
        brand=brand_a,
        twitter_user_id=str(acme_twitter.id),
        screen_name="acme_help",
        state=TwitterAccount.State.DISCONNECTED,
        access_token="",
        access_token_secret="",
    )
    conversation = ConversationFactory(account=old)
    browser.log_in(alice.email)

    browser.sign_in_with_twitter(as_user=acme_twitter, start=CONNECT, from_page="/settings/accounts")

    old.refresh_from_db()
    assert old.state == TwitterAccount.State.ACTIVE
    assert old.has_tokens
    assert conversation.account_id == old.pk
    assert TwitterAccount.objects.count() == 1


def test_signing_in_does_not_reconnect_a_disconnected_account(browser, sandbox, acme_twitter):
    browser.sign_in_with_twitter(as_user=acme_twitter)  # acme_help's first sign-in: their brand
    account = TwitterAccount.objects.get()
    account.state = TwitterAccount.State.DISCONNECTED
    account.access_token = account.access_token_secret = ""
    account.save()

    TwitterBrowser(sandbox.url).sign_in_with_twitter(as_user=acme_twitter)

    account.refresh_from_db()
    assert account.state == TwitterAccount.State.DISCONNECTED
    assert not account.has_tokens


# --- invitations through Twitter, two-factor --------------------------------------------------
def test_an_invited_agent_signing_in_with_twitter_just_joins(browser, sandbox, alice, brand_a):
    from accounts.services import invitation_create

    issued = invitation_create(actor=alice.memberships.get(), brand=brand_a, email="sam@example.com", role=Role.AGENT)
    assert "Join Acme" in page_text(browser.get(issued.url).text)

    landed = browser.sign_in_with_twitter(screen_name="sam_tweets", name="Sam")

    assert urlsplit(landed.url).path == "/"
    assert "You joined Acme as agent." in page_text(landed.text)
    sam = User.objects.get(username="sam_tweets")
    assert sam.memberships.get().brand == brand_a
    assert sam.memberships.get().role == Role.AGENT
    assert Brand.objects.count() == 1
    assert not TwitterAccount.objects.exists()


def test_two_factor_is_asked_after_twitter_and_the_token_never_waits_in_the_session(browser, sandbox, acme_twitter):
    browser.sign_in_with_twitter(as_user=acme_twitter)
    person = User.objects.get(username="acme_help")
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    token = SandboxAccessToken.objects.get(user=acme_twitter).token

    second = TwitterBrowser(sandbox.url)
    challenge = second.sign_in_with_twitter(as_user=acme_twitter)

    assert urlsplit(challenge.url).path == "/accounts/2fa/authenticate/"
    assert token not in sessions_text()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    landed = second.post("/accounts/2fa/authenticate/", {"code": code}, from_page="/accounts/2fa/authenticate/")
    assert urlsplit(landed.url).path == "/"
    assert "Acme Help" in page_text(landed.text)


# --- done when ------------------------------------------------------------------------------
@pytest.mark.worker
def test_done_when_a_new_brand_invites_an_agent_and_a_customers_dm_arrives(browser, webhook, celery_worker, mailoutbox):
    browser.sign_in_with_twitter(screen_name="acme_help", name="Acme Help")
    account = TwitterAccount.objects.get()
    wait_until(lambda: subscription_state(account.pk) == "subscribed", what="the subscription")

    invited = browser.post(
        "/settings/members/invite", {"email": "bob@example.com", "role": "agent"}, from_page="/settings/members"
    )
    assert invited.status_code == 201
    link = next(line for line in mailoutbox[0].body.splitlines() if "/invitations/" in line)
    agent = TwitterBrowser(browser.base)
    agent.get(link)
    joined = agent.post(
        "/accounts/signup/",
        {"email": "bob@example.com", "password1": "tail wind 4 spring", "password2": "tail wind 4 spring"},
        from_page="/accounts/signup/",
    )
    assert "You joined Acme Help as agent." in page_text(joined.text)
    assert "@acme_help" in page_text(agent.get("/").text)

    customer = sandbox_user_create(screen_name="jordan", name="Jordan")
    customer_send_dm(sender=customer, recipient=SandboxUser.objects.get(screen_name="acme_help"), text="Hi Acme!")

    message = wait_until(lambda: Message.objects.filter(text="Hi Acme!").first(), what="the DM through the webhook")
    assert message.brand == Brand.objects.get()
    assert message.account == account
