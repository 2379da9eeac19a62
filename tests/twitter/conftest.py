"""Sandbox people both wires' client tests use: the brand's account, its token and a customer."""

from __future__ import annotations

import pytest

from integrations.twitter import UserCredentials
from sandbox.services import sandbox_token_issue, sandbox_user_create


@pytest.fixture
def brand(db):
    return sandbox_user_create(screen_name="acme_help", name="Acme Help")


@pytest.fixture
def brand_token(brand) -> UserCredentials:
    return UserCredentials(*sandbox_token_issue(user=brand))


@pytest.fixture
def customer(db):
    return sandbox_user_create(screen_name="jordan", name="Jordan Brinks")
