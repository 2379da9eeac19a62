"""Members and roles: who may change whom, the last owner, removal ending access at once."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent, Membership, Role
from accounts.services import api_token_authenticate, api_token_create

pytestmark = pytest.mark.django_db


def role_url(membership: Membership) -> str:
    return f"/settings/members/{membership.public_id}/role"


def remove_url(membership: Membership) -> str:
    return f"/settings/members/{membership.public_id}/remove"


def test_the_members_page_lists_everyone_with_their_role(client, alice, bob, dana):
    client.force_login(dana)
    page = client.get("/settings/members").text
    for email in ("alice@acme.example", "bob@acme.example", "dana@acme.example"):
        assert email in page
    assert "Owner" in page


def test_an_admin_makes_an_agent_an_admin(client, dana, bob):
    client.force_login(dana)

    response = client.post(role_url(bob.memberships.get()), {"role": "admin"})

    assert response.status_code == 302
    assert bob.memberships.get().role == Role.ADMIN
    assert AuditEvent.objects.filter(action="member.role_changed", actor=dana).exists()


def test_an_admin_cannot_make_anyone_an_owner(client, dana, bob):
    client.force_login(dana)

    response = client.post(role_url(bob.memberships.get()), {"role": "owner"})

    assert response.status_code == 403
    assert "Only owners" in response.text
    assert bob.memberships.get().role == Role.AGENT


def test_an_admin_cannot_change_or_remove_an_owner(client, dana, alice):
    client.force_login(dana)
    owner = alice.memberships.get()

    assert client.post(role_url(owner), {"role": "agent"}).status_code == 403
    assert client.post(remove_url(owner)).status_code == 403
    assert alice.memberships.get().role == Role.OWNER


def test_an_agent_cannot_change_roles_or_remove_anyone(client, bob, dana):
    client.force_login(bob)
    target = dana.memberships.get()

    assert client.post(role_url(target), {"role": "agent"}).status_code == 403
    assert client.post(remove_url(target)).status_code == 403
    assert Membership.objects.filter(pk=target.pk, role=Role.ADMIN).exists()


def test_an_owner_makes_someone_else_an_owner(client, alice, dana):
    client.force_login(alice)
    client.post(role_url(dana.memberships.get()), {"role": "owner"})
    assert dana.memberships.get().role == Role.OWNER


def test_the_only_owner_cannot_step_down_or_be_removed(client, alice):
    client.force_login(alice)
    owner = alice.memberships.get()

    demoted = client.post(role_url(owner), {"role": "admin"}, follow=True)
    removed = client.post(remove_url(owner), follow=True)

    assert "is the only owner of Acme; make someone else owner first." in demoted.text
    assert "is the only owner of Acme" in removed.text
    assert alice.memberships.get().role == Role.OWNER


def test_an_owner_can_step_down_once_there_is_another_owner(client, alice, dana):
    dana.memberships.update(role=Role.OWNER)
    client.force_login(alice)
    client.post(role_url(alice.memberships.get()), {"role": "admin"})
    assert alice.memberships.get().role == Role.ADMIN


def test_an_unknown_role_changes_nothing(client, alice, bob):
    client.force_login(alice)
    client.post(role_url(bob.memberships.get()), {"role": "emperor"})
    assert bob.memberships.get().role == Role.AGENT


def test_removing_a_member_ends_their_access_at_once(client, dana, bob, brand_a):
    secret = api_token_create(membership=bob.memberships.get(), name="Bob's script").secret
    client.force_login(bob)
    assert client.get("/settings/tokens").status_code == 200
    assert "Acme" in client.get("/").text

    admin = client.__class__()
    admin.force_login(dana)
    confirm = admin.get(remove_url(bob.memberships.get()))
    assert "lose access at once" in confirm.text
    assert admin.post(remove_url(bob.memberships.get())).status_code == 302

    # Bob's open session, the very next request:
    assert client.get("/settings/tokens").status_code == 404
    assert "Acme" not in client.get("/").text
    assert api_token_authenticate(secret=secret) is None
    assert not Membership.objects.filter(user=bob, brand=brand_a).exists()
    assert AuditEvent.objects.filter(action="member.removed", actor=dana).exists()


def test_the_django_admin_cannot_bypass_the_role_rules(client, dana, bob):
    client.force_login(dana)
    membership = bob.memberships.get()
    url = f"/admin/accounts/membership/{membership.pk}/change/"

    assert client.get(url).status_code == 200  # admins may look
    client.post(url, {"user": bob.pk, "role": "owner"})

    assert bob.memberships.get().role == Role.AGENT
    assert client.get("/admin/accounts/membership/add/").status_code == 403
    assert client.get("/admin/accounts/invitation/add/").status_code == 403
