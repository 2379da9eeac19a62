"""create_brand, connect_twitter_account and create_api_token, with good and bad input:
each bad input is a CommandError that says what to do, and writes nothing."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.db.models import TextField
from django.db.models.functions import Cast

from accounts.models import ApiToken, AuditEvent, Brand, Invitation, Membership, Role, TwitterAccount
from accounts.services import api_token_authenticate
from sandbox.models import SandboxSubscription, SandboxUser
from sandbox.services import fault_inject, sandbox_token_issue, sandbox_user_create
from tests.factories import BrandFactory, MembershipFactory, TwitterAccountFactory, UserFactory


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def nothing_written() -> bool:
    return not (
        Brand.objects.exists()
        or Invitation.objects.exists()
        or TwitterAccount.objects.exists()
        or ApiToken.objects.exists()
        or AuditEvent.objects.exists()
    )


# --- create_brand -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_create_brand_without_an_owner(mailoutbox):
    output = run("create_brand", "acme", "--name", "Acme Inc.")
    brand = Brand.objects.get()
    assert (brand.slug, brand.name) == ("acme", "Acme Inc.")
    assert "Created brand Acme Inc. (acme)." in output
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_create_brand_with_an_existing_person_as_owner():
    person = UserFactory(email="Owner@Example.com")
    run("create_brand", "acme", "--name", "Acme", "--owner", "owner@example.com")
    assert Membership.objects.get(user=person).role == Role.OWNER


@pytest.mark.django_db
def test_create_brand_invites_an_owner_who_has_no_account_yet(mailoutbox, client):
    output = run("create_brand", "acme", "--name", "Acme", "--owner", "new@example.com")

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("new@example.com", Role.OWNER)
    link = output.strip().splitlines()[-1]
    assert link.startswith("http") and "/invitations/" in link
    assert mailoutbox[0].to == ["new@example.com"]
    assert client.get("/invitations/" + link.rsplit("/", 1)[1]).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Acme Inc", "--name", "Acme"), "is not a valid slug"),
        (("acme", "--name", "  "), "--name cannot be empty"),
        (("acme", "--name", "Acme", "--owner", "not-an-email"), "is not an email address"),
    ],
)
def test_create_brand_refuses_bad_input_and_writes_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        run("create_brand", *args)
    assert nothing_written()


@pytest.mark.django_db
def test_create_brand_refuses_a_slug_in_use():
    BrandFactory(slug="acme", name="Acme")
    with pytest.raises(CommandError, match="A brand with the slug 'acme' already exists."):
        run("create_brand", "acme", "--name", "Other")
    assert Brand.objects.get().name == "Acme"


# --- connect_twitter_account ------------------------------------------------------------------
pytestmark_live = pytest.mark.django_db(transaction=True)


@pytest.fixture
def acme_brand(db):
    return BrandFactory(slug="acme", name="Acme")


@pytest.fixture
def owner_tokens(sandbox, settings) -> tuple[str, str]:
    """The single-user path: the app owner's own tokens (settings), as the docs describe."""
    return settings.TWITTER_ACCESS_TOKEN, settings.TWITTER_ACCESS_TOKEN_SECRET


@pytestmark_live
def test_connect_verifies_stores_encrypted_and_subscribes(acme_brand, webhook, owner_tokens):
    token, secret = owner_tokens

    output = run("connect_twitter_account", "acme", "--token", token, "--token-secret", secret)

    assert "@roost_demo is connected to Acme and subscribed to the webhook." in output
    account = TwitterAccount.objects.get(brand=acme_brand)
    assert account.screen_name == "roost_demo"
    assert (account.access_token, account.access_token_secret) == (token, secret)
    assert secret not in TwitterAccount.objects.annotate(raw=Cast("access_token_secret", TextField())).get().raw
    assert account.subscription_state == TwitterAccount.SubscriptionState.SUBSCRIBED
    assert SandboxSubscription.objects.filter(user__screen_name="roost_demo").exists()


@pytestmark_live
def test_connecting_again_reauthorises_the_same_account(acme_brand, webhook, owner_tokens):
    run("connect_twitter_account", "acme", "--token", owner_tokens[0], "--token-secret", owner_tokens[1])
    output = run("connect_twitter_account", "acme", "--token", owner_tokens[0], "--token-secret", owner_tokens[1])
    assert "re-authorised in Acme" in output
    assert TwitterAccount.objects.count() == 1


@pytestmark_live
def test_connect_refuses_a_token_twitter_does_not_accept(acme_brand, webhook):
    with pytest.raises(
        CommandError,
        match=r"Nothing was stored\. Twitter refused: (.*\(code (32|89)\)|Could not authenticate you|Invalid or expired token)",
    ):
        run("connect_twitter_account", "acme", "--token", "1-forged", "--token-secret", "forged")
    assert not TwitterAccount.objects.exists()


@pytestmark_live
def test_connect_refuses_a_token_without_direct_message_permission(acme_brand, webhook):
    user = sandbox_user_create(screen_name="acme_help")
    token, secret = sandbox_token_issue(user=user, access_level="read-write")
    with pytest.raises(CommandError, match="has no Direct Message permission"):
        run("connect_twitter_account", "acme", "--token", token, "--token-secret", secret)
    assert not TwitterAccount.objects.exists()
    assert not SandboxSubscription.objects.exists()


@pytestmark_live
def test_connect_without_a_webhook_says_to_register_it_and_stores_nothing(acme_brand, owner_tokens):
    with pytest.raises(CommandError, match="manage.py twitter_webhook register"):
        run("connect_twitter_account", "acme", "--token", owner_tokens[0], "--token-secret", owner_tokens[1])
    assert not TwitterAccount.objects.exists()


