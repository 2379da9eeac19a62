from __future__ import annotations

from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from webhooks.models import WebhookEvent
from webhooks.selectors import webhook_events_matching
from webhooks.services import webhook_events_replay


def _when(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise CommandError(f"{name} must be a date and time like 2026-11-21T10:00 or 2026-11-21 10:00:00+00:00")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


class Command(BaseCommand):
    help = (
        "Process stored webhook events again, by id or by time received (UTC). Replaying is safe: "
        "events already recorded are not duplicated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--id", dest="ids", action="append", default=[], help="an event's id (repeatable)")
        parser.add_argument("--since", help="received at or after, e.g. 2026-11-21T10:00")
        parser.add_argument("--until", help="received before")
        parser.add_argument(
            "--status",
            dest="statuses",
            action="append",
            choices=[choice for choice, _ in WebhookEvent.Status.choices],
            help="only events in this state (repeatable); default: any",
        )

    def handle(
        self,
        *args: object,
        ids: list[str],
        since: str | None,
        until: str | None,
        statuses: list[str] | None,
        **options: object,
    ) -> None:
        if not ids and not since and not until:
            raise CommandError("say which events: --id, or a time range with --since/--until")
        start, end = _when(since, "--since"), _when(until, "--until")
        if start and end and start >= end:
            raise CommandError("--since must be before --until")
        try:
            events = webhook_events_matching(public_ids=ids or None, since=start, until=end, statuses=statuses)
            event_ids = list(events.values_list("pk", flat=True))
        except Exception as error:  # a malformed id
            raise CommandError(f"could not select events: {error}") from error
        if ids and len(event_ids) != len(set(ids)):
            raise CommandError(
                f"{len(set(ids)) - len(event_ids)} of the given ids match no event; nothing was replayed"
            )
        if not event_ids:
            self.stdout.write("No event matches; nothing to replay.")
            return
        replayed = webhook_events_replay(event_ids=event_ids)
        self.stdout.write(self.style.SUCCESS(f"{replayed} event(s) will be processed again."))
        if replayed < len(event_ids):
            self.stdout.write(f"{len(event_ids) - replayed} were being processed at this moment and were left alone.")
