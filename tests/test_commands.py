from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Brand, User

pytestmark = pytest.mark.django_db


def test_seed_demo_prints_credentials_that_work_on_every_run(settings, tmp_path, client):
    settings.DEBUG = True
    settings.SANDBOX_ENABLED = False  # connecting the demo account needs a running server
    settings.DATA_DIR = tmp_path
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    password = [line.split()[-1] for line in first.getvalue().splitlines() if "Password:" in line][0]
    assert f"Password: {password}" in second.getvalue()
    assert client.login(username="admin", password=password)
    assert User.objects.get(username="admin").memberships.get().brand == Brand.objects.get(slug="demo")


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.exists()
