"""The client signs requests exactly as twitter-api.md §2.3 does: Twitter's documented request,
signed with its fixed nonce and timestamp through Roost's own HTTP seam, gives its signature.

The sandbox checks the same vector from the verifying side (tests/sandbox/test_oauth.py)."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote

import pytest
import responses

from integrations.twitter.http import TwitterHttp
from integrations.twitter.types import UserCredentials

STATUS = "Hello Ladies + Gentlemen, a signed OAuth request!"


def signed_header(host: str) -> dict[str, str]:
    """Send §2.3's request through TwitterHttp (stubbed) and return its OAuth header's fields."""
    http = TwitterHttp(
        consumer_key="xvz1evFS4wEEPTGEFPHBog", consumer_secret="kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
    )
    auth = http.oauth1(
        UserCredentials(
            "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
        )
    )
    auth.client.nonce = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"
    auth.client.timestamp = "1318622958"
    url = f"https://{host}/1.1/statuses/update.json"
    with responses.RequestsMock() as twitter:
        twitter.post(url, json={})
        http.request("POST", url, auth=auth, params={"include_entities": "true"}, form={"status": STATUS})
        sent = twitter.calls[0].request
    assert sent.url == f"{url}?include_entities=true"
    assert dict(parse_qsl(sent.body.decode())) == {"status": STATUS}  # form-encoded, so it is signed
    header = sent.headers["Authorization"]
    scheme, _, fields = (header.decode() if isinstance(header, bytes) else header).partition(" ")
    assert scheme == "OAuth"
    pairs = (field.strip().split("=", 1) for field in fields.split(","))
    return {key: unquote(value.strip('"')) for key, value in pairs}


@pytest.mark.parametrize(
    ("host", "expected"),
    [("api.x.com", "Ls93hJiZbQ3akF3HF3x1Bz8/zU4="), ("api.twitter.com", "hCtSmYh+iHYCEqBWrE7C7hYmtUk=")],
)
def test_the_client_signs_the_documented_request_with_the_documented_signature(host, expected):
    header = signed_header(host)
    assert header["oauth_signature"] == expected
    assert header["oauth_signature_method"] == "HMAC-SHA1"
    assert header["oauth_version"] == "1.0"
    assert header["oauth_consumer_key"] == "xvz1evFS4wEEPTGEFPHBog"
    assert header["oauth_token"] == "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"
