"""OAuth 1.0a as Twitter checks it (twitter-api.md §2.3), over real HTTP where it matters."""

from __future__ import annotations

import pytest
import requests
import time_machine
from django.conf import settings
from oauthlib.oauth1 import Client

from sandbox import errors
from sandbox.models import SandboxAccessToken
from sandbox.oauth import OAuthVerifier, TwitterRequestValidator
from sandbox.services import sandbox_token_issue, user_revoke_app

VECTOR_CONSUMER_KEY = "xvz1evFS4wEEPTGEFPHBog"
VECTOR_CONSUMER_SECRET = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
VECTOR_TOKEN = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"
VECTOR_TOKEN_SECRET = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
VECTOR_BODY = "status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21"


class VectorValidator(TwitterRequestValidator):
    """Knows only the credentials of Twitter's documented example."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, str]] = set()

    def validate_client_key(self, client_key, request):
        return client_key == VECTOR_CONSUMER_KEY

    def get_client_secret(self, client_key, request):
        return VECTOR_CONSUMER_SECRET if client_key == VECTOR_CONSUMER_KEY else "dummy"

    def validate_access_token(self, client_key, token, request):
        return token == VECTOR_TOKEN

    def get_access_token_secret(self, client_key, token, request):
        return VECTOR_TOKEN_SECRET if token == VECTOR_TOKEN else "dummy"

    def validate_timestamp_and_nonce(
        self, client_key, timestamp, nonce, request, request_token=None, access_token=None
    ):
        if (nonce, timestamp) in self.seen:
            return False
        self.seen.add((nonce, timestamp))
        return True


def vector_header(signature: str) -> str:
    params = {
        "oauth_consumer_key": VECTOR_CONSUMER_KEY,
        "oauth_nonce": "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        "oauth_signature": signature,
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": "1318622958",
        "oauth_token": VECTOR_TOKEN,
        "oauth_version": "1.0",
    }
    from urllib.parse import quote

    return "OAuth " + ", ".join(f'{key}="{quote(value, safe="")}"' for key, value in params.items())


def verify_vector(host: str, signature: str, body: str = VECTOR_BODY):
    with time_machine.travel(1318622958, tick=False):
        return OAuthVerifier(VectorValidator()).verify(
            uri=f"https://{host}/1.1/statuses/update.json?include_entities=true",
            http_method="POST",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": vector_header(signature)},
            expecting="access",
        )


def test_the_documented_signature_vector_verifies_for_api_x_com():
    verified = verify_vector("api.x.com", "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=")
    assert verified.token == VECTOR_TOKEN
    assert ("status", "Hello Ladies + Gentlemen, a signed OAuth request!") in verified.params


def test_the_same_request_verifies_for_api_twitter_com_with_its_own_signature():
    verify_vector("api.twitter.com", "hCtSmYh+iHYCEqBWrE7C7hYmtUk=")


def test_the_api_x_com_signature_does_not_verify_for_another_host():
    with pytest.raises(errors.TwitterError) as refused:
        verify_vector("api.twitter.com", "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=")
    assert (refused.value.status, refused.value.code) == (401, 32)


def test_a_changed_body_breaks_the_vector_signature():
    with pytest.raises(errors.TwitterError) as refused:
        verify_vector("api.x.com", "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=", body=VECTOR_BODY.replace("Ladies", "Lords"))
    assert refused.value.code == 32


def test_the_vector_is_out_of_bounds_today():
    with pytest.raises(errors.TwitterError) as refused:
        OAuthVerifier(VectorValidator()).verify(
            uri="https://api.x.com/1.1/statuses/update.json?include_entities=true",
            http_method="POST",
            body=VECTOR_BODY,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Authorization": vector_header("Ls93hJiZbQ3akF3HF3x1Bz8/zU4="),
            },
            expecting="access",
        )
    assert (refused.value.status, refused.value.code) == (401, 135)


# --- over HTTP --------------------------------------------------------------------------------
def errors_of(response) -> list[dict]:
    return response.json()["errors"]


def test_a_signed_call_with_the_app_owner_token_works_on_a_fresh_database(twitter, db):
    response = twitter.call(
        "GET",
        "account/verify_credentials.json",
        auth=(settings.TWITTER_ACCESS_TOKEN, settings.TWITTER_ACCESS_TOKEN_SECRET),
    )
    assert response.status_code == 200, response.text
    assert response.json()["id_str"] == "1000000000000000001"
    assert response.json()["screen_name"] == "roost_demo"
    assert response.headers["x-access-level"] == "read-write-directmessages"


def test_a_tampered_signature_is_refused_with_32(twitter, brand_auth):
    url = twitter.url("account/verify_credentials.json")
    prepared = requests.Request("GET", url, auth=twitter.signed(*brand_auth)).prepare()
    header = prepared.headers["Authorization"]
    header = header.decode() if isinstance(header, bytes) else header
    start = header.index('oauth_signature="') + len('oauth_signature="')
    tampered = header[:start] + ("A" if header[start] != "A" else "B") + header[start + 1 :]
    response = requests.get(url, headers={"Authorization": tampered}, timeout=10)
    assert response.status_code == 401
    assert errors_of(response) == [{"code": 32, "message": "Could not authenticate you."}]


def test_a_wrong_consumer_secret_is_refused_with_32(twitter, brand_auth):
    from requests_oauthlib import OAuth1

    auth = OAuth1(settings.TWITTER_CONSUMER_KEY, "wrong-secret", *brand_auth)
    response = requests.get(twitter.url("account/verify_credentials.json"), auth=auth, timeout=10)
    assert (response.status_code, errors_of(response)[0]["code"]) == (401, 32)


def test_an_unknown_token_is_refused_with_89(twitter, db):
    response = twitter.call(
        "GET", "account/verify_credentials.json", auth=("1234567890-NotARealTokenAtAllForSandbox0000", "secret")
    )
    assert response.status_code == 403
    assert errors_of(response) == [{"code": 89, "message": "Invalid or expired token."}]


def test_a_revoked_token_is_refused_with_89(twitter, brand, brand_auth):
    user_revoke_app(user=brand)
    response = twitter.call("GET", "account/verify_credentials.json", auth=brand_auth)
    assert (response.status_code, errors_of(response)[0]["code"]) == (403, 89)


def test_a_json_body_folded_into_the_signature_is_refused_with_32(twitter, brand, brand_auth, customer):
    import json

    event = {
        "type": "message_create",
        "message_create": {"target": {"recipient_id": str(customer.id)}, "message_data": {"text": "Hi"}},
    }
    body = json.dumps({"event": event})
    url = twitter.url("direct_messages/events/new.json")
    # The classic bug: signing the JSON's fields as if they were form parameters.
    client = Client(settings.TWITTER_CONSUMER_KEY, settings.TWITTER_CONSUMER_SECRET, *brand_auth)
    _, headers, _ = client.sign(
        url, "POST", body={"event": body}, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    response = requests.post(
        url,
        data=body,
        headers={"Authorization": headers["Authorization"], "Content-Type": "application/json"},
        timeout=10,
    )
    assert (response.status_code, errors_of(response)[0]["code"]) == (401, 32)
    from sandbox.models import SandboxDirectMessage

    assert not SandboxDirectMessage.objects.exists()


def test_the_same_json_signed_over_the_url_only_is_accepted(twitter, brand_auth, customer):
    event = {
        "type": "message_create",
        "message_create": {"target": {"recipient_id": str(customer.id)}, "message_data": {"text": "Hi"}},
    }
    response = twitter.call("POST", "direct_messages/events/new.json", auth=brand_auth, json={"event": event})
    assert response.status_code == 200, response.text


def test_a_replayed_request_is_refused(twitter, brand_auth):
    url = twitter.url("account/verify_credentials.json")
    prepared = requests.Request("GET", url, auth=twitter.signed(*brand_auth)).prepare()
    first = requests.get(url, headers={"Authorization": prepared.headers["Authorization"]}, timeout=10)
    again = requests.get(url, headers={"Authorization": prepared.headers["Authorization"]}, timeout=10)
    assert first.status_code == 200
    assert (again.status_code, errors_of(again)[0]["code"]) == (401, 32)


def test_a_skewed_clock_is_refused_with_135(twitter, brand_auth):
    from oauthlib.oauth1 import Client as SigningClient

    url = twitter.url("account/verify_credentials.json")
    client = SigningClient(
        settings.TWITTER_CONSUMER_KEY, settings.TWITTER_CONSUMER_SECRET, *brand_auth, timestamp="1318622958"
    )
    _, headers, _ = client.sign(url, "GET")
    response = requests.get(url, headers=headers, timeout=10)
    assert response.status_code == 401
    assert errors_of(response) == [{"code": 135, "message": "Timestamp out of bounds."}]


def test_no_authentication_at_all_is_215(twitter, db):
    response = twitter.call("GET", "account/verify_credentials.json")
    assert (response.status_code, errors_of(response)[0]["code"]) == (400, 215)


def test_a_bearer_token_cannot_act_as_a_user(twitter, db):
    response = twitter.call("GET", "account/verify_credentials.json", bearer=True)
    assert (response.status_code, errors_of(response)[0]["code"]) == (403, 220)


def test_a_token_without_dm_permission_gets_93_on_dm_endpoints(twitter, brand):
    auth = sandbox_token_issue(user=brand, access_level="read-write")
    response = twitter.call("GET", "direct_messages/events/list.json", auth=auth)
    assert response.status_code == 403
    assert errors_of(response)[0]["code"] == 93


def test_a_read_only_token_cannot_tweet(twitter, brand):
    auth = sandbox_token_issue(user=brand, access_level="read")
    response = twitter.call("POST", "statuses/update.json", auth=auth, data={"status": "hello"})
    assert (response.status_code, errors_of(response)[0]["code"]) == (403, 261)


def test_the_bearer_token_is_handed_out_for_the_app_credentials(twitter, db):
    response = requests.post(
        twitter.url("oauth2/token"),
        auth=(settings.TWITTER_CONSUMER_KEY, settings.TWITTER_CONSUMER_SECRET),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    assert response.json() == {"token_type": "bearer", "access_token": settings.TWITTER_BEARER_TOKEN}
    wrong = requests.post(
        twitter.url("oauth2/token"),
        auth=(settings.TWITTER_CONSUMER_KEY, "nope"),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    assert (wrong.status_code, wrong.json()["errors"][0]["code"]) == (403, 99)


def test_users_lookup_finds_by_id_and_screen_name_and_404s_on_none(twitter, brand_auth, brand, customer):
    found = twitter.call(
        "GET", "users/lookup.json", auth=brand_auth, params={"screen_name": "JORDAN", "user_id": str(brand.id)}
    )
    assert sorted(user["screen_name"] for user in found.json()) == ["acme", "jordan"]
    none = twitter.call("GET", "users/lookup.json", auth=brand_auth, params={"screen_name": "nobody_here"})
    assert (none.status_code, none.json()["errors"][0]["code"]) == (404, 17)


def test_revoking_invalidates_every_token_of_the_user(brand, brand_auth):
    user_revoke_app(user=brand)
    assert not SandboxAccessToken.objects.filter(user=brand, revoked_at__isnull=True).exists()
