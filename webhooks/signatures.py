"""Twitter's webhook cryptography (twitter-api.md §4): the CRC answer and event signatures.

Both are ``sha256=`` + base64(HMAC-SHA256(consumer secret, message)). The key is the app's
consumer secret, never a user token or the bearer token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SIGNATURE_HEADER = "X-Twitter-Webhooks-Signature"
# A CRC token is a short random string. Refusing long ones and JSON punctuation means the CRC
# endpoint can never be used to sign an arbitrary (forged) event body.
MAX_CRC_TOKEN_LENGTH = 255
FORBIDDEN_CRC_CHARACTERS = frozenset('{}"')


def sign(secret: str, message: bytes) -> str:
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def crc_response_token(secret: str, crc_token: str) -> str:
    return sign(secret, crc_token.encode())


def crc_token_is_acceptable(crc_token: str) -> bool:
    return 0 < len(crc_token) <= MAX_CRC_TOKEN_LENGTH and not (set(crc_token) & FORBIDDEN_CRC_CHARACTERS)


def signature_is_valid(secret: str, body: bytes, header_value: str | None) -> bool:
    """Constant-time comparison of the header against our own signature of the raw body."""
    if not secret or not header_value:
        return False
    return hmac.compare_digest(sign(secret, body).encode(), header_value.strip().encode())
