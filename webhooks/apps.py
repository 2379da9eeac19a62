from django.apps import AppConfig
from django.core import checks
from django.db import connection


def database_can_claim_events(app_configs: object, **kwargs: object) -> list[checks.CheckMessage]:
    """Processing claims events with UPDATE ... RETURNING, which SQLite has since 3.35."""
    if connection.vendor == "sqlite" and not connection.features.can_return_rows_from_bulk_insert:
        import sqlite3

        return [
            checks.Error(
                f"Roost needs SQLite 3.35 or later; this Python has SQLite {sqlite3.sqlite_version}.",
                hint="Use a Python built with a newer SQLite, or PostgreSQL (DATABASE_URL).",
                id="webhooks.E001",
            )
        ]
    return []


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Twitter webhook"

    def ready(self) -> None:
        checks.register(database_can_claim_events, checks.Tags.compatibility)
