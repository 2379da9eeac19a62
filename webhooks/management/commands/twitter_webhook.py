from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrations.twitter import TwitterError, twitter_client
from integrations.twitter.explain import Operation, explain
from webhooks.services import (
    WebhookSetupError,
    webhook_delete,
    webhook_ensure_registered,
    webhook_trigger_crc,
    webhook_url,
    webhooks_refresh,
)


class Command(BaseCommand):
    help = (
        "Manage the app's Account Activity webhook (PUBLIC_URL/webhooks/twitter/) against TWITTER_API_URL: "
        "register, list, crc (re-validate) or delete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["register", "list", "crc", "delete"])
        parser.add_argument("webhook_id", nargs="?", help="for crc and delete; defaults to the webhook at PUBLIC_URL")
        parser.add_argument("--url", help="register this URL instead of PUBLIC_URL/webhooks/twitter/")

    def handle(self, *args: object, action: str, webhook_id: str | None, url: str | None, **options: object) -> None:
        try:
            getattr(self, f"do_{action}")(webhook_id=webhook_id, url=url)
        except TwitterError as error:
            operation = Operation.WEBHOOK_REGISTER if action == "register" else None
            raise CommandError(explain(error, operation=operation)) from error
        except WebhookSetupError as error:
            raise CommandError(str(error)) from error

    def do_register(self, *, url: str | None, **_: object) -> None:
        registration, outcome = webhook_ensure_registered(url=url)
        self.stdout.write(self.style.SUCCESS(f"Webhook {registration.webhook_id} {outcome}: {registration.url}"))
        self.stdout.write("Twitter's CRC check passed; subscribe accounts with `manage.py twitter_subscription add`.")

    def do_list(self, **_: object) -> None:
        registrations = webhooks_refresh()
        if not registrations:
            self.stdout.write("No webhook is registered for this app. Run `manage.py twitter_webhook register`.")
            return
        for registration in registrations:
            state = "valid" if registration.valid else "INVALID (run `twitter_webhook crc`)"
            self.stdout.write(f"{registration.webhook_id}  {state}  {registration.url}")

    def do_crc(self, *, webhook_id: str | None, **_: object) -> None:
        registration = webhook_trigger_crc(webhook_id=webhook_id or self._default_webhook_id())
        self.stdout.write(self.style.SUCCESS(f"CRC passed: webhook {registration.webhook_id} is valid."))

    def do_delete(self, *, webhook_id: str | None, **_: object) -> None:
        webhook_id = webhook_id or self._default_webhook_id()
        webhook_delete(webhook_id=webhook_id)
        self.stdout.write(self.style.SUCCESS(f"Webhook {webhook_id} deleted."))
        self.stdout.write(
            "Its subscriptions are gone with it: after registering a new URL, subscribe every account again."
        )

    def _default_webhook_id(self) -> str:
        webhooks = twitter_client().webhooks_list()
        url = webhook_url()
        matching = [webhook for webhook in webhooks if webhook.url == url] or (webhooks if len(webhooks) == 1 else [])
        if not matching:
            listed = ", ".join(f"{webhook.id} ({webhook.url})" for webhook in webhooks) or "none"
            raise CommandError(f"no webhook is registered at {url}; give a webhook id (registered: {listed})")
        return matching[0].id
