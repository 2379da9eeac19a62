from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.demo import DEMO_BRAND_NAME
from accounts.models import Brand, User

pytestmark = pytest.mark.django_db


def test_seed_demo_prints_credentials_that_work_on_every_run(settings, tmp_path, client):
    settings.DEBUG = True
    settings.SANDBOX_ENABLED = False  # connecting the demo account needs a running server
    settings.DATA_DIR = tmp_path
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    printed = dict(line.strip().split(":", 1) for line in first.getvalue().splitlines() if ":" in line)
    email, password = printed["Email"].strip(), printed["Password"].strip()
    assert f"Password: {password}" in second.getvalue()
    assert User.objects.get(username="admin").memberships.get().brand == Brand.objects.get(slug="demo")
    # What the README's quick start promises: the printed credentials open the admin on the demo.
    # (The sandbox back on first: these requests may be the ones that build the process's
    # URLconf, and every later test needs its routes.)
    settings.SANDBOX_ENABLED = True
    admin_page = client.get("/admin/", follow=True)
    signed_in = client.post(admin_page.redirect_chain[-1][0], {"login": email, "password": password}, follow=True)
    assert signed_in.redirect_chain[-1][0] == "/admin/"
    assert f">{DEMO_BRAND_NAME}<" in client.get("/admin/accounts/brand/").text


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo")
    assert not User.objects.exists()
