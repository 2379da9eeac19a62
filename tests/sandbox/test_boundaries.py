"""The sandbox is Twitter: it only knows its own tables, it never calls the product inside a
request, and only operators see it in the admin."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client

from sandbox.models import SandboxAccessToken, SandboxDelivery
from tests.factories import UserFactory
from tests.helpers import wait_until

SANDBOX = Path(__file__).resolve().parents[2] / "sandbox"


def test_the_sandbox_never_imports_roosts_own_apps():
    offenders = []
    for source in SANDBOX.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if any(name.split(".")[0] in {"accounts", "engagement", "webhooks", "integrations"} for name in names):
                offenders.append(str(source.relative_to(SANDBOX)))
    assert offenders == []


@pytest.mark.worker
def test_an_event_waits_in_the_outbox_until_after_the_request(
    celery_worker, twitter, owner_auth, receiver, brand, customer
):
    from sandbox.services import customer_send_dm

    twitter.call("POST", "account_activity/all/prod/webhooks.json", auth=owner_auth, params={"url": receiver.url})
    from tests.sandbox.conftest import subscribe

    subscribe(brand)
    # A worker is running, yet until the transaction commits the event is only a pending row.
    with transaction.atomic():
        customer_send_dm(sender=customer, recipient=brand, text="Hi")
        assert SandboxDelivery.objects.get().status == "pending"
        assert receiver.posts == []
    wait_until(lambda: receiver.posts, what="the event to be delivered after commit")
    assert receiver.posts[0]["json"]["direct_message_events"][0]["message_create"]["message_data"]["text"] == "Hi"


def test_operators_see_sandbox_deliveries_in_the_admin(db):
    operator = UserFactory(username="op", email="op@example.com", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(operator)
    assert client.get("/admin/sandbox/sandboxdelivery/").status_code == 200


def test_brand_owners_do_not_see_the_sandbox_in_the_admin(db, alice):
    client = Client()
    client.force_login(alice)
    assert client.get("/admin/sandbox/sandboxdelivery/").status_code == 403
    assert b"Twitter sandbox" not in client.get("/admin/").content


def test_operators_never_see_a_sandbox_access_token_in_full(db):
    """In the sandbox these are the connected accounts' own tokens."""
    from sandbox.services import sandbox_token_issue, sandbox_user_create

    token, _ = sandbox_token_issue(user=sandbox_user_create(screen_name="acme_help", name="Acme Help"))
    operator = UserFactory(username="op", email="op@example.com", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(operator)
    record = SandboxAccessToken.objects.get(token=token)
    for page in ("/admin/sandbox/sandboxaccesstoken/", f"/admin/sandbox/sandboxaccesstoken/{record.pk}/change/"):
        response = client.get(page)
        assert response.status_code == 200
        assert token not in response.text
        assert token[-4:] in response.text  # enough to tell tokens apart
        assert token.partition("-")[2][:-4] not in response.text  # none of the rest of the secret part
