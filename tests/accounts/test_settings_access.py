"""Who reaches which brand page: each role's allowed and forbidden pages, and the outsider
(Charlie, owner of another brand) getting a 404 for every one of brand A's ids."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ApiToken, Invitation, Membership, Role, TwitterAccount, role_at_least
from accounts.services import api_token_create, invitation_create
from tests.factories import MembershipFactory, TwitterAccountFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("/settings/", Role.ADMIN),
    ("/settings/delete", Role.OWNER),
    ("/settings/accounts", Role.ADMIN),
    ("/settings/members", Role.ADMIN),
    ("/settings/tokens", Role.AGENT),
]
PEOPLE = [("alice", Role.OWNER), ("dana", Role.ADMIN), ("bob", Role.AGENT)]


@pytest.mark.parametrize(("person", "role"), PEOPLE)
@pytest.mark.parametrize(("path", "minimum"), PAGES)
def test_each_role_opens_the_settings_pages_it_may_and_is_told_why_for_the_others(
    client, request, person, role, path, minimum
):
    client.force_login(request.getfixturevalue(person))

    response = client.get(path)

    if role_at_least(role, minimum):
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "of Acme can do this." in response.text


@pytest.mark.parametrize(("path", "minimum"), PAGES)
def test_settings_need_a_signed_in_person(client, path, minimum):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_someone_in_no_brand_has_no_settings(client):
    client.force_login(UserFactory())
    assert client.get("/settings/").status_code == 404
    assert client.get("/settings/tokens").status_code == 404


def test_the_settings_link_is_offered_to_owners_and_admins_only(client, alice, dana, bob):
    for person, offered in ((alice, True), (dana, True), (bob, False)):
        client.force_login(person)
        assert ('href="/settings/"' in client.get("/").text) is offered


def test_the_outsider_sees_their_own_brand_in_settings(client, charlie, alice, brand_a):
    TwitterAccountFactory(brand=brand_a, screen_name="acme_help")
    client.force_login(charlie)
    for path, _ in PAGES:
        page = client.get(path).text
        assert "Bolt" in page
        assert "Acme" not in page
        assert "acme_help" not in page
        assert "alice@acme.example" not in page


@pytest.fixture
def brand_a_ids(brand_a, alice, bob):
    account = TwitterAccountFactory(brand=brand_a, screen_name="acme_help")
    invitation = invitation_create(
        actor=alice.memberships.get(), brand=brand_a, email="new@acme.example", role=Role.AGENT
    ).invitation
    token = api_token_create(membership=bob.memberships.get(), name="Bob's script").token
    return {
        "account": account.public_id,
        "membership": bob.memberships.get().public_id,
        "invitation": invitation.public_id,
        "token": token.public_id,
    }


ID_URLS = [
    ("get", "/settings/accounts/{account}/disconnect", {}),
    ("post", "/settings/accounts/{account}/disconnect", {}),
    ("post", "/settings/accounts/{account}/subscribe", {}),
    ("post", "/settings/members/{membership}/role", {"role": "owner"}),
    ("get", "/settings/members/{membership}/remove", {}),
    ("post", "/settings/members/{membership}/remove", {}),
    ("post", "/settings/invitations/{invitation}/renew", {}),
    ("post", "/settings/invitations/{invitation}/revoke", {}),
    ("post", "/settings/tokens/{token}/revoke", {}),
]


@pytest.mark.parametrize(("method", "url", "data"), ID_URLS)
def test_the_outsider_gets_a_404_for_every_id_of_another_brand(client, charlie, brand_a_ids, method, url, data):
    client.force_login(charlie)

    response = getattr(client, method)(url.format(**brand_a_ids), data)

    assert response.status_code == 404
    account = TwitterAccount.objects.get(public_id=brand_a_ids["account"])
    assert account.state == TwitterAccount.State.ACTIVE
    assert account.subscription_state == TwitterAccount.SubscriptionState.SUBSCRIBED
    assert Membership.objects.get(public_id=brand_a_ids["membership"]).role == Role.AGENT
    assert Invitation.objects.get(public_id=brand_a_ids["invitation"]).revoked_at is None
    assert ApiToken.objects.get(public_id=brand_a_ids["token"]).revoked_at is None


@pytest.mark.parametrize(("method", "url", "data"), ID_URLS)
def test_a_malformed_id_is_a_404(client, alice, method, url, data):
    client.force_login(alice)
    ids = {"account": "nope", "membership": "nope", "invitation": "nope", "token": "nope"}
    assert getattr(client, method)(url.format(**ids), data).status_code == 404


def test_a_member_of_two_brands_manages_the_current_one(client, alice, brand_b):
    MembershipFactory(brand=brand_b, user=alice, role=Role.AGENT)
    client.force_login(alice)
    assert client.get("/settings/members").status_code == 200  # owner of Acme
    client.post(reverse("brand_switch"), {"brand": str(brand_b.public_id)})
    assert client.get("/settings/members").status_code == 403  # agent of Bolt
