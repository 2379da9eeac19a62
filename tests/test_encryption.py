from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.encryption import Secret, TokenDecryptionError
from accounts.models import TwitterAccount
from tests.factories import TwitterAccountFactory

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def stored_value(account: TwitterAccount) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM accounts_twitteraccount WHERE id = %s", [account.pk])
        return cursor.fetchone()[0]


def test_tokens_round_trip_and_are_not_stored_in_plaintext():
    account = TwitterAccountFactory(access_token="12345-plaintext-token-value")
    assert "plaintext-token-value" not in stored_value(account)
    assert TwitterAccount.objects.get(pk=account.pk).access_token == "12345-plaintext-token-value"


def test_a_decrypted_token_is_masked_in_its_repr():
    account = TwitterAccountFactory(access_token="12345-plaintext-token-value")
    token = TwitterAccount.objects.get(pk=account.pk).access_token
    assert isinstance(token, Secret)
    assert "plaintext" not in repr(token)
    assert repr(token).endswith("alue')")


def test_a_wiped_token_stays_empty():
    account = TwitterAccountFactory(access_token="", access_token_secret="")
    assert stored_value(account) == ""
    assert TwitterAccount.objects.get(pk=account.pk).access_token == ""


def test_a_tampered_value_raises_instead_of_returning_ciphertext():
    account = TwitterAccountFactory()
    tampered = stored_value(account)[:-6] + "AAAAAA"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_twitteraccount SET access_token = %s WHERE id = %s", [tampered, account.pk])
    with pytest.raises(TokenDecryptionError):
        TwitterAccount.objects.get(pk=account.pk)


def test_a_value_under_an_unknown_key_raises(settings):
    settings.TOKEN_ENCRYPTION_KEYS = [OLD_KEY]
    account = TwitterAccountFactory(access_token="12345-token")
    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(TokenDecryptionError):
        TwitterAccount.objects.get(pk=account.pk)


def test_every_key_decrypts_and_the_first_encrypts(settings):
    settings.TOKEN_ENCRYPTION_KEYS = [OLD_KEY]
    old = TwitterAccountFactory(access_token="12345-old-token")
    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    new = TwitterAccountFactory(access_token="12345-new-token")
    assert TwitterAccount.objects.get(pk=old.pk).access_token == "12345-old-token"
    assert Fernet(NEW_KEY).decrypt(stored_value(new).encode()) == b"12345-new-token"


def test_rotate_token_keys_reencrypts_every_row_with_the_first_key(settings):
    settings.TOKEN_ENCRYPTION_KEYS = [OLD_KEY]
    accounts = [TwitterAccountFactory(access_token=f"12345-token-{n}") for n in range(3)]
    wiped = TwitterAccountFactory(access_token="", access_token_secret="")
    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    call_command("rotate_token_keys", stdout=StringIO())

    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY]  # the old key is gone now
    for n, account in enumerate(accounts):
        assert TwitterAccount.objects.get(pk=account.pk).access_token == f"12345-token-{n}"
    assert TwitterAccount.objects.get(pk=wiped.pk).access_token == ""


def test_rotate_token_keys_fails_clearly_and_changes_nothing_without_the_old_key(settings):
    settings.TOKEN_ENCRYPTION_KEYS = [OLD_KEY]
    account = TwitterAccountFactory(access_token="12345-token")
    before = stored_value(account)
    settings.TOKEN_ENCRYPTION_KEYS = [NEW_KEY]

    with pytest.raises(CommandError, match="add the missing key back"):
        call_command("rotate_token_keys")

    assert stored_value(account) == before
