"""OAuth 1.0a verification (twitter-api.md §2) with oauthlib's server side, and bearer tokens.

``TwitterRequestValidator`` holds Twitter's shapes (key, token and nonce lengths, ``-`` in
tokens, plain HTTP allowed for the loopback sandbox); ``DatabaseRequestValidator`` looks the
app's credentials and the sandbox's tokens up. ``OAuthVerifier`` runs oauthlib's checks in an
order that lets each failure get Twitter's own code: 215 no/garbled OAuth, 135 timestamp, 89
unknown or revoked token, 32 anything else (wrong consumer, replayed nonce, bad signature).
"""

from __future__ import annotations

import hmac
import string
import time
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth1 import RequestValidator
from oauthlib.oauth1.rfc5849 import SIGNATURE_HMAC_SHA1, SIGNATURE_HMAC_SHA256, errors
from oauthlib.oauth1.rfc5849.endpoints.base import BaseEndpoint

from config.compiled import CompiledQuery
from config.text import is_ascii_digits
from sandbox import errors as twitter
from sandbox.conf import sandbox_setting
from sandbox.models import SandboxAccessToken, SandboxNonce, SandboxRequestToken

DUMMY_SECRET = "sandbox-dummy-secret-for-constant-time-checks"


class TwitterRequestValidator(RequestValidator):
    """Twitter's credential shapes; subclasses say which credentials exist."""

    enforce_ssl = False  # the sandbox runs on plain HTTP on loopback
    allowed_signature_methods = (SIGNATURE_HMAC_SHA1, SIGNATURE_HMAC_SHA256)
    # Consumer keys are 25 characters (22 in the docs' example), access tokens
    # "<user_id>-<random>" about 50, nonces 32 to 42+ (the §2.3 vector's is 42).
    safe_characters = set(string.ascii_letters + string.digits + "-_")
    client_key_length = (16, 40)
    request_token_length = (20, 64)
    access_token_length = (20, 80)
    nonce_length = (8, 64)
    verifier_length = (16, 64)
    dummy_client = "sandbox_dummy_consumer_key"
    dummy_request_token = "sandbox_dummy_request_token"
    dummy_access_token = "sandbox_dummy_access_token"

    @property
    def timestamp_lifetime(self) -> int:
        return int(sandbox_setting("SANDBOX_OAUTH_TIMESTAMP_LIFETIME"))

    def validate_realms(self, *args: object, **kwargs: object) -> bool:
        return True

    def get_default_realms(self, *args: object, **kwargs: object) -> list[str]:
        return []

    def validate_requested_realms(self, *args: object, **kwargs: object) -> bool:
        return True

    def validate_redirect_uri(self, *args: object, **kwargs: object) -> bool:
        return True  # checked by the request_token view (code 415)


class DatabaseRequestValidator(TwitterRequestValidator):
    """The one app in settings, and the sandbox's request and access tokens. One validator
    serves one request, so the access token it looks up is remembered for the rest of it."""

    def __init__(self) -> None:
        super().__init__()
        self._access_tokens: dict[str, SandboxAccessToken | None] = {}

    def access_token(self, token: str) -> SandboxAccessToken | None:
        if token not in self._access_tokens:
            self._access_tokens[token] = _access_token(token)
        return self._access_tokens[token]

    def validate_client_key(self, client_key: str, request: OAuthRequest) -> bool:
        return bool(settings.TWITTER_CONSUMER_KEY) and hmac.compare_digest(
            client_key.encode(), settings.TWITTER_CONSUMER_KEY.encode()
        )

    def get_client_secret(self, client_key: str, request: OAuthRequest) -> str:
        if client_key == settings.TWITTER_CONSUMER_KEY:
            return settings.TWITTER_CONSUMER_SECRET
        return DUMMY_SECRET

    def validate_access_token(self, client_key: str, token: str, request: OAuthRequest) -> bool:
        return self.access_token(token) is not None

    def get_access_token_secret(self, client_key: str, token: str, request: OAuthRequest) -> str:
        row = self.access_token(token)
        return row.secret if row else DUMMY_SECRET

    def validate_request_token(self, client_key: str, token: str, request: OAuthRequest) -> bool:
        return SandboxRequestToken.objects.filter(token=token, used_at__isnull=True).exists()

    def get_request_token_secret(self, client_key: str, token: str, request: OAuthRequest) -> str:
        row = SandboxRequestToken.objects.filter(token=token).first()
        return row.secret if row else DUMMY_SECRET

    def validate_timestamp_and_nonce(
        self,
        client_key: str,
        timestamp: str,
        nonce: str,
        request: OAuthRequest,
        request_token: str | None = None,
        access_token: str | None = None,
    ) -> bool:
        try:
            # On its own the INSERT fails whole; only inside a caller's transaction does a
            # refused nonce need a savepoint (BEGIN and COMMIT around every call cost more).
            with transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext():
                SandboxNonce.objects.create(
                    consumer_key=client_key[:80],
                    token=(access_token or request_token or "")[:80],
                    nonce=nonce,
                    timestamp=int(timestamp),
                )
        except IntegrityError:
            return False
        return True


