"""Settings fail fast in production mode instead of falling back to development defaults."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qm2!vR9zL@x4pT8&wN6^bY3*eH5_uJ1-cF0+gD2=aS9%rK4",
    "DATABASE_URL": "postgres://roost@127.0.0.1:5432/roost",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "PUBLIC_URL": "https://roost.example.com",
}
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'sandbox': s.SANDBOX_ENABLED, 'api': s.TWITTER_API_URL, 'debug': s.DEBUG}))"
)


def load_settings(*, probe: str = PROBE, **overrides: str | None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION and key != "SANDBOX_ENABLED"}
    env.update(PRODUCTION)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_production_settings_load_when_everything_is_set():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert '"sandbox": false' in result.stdout
    assert '"api": "https://api.twitter.com"' in result.stdout


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set"),
        ("REDIS_URL", "REDIS_URL must be set"),
        ("TOKEN_ENCRYPTION_KEYS", "TOKEN_ENCRYPTION_KEYS must be set"),
    ],
)
def test_production_refuses_each_development_default(variable, message):
    result = load_settings(**{variable: None})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


DATABASE_OPTIONS_PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
)


def test_postgresql_connections_give_up_in_seconds_instead_of_hanging():
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(PRODUCTION, DJANGO_SETTINGS_MODULE="config.settings")
    probe = [sys.executable, "-c", DATABASE_OPTIONS_PROBE]
    options = json.loads(subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout)
    assert options["connect_timeout"] == 5
    assert options["keepalives"] == 1
    env["DATABASE_URL"] += "?connect_timeout=2"
    options = json.loads(subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout)
    assert options["connect_timeout"] == 2  # the URL's own choice wins


def test_production_refuses_the_public_development_secret_key():
    result = load_settings(SECRET_KEY="roost-dev-only-secret-key-do-not-use-in-production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_every_missing_default_is_named_in_one_error():
    result = load_settings(SECRET_KEY=None, DATABASE_URL=None, REDIS_URL=None, TOKEN_ENCRYPTION_KEYS=None)
    for variable in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "TOKEN_ENCRYPTION_KEYS"):
        assert f"{variable} must be set" in result.stderr


def test_an_invalid_fernet_key_is_refused():
    result = load_settings(TOKEN_ENCRYPTION_KEYS="not-a-key")
    assert result.returncode != 0
    assert "TOKEN_ENCRYPTION_KEYS contains a value that is not a valid Fernet key" in result.stderr


def test_a_malformed_boolean_names_its_variable():
    result = load_settings(SANDBOX_ENABLED="maybe")
    assert result.returncode != 0
    assert "SANDBOX_ENABLED must be a boolean" in result.stderr


def test_a_malformed_api_version_names_its_variable():
    result = load_settings(TWITTER_API_VERSION="3")
    assert result.returncode != 0
    assert "TWITTER_API_VERSION must be one of" in result.stderr


def test_the_sandbox_can_be_enabled_in_production_with_a_loud_warning():
    result = load_settings(SANDBOX_ENABLED="1")
    assert result.returncode == 0, result.stderr
    assert '"sandbox": true' in result.stdout
    assert '"api": "https://roost.example.com/sandbox/api"' in result.stdout
    assert "level=WARNING" in result.stderr
    assert "SANDBOX_ENABLED=1 with DEBUG off" in result.stderr


def test_with_debug_off_sandbox_deliveries_are_retried_on_twitters_schedule():
    # twitter-api.md §11.5: an attempt times out after 3 s, then Twitter waits 3 s, 27 s and
    # 242 s before the next ones (four attempts). Development waits less (1, 3, 10), on purpose.
    probe = (
        "import django, json; django.setup(); from sandbox.conf import sandbox_setting as s; "
        "print(json.dumps([list(s('SANDBOX_DELIVERY_RETRY_DELAYS')), s('SANDBOX_DELIVERY_TIMEOUT_SECONDS')]))"
    )
    result = load_settings(probe=probe, SANDBOX_ENABLED="1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [[3, 27, 242], 3.0]


def test_a_fresh_checkout_runs_on_embedded_defaults():
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION and key != "SANDBOX_ENABLED"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    probe = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.SANDBOX_ENABLED, s.EMAIL_BACKEND, "
        "s.DATABASES['default']['OPTIONS'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert (
        "django.db.backends.sqlite3 filesystem:// True django.core.mail.backends.console.EmailBackend" in result.stdout
    )
    assert "'transaction_mode': 'IMMEDIATE'" in result.stdout
    assert "journal_mode=WAL" in result.stdout
    assert "'timeout': 20" in result.stdout


def test_every_variable_roost_reads_is_in_the_readme():
    """An operator learns the configuration from README's table; a new setting must land there."""
    import re

    read = set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]+)"', (ROOT / "config" / "settings.py").read_text()))
    read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+):-", (ROOT / "Procfile").read_text()))
    table = "\n".join(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `"))
    assert read > {"DATABASE_URL", "REDIS_URL", "WEB_THREADS"}  # the scan found what it looks for
    assert sorted(name for name in read if f"`{name}`" not in table) == []
