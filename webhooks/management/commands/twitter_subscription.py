from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import TwitterAccount
from accounts.selectors import brand_get_by_slug, twitter_account_for_operator, twitter_accounts_by_user_id
from accounts.services import (
    twitter_account_credentials,
    twitter_account_record_unsubscribed,
    twitter_account_subscribe,
)
from integrations.twitter import NotFound, TwitterError, UserCredentials, twitter_client
from integrations.twitter.explain import SUBSCRIPTION_ROOM_ADVICE, Operation, explain

# Refusals that mean something particular for an action (explain.Operation).
OPERATIONS = {"add": Operation.SUBSCRIPTION_ADD}


class Command(BaseCommand):
    help = (
        "Manage Account Activity subscriptions against TWITTER_API_URL: add, check, list, count or remove. "
        "add/check act for --account (a connected account) or, without it, the app owner's own account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["add", "check", "list", "count", "remove"])
        parser.add_argument("user_id", nargs="?", help="remove: the Twitter user id to unsubscribe")
        parser.add_argument("--account", help="a connected account's screen name, e.g. @acme_help")
        parser.add_argument("--brand", help="the brand's slug, when the screen name is not enough")

    def handle(self, *args: object, action: str, **options: object) -> None:
        try:
            getattr(self, f"do_{action}")(**options)
        except TwitterError as error:
            raise CommandError(explain(error, operation=OPERATIONS.get(action))) from error

    # --- actions ---------------------------------------------------------------------------
    def do_add(self, **options: object) -> None:
        account = self._account(options)
        credentials = twitter_account_credentials(account) if account else self._owner()
        self._check_room(credentials, who=f"@{account.screen_name}" if account else "the app owner's account")
        if account is None:
            created = twitter_client().subscription_add(credentials)
            outcome = "subscribed" if created else "was already subscribed (that is fine)"
            self.stdout.write(self.style.SUCCESS(f"The app owner's account {outcome}."))
            return
        twitter_account_subscribe(account=account)
        if account.subscription_state != TwitterAccount.SubscriptionState.SUBSCRIBED:
            raise CommandError(f"@{account.screen_name}: {account.subscription_error}")
        self.stdout.write(self.style.SUCCESS(f"@{account.screen_name} ({account.brand.slug}) is subscribed."))

    def do_check(self, **options: object) -> None:
        account = self._account(options)
        credentials = twitter_account_credentials(account) if account else self._owner()
        who = f"@{account.screen_name}" if account else "The app owner's account"
        if twitter_client().subscription_check(credentials):
            self.stdout.write(self.style.SUCCESS(f"{who} is subscribed."))
        else:
            raise CommandError(f"{who} is not subscribed; run `manage.py twitter_subscription add`.")

    def do_list(self, **options: object) -> None:
        user_ids = twitter_client().subscriptions_list()
        if not user_ids:
            self.stdout.write("No account is subscribed to this app's webhook.")
            return
        known = twitter_accounts_by_user_id(twitter_user_ids=user_ids)
        for user_id in user_ids:
            account = known.get(user_id)
            label = f"@{account.screen_name} (brand {account.brand.slug})" if account else "not connected to any brand"
            self.stdout.write(f"{user_id}  {label}")

    def do_count(self, **options: object) -> None:
        count = twitter_client().subscriptions_count()
        self.stdout.write(f"{count.subscriptions} of {count.provisioned} subscriptions used, {count.remaining} left.")

    def do_remove(self, *, user_id: str | None = None, **options: object) -> None:
        account = self._account(options)
        if account is None and not user_id:
            raise CommandError("give the Twitter user id to remove, or --account")
        user_id = account.twitter_user_id if account else str(user_id)
        try:
            twitter_client().subscription_remove(user_id)
            said = f"{user_id} is no longer subscribed; its events stop arriving."
        except NotFound:
            # Not subscribed: what was asked already holds (as disconnecting reads it); Roost's
            # record must say so too.
            said = f"{user_id} was not subscribed to the app's webhook, so there was nothing to remove."
        account = account or twitter_accounts_by_user_id(twitter_user_ids=[user_id]).get(user_id)
        if account is not None:
            twitter_account_record_unsubscribed(account=account)
        self.stdout.write(self.style.SUCCESS(said))

    # --- helpers ---------------------------------------------------------------------------
    def _check_room(self, credentials: UserCredentials, *, who: str) -> None:
        """Refuse before asking when subscriptions/count shows no room (twitter-api.md §3.2, §13.11),
        unless the account already has its subscription (adding it again is fine)."""
        client = twitter_client()
        count = client.subscriptions_count()
        if not count.provisioned or count.remaining > 0 or client.subscription_check(credentials):
            return
        raise CommandError(
            f"The app's subscription limit is reached: all {count.provisioned} of its subscriptions are in use, "
            f"so {who} cannot be subscribed. {SUBSCRIPTION_ROOM_ADVICE}"
        )

    def _account(self, options: dict) -> TwitterAccount | None:
        screen_name = options.get("account")
        if not screen_name:
            return None
        brand = None
        if options.get("brand"):
            brand = brand_get_by_slug(slug=str(options["brand"]))
            if brand is None:
                raise CommandError(f"no brand with the slug {options['brand']!r}")
        account = twitter_account_for_operator(screen_name=str(screen_name), brand=brand)
        if account is None:
            raise CommandError(
                f"no connected account @{str(screen_name).lstrip('@')}; run connect_twitter_account first"
            )
        return account

    def _owner(self) -> UserCredentials:
        client = twitter_client()
        if not (client.owner.token and client.owner.secret):
            raise CommandError(
                "no --account given and TWITTER_ACCESS_TOKEN / TWITTER_ACCESS_TOKEN_SECRET are not set; "
                "name a connected account with --account"
            )
        return client.owner
