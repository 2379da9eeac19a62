"""The REST API as its users call it: Django's test client with a bearer token."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from accounts.services import api_token_create
from tests.factories import ConversationFactory, MessageFactory, TwitterAccountFactory

ROLES = ["alice", "bob", "dana"]  # owner, agent and admin of brand A


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """The rate limit and upload keys live in the cache; each test starts from zero (a private
    in-memory cache, so a Celery broker sharing Redis is never flushed)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"test-{uuid.uuid4()}"}
    }


@pytest.fixture
def private_files(settings, tmp_path):
    """Uploaded files land in a temporary folder, not var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


class Api:
    """Requests as one token: JSON in and out, paths relative to /api/v1."""

    def __init__(self, client: Client, secret: str) -> None:
        self.client = client
        self.secret = secret

    def _headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}", **headers}

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str):
        return self.client.get(url(path), params or {}, headers=self._headers(headers))

    def post(self, path: str, body: Any = None, **headers: str):
        return self.client.post(
            url(path), json.dumps(body) if body is not None else "", "application/json", headers=self._headers(headers)
        )

    def patch(self, path: str, body: Any, **headers: str):
        return self.client.patch(url(path), json.dumps(body), "application/json", headers=self._headers(headers))

    def upload(self, path: str, files: dict[str, Any], **headers: str):
        return self.client.post(url(path), files, headers=self._headers(headers))


def url(path: str) -> str:
    return path if path.startswith("http") else f"/api/v1{path}"


@pytest.fixture
def api_as(client):
    """``api_as(bob)``: requests with a new token of that person's membership."""

    def make(user: User) -> Api:
        secret = api_token_create(membership=user.memberships.get(), name="tests").secret
        return Api(client, secret)

    return make


@pytest.fixture(params=ROLES)
def member(request) -> User:
    """Each role of brand A in turn: every endpoint works for owners, agents and admins."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def outsider(api_as, charlie) -> Api:
    """Charlie, owner of brand B, with his own valid token."""
    return api_as(charlie)


@pytest.fixture
def account_a(brand_a):
    return TwitterAccountFactory(brand=brand_a, screen_name="acme_help")


@pytest.fixture
def conversation(account_a):
    """A Direct Message conversation of brand A with one message from the customer."""
    conversation = ConversationFactory(account=account_a)
    MessageFactory(conversation=conversation, text="Where is my parcel?")
    return conversation


# The smallest valid PNG: 1×1 pixel.
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082"
)


def png(name: str = "pixel.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG_1X1, content_type="image/png")


def error_fields(response) -> dict[str, list[str]]:
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    return body["errors"]
