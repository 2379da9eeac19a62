"""Encryption at rest for OAuth tokens.

``TOKEN_ENCRYPTION_KEYS`` holds Fernet keys: the first encrypts, every key decrypts, so a new
key is rolled in by putting it first and running ``manage.py rotate_token_keys`` before the
old one is removed. A value that no key can decrypt raises: code never sees ciphertext where
it expected a token, and a wrong key never silently sends garbage to Twitter.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class TokenDecryptionError(Exception):
    """A stored token could not be decrypted with any key in TOKEN_ENCRYPTION_KEYS."""


class Secret(str):
    """A decrypted secret. It is a ``str`` for the code that needs it, but its ``repr`` (what
    debug pages, shells and tracebacks show) is masked."""

    def __repr__(self) -> str:
        return f"Secret({self.masked!r})"

    @property
    def masked(self) -> str:
        if not self:
            return ""
        return "••••" + self[-4:] if len(self) > 12 else "••••"


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _fernet() -> MultiFernet:
    return _multi_fernet(tuple(settings.TOKEN_ENCRYPTION_KEYS))


def encrypt_token(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt_token(ciphertext: str) -> Secret:
    try:
        return Secret(_fernet().decrypt(ciphertext.encode()).decode())
    except (InvalidToken, ValueError) as error:
        raise TokenDecryptionError(
            "a stored token could not be decrypted with TOKEN_ENCRYPTION_KEYS "
            "(was a key removed before `manage.py rotate_token_keys` ran?)"
        ) from error


def reencrypt_token(ciphertext: str) -> str:
    """Re-encrypt with the first key, without the plaintext leaving this function."""
    try:
        return _fernet().rotate(ciphertext.encode()).decode()
    except (InvalidToken, ValueError) as error:
        raise TokenDecryptionError("a stored token could not be decrypted with TOKEN_ENCRYPTION_KEYS") from error


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token; Python sees the plaintext as a ``Secret``.

    An empty string stays empty (a wiped token). Encryption is randomised, so the column
    cannot be filtered on.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Secret | None:
        if value is None:
            return None
        if value == "":
            return Secret("")
        return decrypt_token(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, Secret):
            return Secret(value)
        return value

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_token(str(value))
