from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.selectors import brand_get_by_slug, twitter_account_for_operator
from integrations.twitter import TwitterError
from integrations.twitter.explain import explain
from webhooks.management.commands.replay_webhook_events import _when
from webhooks.services import direct_messages_backfill


class Command(BaseCommand):
    help = (
        "Fetch an account's Direct Messages for a time range (Twitter keeps 30 days) and record the ones "
        "missed, through the same pipeline as live webhooks (nothing is duplicated)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", required=True, help="the connected account's screen name")
        parser.add_argument("--brand", help="the brand's slug, when the screen name is not enough")
        parser.add_argument("--since", help="from this time (UTC); default: 30 days ago")
        parser.add_argument("--until", help="until this time (UTC); default: now")

    def handle(
        self, *args: object, account: str, brand: str | None, since: str | None, until: str | None, **options: object
    ) -> None:
        scope = None
        if brand:
            scope = brand_get_by_slug(slug=brand)
            if scope is None:
                raise CommandError(f"no brand with the slug {brand!r}")
        found = twitter_account_for_operator(screen_name=account, brand=scope)
        if found is None:
            raise CommandError(f"no connected account @{account.lstrip('@')}")
        if not found.has_tokens:
            raise CommandError(f"@{found.screen_name} has no token (it needs to be re-authorised first)")
        start = _when(since, "--since") or timezone.now() - timedelta(days=30)
        end = _when(until, "--until")
        if end and start >= end:
            raise CommandError("--since must be before --until")
        try:
            result = direct_messages_backfill(account=found, since=start, until=end)
        except TwitterError as error:
            raise CommandError(explain(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"@{found.screen_name}: {result.events} message event(s) found, queued for recording.")
        )
