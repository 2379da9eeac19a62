"""Security review: CSRF on every form, and no open redirect."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

pytestmark = pytest.mark.django_db

# Authenticated by something other than a browser session, so CSRF does not apply: Twitter's
# signature on the webhook, OAuth 1.0a / bearer tokens on the sandbox's API and upload hosts,
# the sandbox's control API (bearer), and the REST API (bearer tokens).
CSRF_EXEMPT = (
    re.compile(r"^webhooks/twitter/$"),
    re.compile(r"^sandbox/(api|upload|control|ton)/"),
    re.compile(r"^api/v1/"),
)


def every_url(patterns=None, prefix: str = "") -> list[str]:  # noqa: ANN001
    """Every route as a concrete path, its parameters filled in with any value (CSRF is
    checked before the view runs, so the value never matters)."""
    urls = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        text = prefix + concrete(pattern.pattern)
        if isinstance(pattern, URLResolver):
            urls.extend(every_url(pattern.url_patterns, text))
        elif isinstance(pattern, URLPattern):
            urls.append(text)
    return urls


def concrete(pattern: RoutePattern | RegexPattern) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = re.sub(r"\(\?P<\w+>[^)]*\)", "abc", text)  # a named group: any value of its class
        text = re.sub(r"\((\w+)(\|\w+)*\)", r"\1", text)  # an alternation: its first branch
        return text.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    text = re.sub(r"<int:[^>]+>", "1", text)
    return re.sub(r"<[^>]+>", str(uuid.uuid4()), text)


def test_every_form_post_needs_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    unprotected = []
    for route in every_url():
        path = "/" + route
        if any(pattern.match(route) for pattern in CSRF_EXEMPT):
            continue
        response = client.post(path, {"text": "x", "status": "resolved", "name": "x"})
        if response.status_code != 403 or b"CSRF" not in response.content:
            unprotected.append(f"{path} -> {response.status_code}")
    assert not unprotected, "POSTs accepted without a CSRF token:\n" + "\n".join(unprotected)


def test_the_exempt_endpoints_authenticate_otherwise(client):
    assert client.post("/webhooks/twitter/", "{}", content_type="application/json").status_code == 403
    # Twitter answers a request without credentials 400 "Bad Authentication data" (code 215).
    control = client.post("/sandbox/control/faults", "{}", content_type="application/json")
    assert control.status_code == 400 and control.json()["errors"][0]["code"] == 215
    assert client.post("/api/v1/conversations", "{}", content_type="application/json").status_code in (
        401,
        403,
        404,
        405,
    )


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_no_open_redirect_after_switching_brand_or_logging_in(client, alice, brand_a, target):
    client.force_login(alice)
    response = client.post("/brands/switch", {"brand": str(brand_a.public_id), "next": target})
    assert response["Location"] == "/"
    client.logout()
    login = client.post(
        "/accounts/login/?next=" + target, {"login": "alice@acme.example", "password": "correct horse battery staple"}
    )
    assert "evil.example" not in login.get("Location", "")
    assert not login.get("Location", "").startswith("javascript")