def _access_token(token: str) -> SandboxAccessToken | None:
    if token == settings.TWITTER_ACCESS_TOKEN:
        from sandbox.services.users import sandbox_bootstrap

        sandbox_bootstrap()  # a fresh database still knows the app owner's own token
    return _LIVE_ACCESS_TOKEN.first_object(token=token)


# Every API call looks its token up (config/compiled.py).
_LIVE_ACCESS_TOKEN = CompiledQuery(
    SandboxAccessToken,
    lambda token: SandboxAccessToken.objects.select_related("user").filter(token=token, revoked_at__isnull=True),
    token=str,
)


@dataclass
class Verified:
    consumer_key: str
    token: str | None
    params: list[tuple[str, str]]
    access_token: SandboxAccessToken | None = None  # the row of ``token``, when it is one


class OAuthVerifier(BaseEndpoint):
    """oauthlib's signature verification with Twitter's error codes."""

    def verify(self, *, uri: str, http_method: str, body: str, headers: dict[str, str], expecting: str) -> Verified:
        """``expecting``: "none" (request_token), "request" (access_token) or "access"."""
        try:
            request = self._create_request(uri, http_method, body, headers)
        except errors.OAuth1Error:
            raise twitter.bad_authentication() from None
        if not request.timestamp or not is_ascii_digits(request.timestamp):
            raise twitter.bad_authentication()
        if abs(time.time() - int(request.timestamp)) > self.request_validator.timestamp_lifetime:
            raise twitter.timestamp_out_of_bounds()
        try:
            self._check_transport_security(request)
            self._check_mandatory_parameters(request)
        except errors.OAuth1Error:
            raise twitter.could_not_authenticate() from None
        validator = self.request_validator
        token = request.resource_owner_key
        if expecting == "none":
            token = request.resource_owner_key = None
        elif not token:
            raise twitter.bad_authentication()
        elif expecting == "access":
            if not validator.check_access_token(token) or not validator.validate_access_token(
                request.client_key, token, request
            ):
                raise twitter.invalid_token()
        elif not validator.check_request_token(token) or not validator.validate_request_token(
            request.client_key, token, request
        ):
            raise twitter.invalid_token()
        if not validator.validate_client_key(request.client_key, request):
            request.client_key = validator.dummy_client
        valid_signature = self._check_signature(request, is_token_request=expecting == "request")
        if request.client_key == validator.dummy_client or not valid_signature:
            raise twitter.could_not_authenticate()
        # The nonce is recorded only for requests that are otherwise genuine, so a forged
        # request cannot burn a real client's nonce.
        if not validator.validate_timestamp_and_nonce(
            request.client_key, request.timestamp, request.nonce, request, access_token=token
        ):
            raise twitter.could_not_authenticate()  # a replay: twitter-api.md has no own code for it
        access_token = None
        if expecting == "access" and isinstance(validator, DatabaseRequestValidator):
            access_token = validator.access_token(token)
        return Verified(
            consumer_key=request.client_key, token=token, params=list(request.params), access_token=access_token
        )


def oauth_verify(request: HttpRequest, *, expecting: str = "access") -> Verified:
    """Verify the OAuth 1.0a signature of a Django request against the URL the client called."""
    content_type = request.META.get("CONTENT_TYPE", "")
    # Only form-encoded bodies are part of the signature (§2.3); JSON and multipart are not.
    body = (
        request.body.decode("utf-8", "replace") if content_type.startswith("application/x-www-form-urlencoded") else ""
    )
    headers = {"Content-Type": content_type}
    authorization = request.headers.get("Authorization")
    if authorization:
        headers["Authorization"] = authorization
    verifier = OAuthVerifier(DatabaseRequestValidator())
    return verifier.verify(
        uri=request.build_absolute_uri(),
        http_method=request.method or "GET",
        body=body,
        headers=headers,
        expecting=expecting,
    )


def bearer_token(request: HttpRequest) -> str | None:
    authorization = request.headers.get("Authorization", "")
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def app_bearer_token() -> str:
    """The app's one bearer token (§2.1), what ``oauth2/token`` hands out: the one Roost is
    configured with, or, when Roost has none and asks ``oauth2/token`` for it, the sandbox
    app's own. Twitter has the token whether or not the client was given it."""
    return settings.TWITTER_BEARER_TOKEN or settings.SANDBOX_APP["bearer_token"]


def bearer_is_valid(token: str) -> bool:
    return hmac.compare_digest(token.encode(), app_bearer_token().encode())
