from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engagement.management.operator import account_from_options, add_account_arguments, write_report
from engagement.services.twitter_imports import ImportFailed, welcome_messages_import


class Command(BaseCommand):
    help = (
        "Bring in the welcome messages (and the default one) a connected account already has on Twitter. "
        "Safe to run again: nothing is duplicated, and nothing changes when it fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_account_arguments(parser)

    def handle(self, *args: object, account: str, brand: str | None = None, **options: object) -> None:
        connected = account_from_options(account=account, brand=brand)
        try:
            report = welcome_messages_import(account=connected)
        except ImportFailed as error:
            raise CommandError(f"@{connected.screen_name}: nothing imported. {error}") from error
        write_report(self.stdout, self.style, account=connected, noun="welcome message(s)", report=report)
        if report.default:
            self.stdout.write(f"Default welcome message: “{report.default}”.")
        else:
            self.stdout.write("No default welcome message.")
