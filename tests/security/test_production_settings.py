"""Production settings: `check --deploy` is clean, and real responses carry the security headers
and cookie flags. Both run in a subprocess with production's environment (DEBUG off)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_settings import PRODUCTION, ROOT

# Serves a sign-in page and a login POST through the real middleware stack, with production
# settings, on SQLite and a local-memory cache so no service is needed; static files are
# collected into a temporary directory, as a deploy would before starting.
PROBE = """
import json, sys, django
from django.conf import settings
settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
settings.STATIC_ROOT = sys.argv[1]
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
# With DEBUG off, pages name their static files through collectstatic's manifest.
call_command("collectstatic", interactive=False, verbosity=0)
from django.test import Client
client = Client(HTTP_HOST="roost.example.com")
page = client.get("/accounts/login/", secure=True)
login = client.post("/accounts/login/", {"login": "nobody@example.com", "password": "x"}, secure=True)
plain = Client(HTTP_HOST="roost.example.com").get("/accounts/login/")
cookies = {name: dict(morsel) for name, morsel in {**page.cookies, **login.cookies}.items()}
print(json.dumps({"status": page.status_code, "headers": dict(page.headers), "cookies": cookies,
                  "plain": [plain.status_code, plain.headers.get("Location")]}))
"""


def production_env(**overrides: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION and key != "SANDBOX_ENABLED"}
    return {**env, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings", **overrides}


def run_probe(tmp_path: Path) -> dict:
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "static")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_responses_carry_security_headers_and_cookies_are_locked_down(tmp_path):
    probe = run_probe(tmp_path)
    assert probe["status"] == 200
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    for name, cookie in probe["cookies"].items():
        assert cookie["secure"], f"{name} is sent over plain HTTP"
        assert cookie["samesite"] in ("Lax", "Strict"), name
    assert probe["cookies"]["sessionid" if "sessionid" in probe["cookies"] else "csrftoken"]
    if "sessionid" in probe["cookies"]:
        assert probe["cookies"]["sessionid"]["httponly"]
    # Plain HTTP is redirected to HTTPS.
    assert probe["plain"][0] == 301 and probe["plain"][1].startswith("https://roost.example.com/")
