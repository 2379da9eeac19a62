"""A URL in a quick-reply label (twitter-api.md §6.1: "no URLs"): the client and the sandbox
refuse the same labels, so a message the client lets out is never refused by the sandbox
with 151 for it."""

from __future__ import annotations

import pytest

from integrations.twitter import QuickReplyOption, TwitterValidationError
from integrations.twitter.validation import validate_quick_replies
from sandbox.models import SandboxDirectMessage
from tests.sandbox.test_messages import dm, refused

WITH_URLS = [
    "https://acme.com",
    "see http://x.example",
    "www.acme.com",
    "Visit acme.com",
    "ACME.COM/help",
    "acme.co.uk",
    "help.acme.io",
    "acme.de/help",
]
WITHOUT_URLS = [
    "Order status",
    "Yes, please",
    "3.5 stars",
    "e.g. shipping",
    "Mr. Smith",
    "v2.0 ready",
    "Sure.Thanks",
    "ASP.NET help",
    "Go.Dev tips",
]


@pytest.mark.parametrize("label", WITH_URLS)
def test_the_client_refuses_a_label_with_a_url(label):
    with pytest.raises(TwitterValidationError, match="a label cannot contain a URL") as error:
        validate_quick_replies([QuickReplyOption(label)])
    assert error.value.field == "quick_replies[0].label"


@pytest.mark.parametrize("label", WITHOUT_URLS)
def test_the_client_accepts_a_label_without_one(label):
    validate_quick_replies([QuickReplyOption(label)])


@pytest.mark.parametrize("label", WITH_URLS)
def test_the_sandbox_refuses_a_label_with_a_url_with_151(twitter, brand_auth, customer, label):
    response = dm(twitter, brand_auth, customer, text="Pick one", quick_reply=quick_reply(label))
    message = refused(response, 403, 151)
    assert message == "There was an error sending your message: quick_reply.options[0].label must not contain a URL."
    assert not SandboxDirectMessage.objects.exists()


@pytest.mark.parametrize("label", WITHOUT_URLS)
def test_the_sandbox_accepts_a_label_without_one(twitter, brand_auth, customer, label):
    response = dm(twitter, brand_auth, customer, text="Pick one", quick_reply=quick_reply(label))
    assert response.status_code == 200, response.text


def quick_reply(label: str) -> dict:
    return {"type": "options", "options": [{"label": label}]}
