"""Recovery codes (allauth MFA): the way in for a member whose authenticator app is lost."""

from __future__ import annotations

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.accounts.support import PASSWORD

pytestmark = pytest.mark.django_db

CHALLENGE = "/accounts/2fa/authenticate/"


@pytest.fixture
def recovery_code(alice) -> str:
    """Alice has an authenticator app and, as allauth offers with it, recovery codes."""
    TOTP.activate(alice, generate_totp_secret())
    return RecoveryCodes.activate(alice).get_unused_codes()[0]


def sign_in(client, email: str, code: str):
    challenge = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert challenge["Location"] == CHALLENGE
    return client.post(CHALLENGE, {"code": code})


def test_a_member_with_two_factor_signs_in_with_a_recovery_code(client, alice, recovery_code):
    response = sign_in(client, alice.email, recovery_code)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_used_recovery_code_does_not_work_twice(client, alice, recovery_code):
    sign_in(client, alice.email, recovery_code)
    client.post("/accounts/logout/")

    response = sign_in(client, alice.email, recovery_code)

    assert response.status_code == 200  # the challenge again, with its error
    assert response.context["form"].errors["code"] == ["Incorrect code."]
    assert "_auth_user_id" not in client.session
