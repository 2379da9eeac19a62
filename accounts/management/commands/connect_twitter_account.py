from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.selectors import brand_get_by_slug
from accounts.services import AccountConnectError, twitter_account_connect_now, twitter_token_verify
from integrations.twitter import UserCredentials


class Command(BaseCommand):
    help = (
        "Connect a Twitter account to a brand with its own access token (the single-user path: "
        "the app owner's tokens from the developer portal). Verified with account/verify_credentials, "
        "stored encrypted, subscribed to the webhook; nothing is stored when any step fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the brand's slug")
        parser.add_argument("--token", required=True, help="the account's OAuth 1.0a access token")
        parser.add_argument("--token-secret", required=True, help="the access token's secret")

    def handle(self, *args: object, slug: str, token: str, token_secret: str, **options: object) -> None:
        brand = brand_get_by_slug(slug=slug)
        if brand is None:
            raise CommandError(
                f"No brand has the slug '{slug}'; create it with `manage.py create_brand {slug} --name NAME`."
            )
        credentials = UserCredentials(token.strip(), token_secret.strip())
        try:
            verified = twitter_token_verify(credentials=credentials)
            connected = twitter_account_connect_now(brand=brand, verified=verified, actor=None)
        except AccountConnectError as error:
            raise CommandError(f"Nothing was stored. {error}") from error
        account = connected.account
        verb = "re-authorised in" if connected.reauthorised else "connected to"
        self.stdout.write(
            self.style.SUCCESS(f"@{account.screen_name} is {verb} {brand.name} and subscribed to the webhook.")
        )
        if connected.released:
            self.stdout.write(f"{connected.released} reply(ies) held for re-authorisation can be sent again.")
