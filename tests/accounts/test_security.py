"""Sign-in stays rate limited, sessions are secure cookies in production, and what an
onboarding secret looks like."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from accounts.tokens import token_generate, token_hash, token_matches
from tests.accounts.support import PASSWORD
from tests.test_settings import PRODUCTION, ROOT

pytestmark = pytest.mark.django_db


def test_repeated_failed_logins_lock_the_account_out_for_a_while(client, alice):
    for _ in range(5):
        client.post("/accounts/login/", {"login": alice.email, "password": "wrong"})

    response = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})

    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_production_keeps_sessions_in_secure_cookies_and_the_login_rate_limits_on():
    probe = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "from allauth.account import app_settings as a; "
        "print(json.dumps({'session': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE, "
        "'httponly': s.SESSION_COOKIE_HTTPONLY, 'limits': a.RATE_LIMITS}))"
    )
    env = {**{k: v for k, v in os.environ.items() if k not in PRODUCTION}, **PRODUCTION}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["session"] and loaded["csrf"] and loaded["httponly"]
    assert loaded["limits"]["login_failed"]
    assert loaded["limits"]["login"]
    assert loaded["limits"]["signup"]


def test_secrets_are_unguessable_and_only_their_hash_is_kept():
    secret = token_generate(prefix="roost_")
    assert secret.startswith("roost_")
    assert len(secret) >= len("roost_") + 43  # 256 random bits
    assert token_generate() != token_generate()
    assert token_matches(secret, token_hash(secret))
    assert not token_matches(secret + "x", token_hash(secret))
    assert secret not in token_hash(secret)
