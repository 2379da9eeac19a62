"""What the engagement commands share: finding the account an operator names."""

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser, OutputWrapper
from django.core.management.color import Style

from accounts.models import TwitterAccount
from accounts.selectors import brand_get_by_slug
from engagement.selectors import twitter_accounts_named
from engagement.services.twitter_imports import ImportReport


def add_account_arguments(parser: CommandParser) -> None:
    parser.add_argument("--account", required=True, help="the connected account's screen name, e.g. @acme_help")
    parser.add_argument("--brand", help="the brand's slug, when the screen name is not enough")


def account_from_options(*, account: str, brand: str | None = None) -> TwitterAccount:
    chosen_brand = None
    if brand:
        chosen_brand = brand_get_by_slug(slug=brand)
        if chosen_brand is None:
            raise CommandError(f"there is no brand '{brand}' (see the brands in the admin, or create_brand)")
    screen_name = account.strip().lstrip("@")
    found = twitter_accounts_named(screen_name=screen_name, brand=chosen_brand)
    where = f" in brand '{chosen_brand.slug}'" if chosen_brand else ""
    if not found:
        raise CommandError(
            f"no connected account @{screen_name}{where}: connect it from the brand's settings, "
            "or with connect_twitter_account"
        )
    if len(found) > 1:
        slugs = ", ".join(account.brand.slug for account in found)
        raise CommandError(f"@{screen_name} is connected in more than one brand ({slugs}): add --brand SLUG")
    return found[0]


def write_report(
    stdout: OutputWrapper, style: Style, *, account: TwitterAccount, noun: str, report: ImportReport
) -> None:
    counts = f"{len(report.created)} new, {len(report.updated)} updated, {len(report.unchanged)} already up to date"
    stdout.write(style.SUCCESS(f"@{account.screen_name} (brand {account.brand.slug}): {counts} {noun}."))
    for name in report.created:
        stdout.write(f"  + {name}")
    for name in report.updated:
        stdout.write(f"  ~ {name}")
    if report.kept_local:
        names = ", ".join(f"“{name}”" for name in report.kept_local)
        stdout.write(f"Left as they are (changed here and waiting to sync): {names}.")
    for warning in report.warnings:
        stdout.write(style.WARNING(warning))
