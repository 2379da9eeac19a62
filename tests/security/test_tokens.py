"""API tokens and invitation links: unguessable, stored as hashes, compared in constant time."""

from __future__ import annotations

import hmac
import math
from unittest import mock

import pytest

from accounts.models import ApiToken, Invitation, Role
from accounts.selectors import invitation_for_token
from accounts.services import api_token_authenticate, api_token_create, invitation_create
from accounts.tokens import token_generate

pytestmark = pytest.mark.django_db


def test_a_token_carries_at_least_256_random_bits():
    tokens = {token_generate() for _ in range(1000)}
    assert len(tokens) == 1000
    alphabet = 64  # urlsafe base64
    assert min(len(t) for t in tokens) * math.log2(alphabet) >= 256


def test_api_tokens_are_checked_by_hash_in_constant_time(alice):
    issued = api_token_create(membership=alice.memberships.get(), name="CI")
    assert issued.secret not in ApiToken.objects.values_list("token_hash", flat=True).get()
    with mock.patch("accounts.tokens.hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        assert api_token_authenticate(secret=issued.secret) == issued.token
    compare.assert_called_once()
    assert api_token_authenticate(secret=issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")) is None


def test_invitation_links_are_checked_by_hash_in_constant_time(alice, brand_a):
    issued = invitation_create(actor=alice.memberships.get(), brand=brand_a, email="new@acme.example", role=Role.AGENT)
    stored = Invitation.objects.get()
    raw = issued.url.rstrip("/").rsplit("/", 1)[-1]
    assert raw not in stored.token_hash
    with mock.patch("accounts.tokens.hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        assert invitation_for_token(raw_token=raw) == stored
    compare.assert_called_once()
    assert invitation_for_token(raw_token=raw[:-2]) is None
