"""The CRC and signature vectors from twitter-api.md §4, and the endpoint's refusals."""

from __future__ import annotations

import pytest

from webhooks.signatures import crc_response_token, sign, signature_is_valid

WEBHOOK_URL = "/webhooks/twitter/"


@pytest.mark.parametrize(
    ("secret", "crc_token", "expected"),
    [
        ("test_consumer_secret", "test_crc_token", "sha256=6TsX2vqmFj4OqnzB1NjPu5lOizi7IMonXPzlwPdmlJc="),
        ("MY SECRET", "some_crc_token", "sha256=9UMMxS5wsjv6y0qcP/D/9KGmaIoodHyzAIsIQCWmmYQ="),
    ],
)
def test_crc_vectors(secret, crc_token, expected):
    assert crc_response_token(secret, crc_token) == expected


@pytest.mark.parametrize(
    ("secret", "message", "expected"),
    [
        ("test", b'{"test_number":1,"test_string":"two"}', "sha256=YWHphPn/JFq43jkF0y4/w8R/SelmLjvpunhVFY8JhlI="),
        ("test", b"test=1&other_test=2", "sha256=25Cu3iwbbiqBTwQRzcKJZwisjf736V2Q8UaTlkfLSoc="),
        (
            "test_consumer_secret",
            b'{"for_user_id":"2244994945","direct_message_events":[]}',
            "sha256=dqDeH9riFGhLVKYoxDzvmsqKt0K3FPsVZCM4lUT9m7E=",
        ),
        (
            "test_consumer_secret",
            b"crc_token=test_crc_token&nonce=MTIzNDU2",
            "sha256=Lk4xfA9mHK0On4YRP3lwSfKbkvp56sWR8KsCmQzPWNk=",
        ),
    ],
)
def test_signature_vectors(secret, message, expected):
    assert sign(secret, message) == expected
    assert signature_is_valid(secret, message, expected)


def test_a_signature_over_other_bytes_is_invalid():
    assert not signature_is_valid("test", b'{"test_number":1}', sign("test", b'{"test_number":2}'))
    assert not signature_is_valid("test", b"{}", None)
    assert not signature_is_valid("", b"{}", sign("", b"{}"))


def test_the_crc_is_answered_with_the_consumer_secret(client, settings):
    settings.TWITTER_CONSUMER_SECRET = "test_consumer_secret"
    response = client.get(WEBHOOK_URL, {"crc_token": "test_crc_token", "nonce": "MTIzNDU2"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"response_token": "sha256=6TsX2vqmFj4OqnzB1NjPu5lOizi7IMonXPzlwPdmlJc="}


def test_the_crc_needs_a_token(client):
    assert client.get(WEBHOOK_URL).status_code == 400


@pytest.mark.parametrize("crc_token", ["x" * 256, '{"for_user_id":"1"}', 'a"b', "a}b"])
def test_the_crc_refuses_tokens_that_could_sign_a_forged_body(client, crc_token):
    assert client.get(WEBHOOK_URL, {"crc_token": crc_token}).status_code == 400


@pytest.mark.django_db
def test_the_crc_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(WEBHOOK_URL, {"crc_token": "abc"}).status_code == 200