@pytestmark_live
def test_connect_refuses_an_account_live_in_another_brand(acme_brand, webhook, owner_tokens):
    other = BrandFactory(slug="bolt", name="Bolt")
    run("connect_twitter_account", "bolt", "--token", owner_tokens[0], "--token-secret", owner_tokens[1])
    with pytest.raises(CommandError, match="already connected to another brand"):
        run("connect_twitter_account", "acme", "--token", owner_tokens[0], "--token-secret", owner_tokens[1])
    assert TwitterAccount.objects.get().brand == other


def write_fails(*args: object, **kwargs: object) -> None:
    raise IntegrityError("duplicate key value violates unique constraint")


@pytestmark_live
def test_a_connect_whose_write_fails_takes_back_the_subscription_it_added(
    acme_brand, webhook, owner_tokens, monkeypatch
):
    monkeypatch.setattr(TwitterAccount, "save", write_fails)

    with pytest.raises(CommandError, match="Nothing was stored. @roost_demo was just connected elsewhere; try again."):
        run("connect_twitter_account", "acme", "--token", owner_tokens[0], "--token-secret", owner_tokens[1])

    assert not SandboxSubscription.objects.exists()
    assert not TwitterAccount.objects.exists()


@pytestmark_live
def test_a_connect_that_loses_a_race_leaves_the_subscription_to_the_brand_that_won(
    acme_brand, webhook, owner_tokens, monkeypatch
):
    from accounts.services import operator_connect

    bolt = BrandFactory(slug="bolt", name="Bolt")
    checked = operator_connect.twitter_account_refuse_if_elsewhere

    def connected_in_bolt_right_after_the_check(*, brand, twitter_user_id, screen_name):  # noqa: ANN001, ANN202
        checked(brand=brand, twitter_user_id=twitter_user_id, screen_name=screen_name)
        TwitterAccountFactory(brand=bolt, twitter_user_id=twitter_user_id, screen_name=screen_name)

    monkeypatch.setattr(
        operator_connect, "twitter_account_refuse_if_elsewhere", connected_in_bolt_right_after_the_check
    )

    with pytest.raises(CommandError, match="already connected to another brand"):
        run("connect_twitter_account", "acme", "--token", owner_tokens[0], "--token-secret", owner_tokens[1])

    assert TwitterAccount.objects.get().brand == bolt
    assert SandboxSubscription.objects.filter(user__screen_name="roost_demo").exists()  # Bolt's events need it


@pytestmark_live
def test_a_subscription_twitter_will_not_take_back_is_logged_with_how_to_remove_it(
    acme_brand, webhook, owner_tokens, monkeypatch, caplog
):
    monkeypatch.setattr(TwitterAccount, "save", write_fails)
    fault_inject(endpoint="DELETE account_activity/all/:env_name/subscriptions/:user_id", status=503)
    owner = SandboxUser.objects.get(screen_name="roost_demo")

    with pytest.raises(CommandError, match="Nothing was stored."):
        run("connect_twitter_account", "acme", "--token", owner_tokens[0], "--token-secret", owner_tokens[1])

    assert SandboxSubscription.objects.filter(user=owner).exists()
    assert f"remove it with `manage.py twitter_subscription remove {owner.id}`" in caplog.text


@pytest.mark.django_db
def test_connect_refuses_an_unknown_brand():
    with pytest.raises(CommandError, match="No brand has the slug 'nope'; create it with"):
        run("connect_twitter_account", "nope", "--token", "t", "--token-secret", "s")
    assert nothing_written()


# --- create_api_token ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_create_api_token_acts_as_the_owner_by_default_and_prints_the_token_last(alice, dana, brand_a):
    output = run("create_api_token", "acme", "--name", "Zapier")

    secret = output.strip().splitlines()[-1]
    assert secret.startswith("roost_")
    assert secret == output.splitlines()[-1]  # alone on its line
    token = ApiToken.objects.get()
    assert (token.name, token.membership) == ("Zapier", alice.memberships.get())
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert api_token_authenticate(secret=secret).membership.user == alice


@pytest.mark.django_db
def test_create_api_token_for_a_named_member(alice, bob, brand_a):
    secret = run("create_api_token", "acme", "--member", "BOB@acme.example").strip().splitlines()[-1]
    assert api_token_authenticate(secret=secret).membership.user == bob


@pytest.mark.django_db
def test_create_api_token_refuses_someone_outside_the_brand(alice, charlie, brand_a):
    with pytest.raises(CommandError, match="charlie@bolt.example is not a member of Acme"):
        run("create_api_token", "acme", "--member", "charlie@bolt.example")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_create_api_token_refuses_an_unknown_brand_or_a_brand_without_owner(bob, brand_a):
    with pytest.raises(CommandError, match="No brand has the slug 'nope'"):
        run("create_api_token", "nope")
    with pytest.raises(CommandError, match="Acme has no owner; choose the member with --member EMAIL"):
        run("create_api_token", "acme")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_create_api_token_refuses_an_empty_name(alice, brand_a):
    with pytest.raises(CommandError, match="Give the token a name"):
        run("create_api_token", "acme", "--name", " ")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_default_owner_is_the_first_one(alice, brand_a):
    later = MembershipFactory(brand=brand_a, user=UserFactory(), role=Role.OWNER)
    secret = run("create_api_token", "acme").strip().splitlines()[-1]
    assert api_token_authenticate(secret=secret).membership != later
