from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.encryption import TokenDecryptionError
from accounts.services import token_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored OAuth token with the first key in TOKEN_ENCRYPTION_KEYS. "
        "Put the new key first, run this, then remove the old key."
    )

    def handle(self, *args: object, **options: object) -> None:
        try:
            results = token_keys_rotate()
        except TokenDecryptionError as error:
            raise CommandError(
                f"{error}. Nothing in the failing batch was changed; add the missing key back to "
                "TOKEN_ENCRYPTION_KEYS (after the new one) and run this again."
            ) from error
        total = 0
        for result in results:
            self.stdout.write(f"{result.model}.{result.field}: {result.rows} re-encrypted")
            total += result.rows
        self.stdout.write(self.style.SUCCESS(f"Done: {total} value(s) now use the first key."))
