"""The brand's own settings: its name, requiring two-factor authentication, removing it."""

from __future__ import annotations

import pytest
import responses
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings

from accounts.models import AuditEvent, Brand, TwitterAccount
from engagement.models import Conversation, Message
from tests.factories import ConversationFactory, MembershipFactory, MessageFactory, TwitterAccountFactory

pytestmark = pytest.mark.django_db


def with_mfa(user):
    TOTP.activate(user, generate_totp_secret())
    return user


# --- name ---------------------------------------------------------------------------------------
def test_an_admin_renames_the_brand(client, dana, brand_a):
    client.force_login(dana)

    response = client.post("/settings/", {"action": "rename", "name": "Acme Support"}, follow=True)

    assert "The brand is now called Acme Support." in response.text
    brand_a.refresh_from_db()
    assert (brand_a.name, brand_a.slug) == ("Acme Support", "acme")
    assert AuditEvent.objects.filter(action="brand.renamed", actor=dana).exists()


def test_an_empty_name_is_refused(client, dana, brand_a):
    client.force_login(dana)
    response = client.post("/settings/", {"action": "rename", "name": "   "})
    assert response.status_code == 400
    brand_a.refresh_from_db()
    assert brand_a.name == "Acme"


def test_an_agent_cannot_rename(client, bob, brand_a):
    client.force_login(bob)
    assert client.post("/settings/", {"action": "rename", "name": "Hacked"}).status_code == 403
    brand_a.refresh_from_db()
    assert brand_a.name == "Acme"


# --- two-factor authentication ------------------------------------------------------------------
def test_an_owner_with_two_factor_requires_it_for_the_brand(client, alice, brand_a):
    client.force_login(with_mfa(alice))

    response = client.post("/settings/", {"action": "security", "require_mfa": "on"}, follow=True)

    assert "Two-factor authentication is now required for Acme." in response.text
    brand_a.refresh_from_db()
    assert brand_a.require_mfa


def test_an_owner_without_two_factor_is_asked_to_set_it_up_first(client, alice, brand_a):
    client.force_login(alice)
    response = client.post("/settings/", {"action": "security", "require_mfa": "on"})
    assert response.status_code == 400
    assert "Set up two-factor authentication for yourself first" in response.text
    brand_a.refresh_from_db()
    assert not brand_a.require_mfa


def test_an_admin_cannot_change_the_requirement(client, dana, brand_a):
    client.force_login(with_mfa(dana))
    assert client.post("/settings/", {"action": "security", "require_mfa": "on"}).status_code == 403
    brand_a.refresh_from_db()
    assert not brand_a.require_mfa


@pytest.mark.parametrize("path", ["/", "/settings/tokens", "/admin/"])
def test_a_member_without_two_factor_must_set_it_up_when_the_brand_requires_it(client, bob, brand_a, path):
    Brand.objects.filter(pk=brand_a.pk).update(require_mfa=True)
    client.force_login(bob)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    setup = client.get(response["Location"], follow=True)
    assert "Acme requires two-factor authentication." in setup.text


def test_a_member_with_two_factor_works_normally(client, bob, brand_a):
    Brand.objects.filter(pk=brand_a.pk).update(require_mfa=True)
    client.force_login(with_mfa(bob))
    assert client.get("/settings/tokens").status_code == 200


def test_the_requirement_is_per_brand(client, bob, brand_a, brand_b):
    Brand.objects.filter(pk=brand_a.pk).update(require_mfa=True)
    MembershipFactory(brand=brand_b, user=bob)
    client.force_login(bob)
    assert client.post("/brands/switch", {"brand": str(brand_b.public_id)}).status_code == 302
    assert client.get("/").status_code == 200


def test_two_factor_setup_stays_reachable(client, bob, brand_a):
    Brand.objects.filter(pk=brand_a.pk).update(require_mfa=True)
    client.force_login(bob)
    assert client.get("/accounts/2fa/").status_code == 200


# --- removing the brand -------------------------------------------------------------------------
@pytest.mark.wire_1_1
@responses.activate
def test_an_owner_removes_the_brand_after_unsubscribing_its_accounts(client, alice, brand_a, brand_b):
    account = TwitterAccountFactory(brand=brand_a, twitter_user_id="4000000099")
    MessageFactory(conversation=ConversationFactory(account=account))
    theirs = MessageFactory(conversation=ConversationFactory(account=TwitterAccountFactory(brand=brand_b)))
    removed = responses.delete(
        f"{settings.TWITTER_API_URL}/1.1/account_activity/all/prod/subscriptions/4000000099.json", status=204
    )
    client.force_login(alice)

    response = client.post("/settings/delete", {"confirm": "acme"}, follow=True)

    assert "Acme and everything in it was removed." in response.text
    assert removed.call_count == 1
    assert not Brand.objects.filter(pk=brand_a.pk).exists()
    assert not Conversation.objects.filter(brand_id=brand_a.pk).exists()
    assert Message.objects.filter(pk=theirs.pk).exists()  # other brands are untouched


@pytest.mark.wire_1_1
@responses.activate
def test_the_brand_stays_when_twitter_cannot_remove_a_subscription(client, alice, brand_a):
    TwitterAccountFactory(brand=brand_a, twitter_user_id="4000000099")
    responses.delete(
        f"{settings.TWITTER_API_URL}/1.1/account_activity/all/prod/subscriptions/4000000099.json",
        status=503,
        json={"errors": [{"code": 131, "message": "Internal error"}]},
    )
    client.force_login(alice)

    response = client.post("/settings/delete", {"confirm": "acme"})

    assert response.status_code == 400
    assert "Nothing was changed; try again." in response.text
    assert Brand.objects.filter(pk=brand_a.pk).exists()
    assert TwitterAccount.objects.get().has_tokens


def test_a_wrong_confirmation_removes_nothing(client, alice, brand_a):
    client.force_login(alice)
    response = client.post("/settings/delete", {"confirm": "Acme"})
    assert response.status_code == 400
    assert "Type the brand's short name, acme, to confirm." in response.text.replace("&#x27;", "'")
    assert Brand.objects.filter(pk=brand_a.pk).exists()


def test_an_admin_cannot_remove_the_brand(client, dana, brand_a):
    client.force_login(dana)
    assert client.post("/settings/delete", {"confirm": "acme"}).status_code == 403
    assert Brand.objects.filter(pk=brand_a.pk).exists()
