"""Invitations: shown once and emailed, single use, expiring, carried through sign-up and sign-in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, Membership, Role, User
from accounts.services import invitation_create
from accounts.tokens import token_hash
from tests.accounts.support import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def invite(client, email: str = "sam@example.com", role: str = "agent"):
    return client.post("/settings/members/invite", {"email": email, "role": role})


def shown_link(response) -> str:
    return re.search(r'id="invitation-link" value="([^"]+)"', response.text).group(1)


def path_of(link: str) -> str:
    return "/invitations/" + link.rsplit("/invitations/", 1)[1]


@pytest.fixture
def issued(alice, brand_a):
    """An agent invitation's link, as the invitee receives it."""
    return invitation_create(actor=alice.memberships.get(), brand=brand_a, email="sam@example.com", role=Role.AGENT)


def test_an_admin_invites_someone_and_sees_the_link_that_was_emailed(client, dana, brand_a):
    client.force_login(dana)

    response = invite(client)

    assert response.status_code == 201
    link = shown_link(response)
    assert "It was emailed." in response.text
    assert mail.outbox[0].to == ["sam@example.com"]
    assert link in mail.outbox[0].body
    invitation = Invitation.objects.get()
    assert (invitation.brand, invitation.role, invitation.invited_by) == (brand_a, Role.AGENT, dana)
    assert invitation.token_hash == token_hash(link.rsplit("/", 1)[1])
    assert link.rsplit("/", 1)[1] not in str(Invitation.objects.values_list())  # only the hash is stored
    assert "sam@example.com" in client.get("/settings/members").text  # pending
    assert link not in client.get("/settings/members").text  # and never shown again


def test_an_admin_cannot_invite_an_owner_but_an_owner_can(client, dana, alice):
    client.force_login(dana)
    assert invite(client, role="owner").status_code == 403
    assert not Invitation.objects.exists()
    client.force_login(alice)
    assert invite(client, role="owner").status_code == 201


def test_an_agent_cannot_invite(client, bob):
    client.force_login(bob)
    assert invite(client).status_code == 403
    assert not Invitation.objects.exists()


def test_bad_input_is_explained_and_creates_nothing(client, alice, bob):
    client.force_login(alice)
    assert "Enter a valid email address." in invite(client, email="not-an-email").text
    assert "bob@acme.example is already a member of Acme." in invite(client, email="bob@acme.example").text
    assert not Invitation.objects.exists()


def test_a_new_person_accepts_by_signing_up_and_lands_in_the_brand(client, issued, brand_a):
    page = client.get(path_of(issued.url))
    assert page.status_code == 200
    assert "Join Acme" in page.text

    response = client.post(
        "/accounts/signup/",
        {"email": "sam@example.com", "password1": "tail wind 4 spring", "password2": "tail wind 4 spring"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/"
    assert "You joined Acme as agent." in response.text
    sam = User.objects.get(email="sam@example.com")
    assert Membership.objects.get(user=sam).brand == brand_a
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_by == sam


def test_someone_with_an_account_accepts_by_signing_in(client, issued, brand_a):
    sam = UserFactory(email="sam@example.com")
    client.get(path_of(issued.url))

    response = client.post("/accounts/login/", {"login": "sam@example.com", "password": PASSWORD}, follow=True)

    assert "You joined Acme as agent." in response.text
    assert Membership.objects.filter(user=sam, brand=brand_a, role=Role.AGENT).exists()


def test_someone_signed_in_joins_with_a_post_not_by_opening_the_link(client, issued, charlie, brand_a):
    client.force_login(charlie)

    page = client.get(path_of(issued.url))
    assert "Join Acme" in page.text
    assert not Membership.objects.filter(user=charlie, brand=brand_a).exists()

    response = client.post(path_of(issued.url), follow=True)

    assert "You joined Acme as agent." in response.text
    assert Membership.objects.filter(user=charlie, brand=brand_a, role=Role.AGENT).exists()
    assert "Acme" in client.get("/").text  # now the current brand


def test_a_link_works_once(client, issued, charlie):
    client.force_login(charlie)
    client.post(path_of(issued.url))
    other = client.__class__()
    other.force_login(UserFactory())

    again = other.get(path_of(issued.url))
    accepted = other.post(path_of(issued.url))

    assert again.status_code == 410
    assert "This invitation was already used." in again.text
    assert accepted.status_code == 410
    assert Membership.objects.filter(brand=issued.invitation.brand).count() == 2  # alice and charlie


def test_an_expired_link_is_refused(client, issued, charlie):
    client.force_login(charlie)
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = client.post(path_of(issued.url))
    assert response.status_code == 410
    assert "This invitation has expired. Ask alice@acme.example to send a new one." in response.text
    assert not Membership.objects.filter(user=charlie, brand=issued.invitation.brand).exists()


def test_a_link_still_works_just_before_it_expires(client, issued, charlie):
    client.force_login(charlie)
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        client.post(path_of(issued.url))
    assert Membership.objects.filter(user=charlie, brand=issued.invitation.brand).exists()


def test_an_unknown_or_mangled_link_is_a_404(client, issued):
    assert client.get(path_of(issued.url)[:-1]).status_code == 404
    assert client.get("/invitations/nothing-here").status_code == 404


def test_an_invitation_that_expires_while_in_the_session_is_not_accepted(client, issued, brand_a):
    client.get(path_of(issued.url))
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.post(
            "/accounts/signup/",
            {"email": "sam@example.com", "password1": "tail wind 4 spring", "password2": "tail wind 4 spring"},
        )
    assert "Sign-up is by invitation" in response.text
    assert not User.objects.filter(email="sam@example.com").exists()


def test_withdrawing_an_invitation_kills_its_link(client, issued, dana):
    client.force_login(dana)
    response = client.post(f"/settings/invitations/{issued.invitation.public_id}/revoke")
    assert response.status_code == 302
    visitor = client.__class__()
    refused = visitor.get(path_of(issued.url))
    assert refused.status_code == 410
    assert "withdrawn" in refused.text


def test_a_new_link_replaces_the_old_one(client, issued, dana):
    client.force_login(dana)

    response = client.post(f"/settings/invitations/{issued.invitation.public_id}/renew")

    assert response.status_code == 201
    new_link = shown_link(response)
    assert new_link != issued.url
    visitor = client.__class__()
    assert visitor.get(path_of(issued.url)).status_code == 410
    assert visitor.get(path_of(new_link)).status_code == 200


def test_only_owners_manage_an_invitation_for_an_owner(client, alice, dana, brand_a):
    owner_invite = invitation_create(actor=alice.memberships.get(), brand=brand_a, email="co@example.com", role="owner")
    client.force_login(dana)
    assert client.post(f"/settings/invitations/{owner_invite.invitation.public_id}/revoke").status_code == 403
    assert client.post(f"/settings/invitations/{owner_invite.invitation.public_id}/renew").status_code == 403
    owner_invite.invitation.refresh_from_db()
    assert owner_invite.invitation.revoked_at is None


def test_sign_up_without_an_invitation_is_closed(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "x@example.com", "password1": "tail wind 4 spring", "password2": "tail wind 4 spring"},
    )
    assert "Sign-up is by invitation" in response.text
    assert not User.objects.exists()


def test_signing_in_never_redirects_off_site(client, alice):
    response = client.post("/accounts/login/?next=https://evil.example/", {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_failed_mail_still_shows_the_link(client, alice, settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_invitations.BrokenMail"
    client.force_login(alice)
    response = invite(client)
    assert response.status_code == 201
    assert "The email could not be sent." in response.text
    assert shown_link(response)


class BrokenMail:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server is down")
