"""Secrets Roost hands out (invitation links, API tokens): unguessable, stored only as a hash.

A SHA-256 of 256 random bits cannot be reversed or guessed, so the database never holds
anything that grants access. Lookups go by the hash (an index lookup leaks timing about the
hash, never about the secret) and then compare in constant time, out of caution.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def token_generate(*, prefix: str = "") -> str:
    return f"{prefix}{secrets.token_urlsafe(TOKEN_BYTES)}"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_matches(raw: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(raw).encode(), stored_hash.encode())
