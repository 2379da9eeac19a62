"""API tokens: made by a member for themselves (or by an operator), shown once, stored hashed,
named, revocable, with the last use recorded."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_authenticate, api_token_create

pytestmark = pytest.mark.django_db


def shown_secret(response) -> str:
    return re.search(r'id="token-secret" value="([^"]+)"', response.text).group(1)


def test_an_agent_creates_a_token_that_is_shown_once_and_stored_as_a_hash(client, bob):
    client.force_login(bob)

    response = client.post("/settings/tokens", {"name": "Helpdesk sync"})

    assert response.status_code == 201
    secret = shown_secret(response)
    assert secret.startswith("roost_")
    assert len(secret) > 40
    token = ApiToken.objects.get()
    assert (token.name, token.membership) == ("Helpdesk sync", bob.memberships.get())
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix)
    assert secret not in str(ApiToken.objects.values_list())
    listing = client.get("/settings/tokens").text
    assert "Helpdesk sync" in listing
    assert token.prefix in listing
    assert secret not in listing


def test_a_token_needs_a_name(client, bob):
    client.force_login(bob)
    response = client.post("/settings/tokens", {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_token_acts_as_its_member_in_its_brand_and_records_its_last_use(bob, brand_a):
    issued = api_token_create(membership=bob.memberships.get(), name="script")

    token = api_token_authenticate(secret=issued.secret)

    assert token.membership.user == bob
    assert token.brand == brand_a
    assert ApiToken.objects.get().last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(bob):
    issued = api_token_create(membership=bob.memberships.get(), name="script")
    api_token_authenticate(secret=issued.secret)
    first = ApiToken.objects.get().last_used_at
    api_token_authenticate(secret=issued.secret)
    assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        api_token_authenticate(secret=issued.secret)
    assert ApiToken.objects.get().last_used_at > first


@pytest.mark.parametrize("secret", ["", "roost_", "roost_not-a-real-token", "Bearer xyz"])
def test_an_unknown_token_authenticates_nobody(bob, secret):
    api_token_create(membership=bob.memberships.get(), name="script")
    assert api_token_authenticate(secret=secret) is None


def test_a_revoked_token_stops_working(client, bob):
    issued = api_token_create(membership=bob.memberships.get(), name="Nightly export")
    client.force_login(bob)

    response = client.post(f"/settings/tokens/{issued.token.public_id}/revoke")

    assert response.status_code == 302
    assert api_token_authenticate(secret=issued.secret) is None
    client.get("/settings/tokens")  # shows the confirmation once
    assert "Nightly export" not in client.get("/settings/tokens").text


def test_an_agent_sees_and_revokes_only_their_own_tokens(client, bob, dana):
    theirs = api_token_create(membership=dana.memberships.get(), name="Dana export")
    client.force_login(bob)

    assert "Dana export" not in client.get("/settings/tokens").text
    assert client.post(f"/settings/tokens/{theirs.token.public_id}/revoke").status_code == 403
    assert api_token_authenticate(secret=theirs.secret) is not None


def test_an_admin_sees_and_revokes_any_token_of_the_brand(client, bob, dana):
    bobs = api_token_create(membership=bob.memberships.get(), name="Bob script")
    client.force_login(dana)

    assert "Bob script" in client.get("/settings/tokens").text
    assert client.post(f"/settings/tokens/{bobs.token.public_id}/revoke").status_code == 302
    assert api_token_authenticate(secret=bobs.secret) is None


def test_people_create_tokens_for_themselves_only(bob, dana):
    from accounts.services import ApiTokenError

    with pytest.raises(ApiTokenError):
        api_token_create(membership=bob.memberships.get(), name="x", actor=dana.memberships.get())
    assert not ApiToken.objects.exists()
