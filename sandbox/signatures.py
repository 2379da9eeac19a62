"""``sha256=`` + base64(HMAC-SHA256(consumer secret, message)): the CRC answer and the event
signature (twitter-api.md §4). The sandbox keeps its own copy: it never imports Roost's apps."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(secret: str, message: bytes) -> str:
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()
