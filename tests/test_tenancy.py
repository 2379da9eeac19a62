"""Tenant isolation: selectors always take the brand, and nothing else reads tenant tables."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.http import Http404

from accounts.selectors import membership_for_user, twitter_account_get, twitter_accounts_list
from tests.factories import TwitterAccountFactory

ROOT = Path(__file__).resolve().parent.parent
ALLOWED_FILES = {"selectors.py", "services.py", "admin.py"}
ALLOWED_FOLDERS = {"selectors", "services", "admin", "migrations"}
SKIPPED_FOLDERS = {".venv", "tests", "var", "node_modules", "staticfiles", "bench"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}


def tenant_model_names() -> set[str]:
    names = set()
    for model in apps.get_models():
        field = next((f for f in model._meta.get_fields() if f.name == "brand"), None)
        if field is not None and field.is_relation:
            names.add(model.__name__)
    return names


def manager_uses(path: Path, models: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
            if name in models:
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found.append(f"{where}:{node.lineno} {name}.{node.attr}")
    return found


def test_tenant_models_are_only_queried_in_selectors_services_admin_and_migrations():
    models = tenant_model_names()
    assert {"Conversation", "Message", "TwitterAccount", "Membership"} <= models
    violations = []
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts[:-1])
        if parts & SKIPPED_FOLDERS or parts & ALLOWED_FOLDERS or path.name in ALLOWED_FILES:
            continue
        violations.extend(manager_uses(path, models))
    assert not violations, "query tenant models through a selector or service:\n" + "\n".join(violations)


def test_the_source_walk_catches_a_direct_query(tmp_path):
    offender = tmp_path / "views.py"
    offender.write_text("from engagement.models import Conversation\nConversation.objects.all()\n")
    assert manager_uses(offender, tenant_model_names()) == [f"{offender}:2 Conversation.objects"]


@pytest.mark.django_db
def test_an_account_of_another_brand_is_not_found(brand_a, brand_b):
    theirs = TwitterAccountFactory(brand=brand_b)
    with pytest.raises(Http404):
        twitter_account_get(brand=brand_a, account_id=theirs.public_id)
    assert twitter_account_get(brand=brand_b, account_id=theirs.public_id) == theirs


@pytest.mark.django_db
def test_a_malformed_id_is_not_found(brand_a):
    with pytest.raises(Http404):
        twitter_account_get(brand=brand_a, account_id="not-a-uuid")


@pytest.mark.django_db
def test_lists_hold_only_the_brands_own_rows(brand_a, brand_b):
    ours = TwitterAccountFactory(brand=brand_a)
    TwitterAccountFactory(brand=brand_b)
    assert list(twitter_accounts_list(brand=brand_a)) == [ours]


@pytest.mark.django_db
def test_a_user_acts_only_through_brands_they_belong_to(alice, brand_a, brand_b):
    assert membership_for_user(user=alice, brand_public_id=str(brand_b.public_id)).brand == brand_a
    assert membership_for_user(user=alice, brand_public_id=str(brand_a.public_id)).brand == brand_a
