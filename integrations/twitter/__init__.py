"""The one seam between Roost and Twitter.

Callers ask for operations (send a Direct Message, subscribe an account, register the
webhook), never paths, so the wire (v1.1 today, X API v2 beside it) can change underneath::

    client = twitter_client()
    sent = client.dm_send(account_credentials, recipient_id="3001969357", text="Hi!")
"""

from __future__ import annotations

from django.conf import settings

from integrations.twitter.capabilities import V1_1, V2, WireCapabilities
from integrations.twitter.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidRequest,
    NotFound,
    NotPermitted,
    RateLimited,
    Retryable,
    TransportError,
    TwitterError,
    TwitterValidationError,
    UnsupportedOnThisWire,
    WebhookNotRegistered,
)
from integrations.twitter.types import UserCredentials
from integrations.twitter.v1 import V11Client
from integrations.twitter.v2 import V2Client
from integrations.twitter.validation import Button, QuickReplyOption

# Both clients offer the same methods with the same signatures and return types.
TwitterClient = V11Client | V2Client


def wire_capabilities() -> WireCapabilities:
    """What the configured wire can carry (quick replies, buttons, welcome messages...)."""
    return V2 if settings.TWITTER_API_VERSION == "2" else V1_1


def twitter_client(*, consumer_key: str | None = None, consumer_secret: str | None = None) -> TwitterClient:
    """A client for the wire named by TWITTER_API_VERSION, reading hosts and keys from settings
    (the app's keys may be given, e.g. the ones allauth holds for Sign-in)."""
    if settings.TWITTER_API_VERSION == "2":
        return V2Client(consumer_key=consumer_key, consumer_secret=consumer_secret)
    if settings.TWITTER_API_VERSION != "1.1":
        raise UnsupportedOnThisWire(f"TWITTER_API_VERSION={settings.TWITTER_API_VERSION} is not a known wire")
    return V11Client(consumer_key=consumer_key, consumer_secret=consumer_secret)


__all__ = [
    "AuthenticationFailed",
    "Button",
    "Conflict",
    "InvalidRequest",
    "NotFound",
    "NotPermitted",
    "QuickReplyOption",
    "RateLimited",
    "Retryable",
    "TransportError",
    "TwitterClient",
    "TwitterError",
    "TwitterValidationError",
    "UnsupportedOnThisWire",
    "UserCredentials",
    "V11Client",
    "V2Client",
    "WebhookNotRegistered",
    "WireCapabilities",
    "twitter_client",
    "wire_capabilities",
]
