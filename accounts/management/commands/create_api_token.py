from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.selectors import brand_get_by_slug, membership_for_email, membership_owners
from accounts.services import ApiTokenError, api_token_create


class Command(BaseCommand):
    help = (
        "Create a REST API token for a brand, acting as one of its members (the first owner by default). "
        "The token is printed alone on the last line, once; only its hash is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the brand's slug")
        parser.add_argument("--name", default="Created with manage.py", help="what will use the token")
        parser.add_argument("--member", metavar="EMAIL", help="the member it acts as (default: the first owner)")

    def handle(self, *args: object, slug: str, name: str, member: str | None, **options: object) -> None:
        brand = brand_get_by_slug(slug=slug)
        if brand is None:
            raise CommandError(f"No brand has the slug '{slug}'.")
        if member:
            membership = membership_for_email(brand=brand, email=member)
            if membership is None:
                raise CommandError(f"{member} is not a member of {brand.name}; invite them first.")
        else:
            membership = membership_owners(brand=brand).first()
            if membership is None:
                raise CommandError(f"{brand.name} has no owner; choose the member with --member EMAIL.")
        try:
            issued = api_token_create(membership=membership, name=name)
        except ApiTokenError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"API token '{issued.token.name}' for {brand.name}, acting as {membership.user} "
            f"({membership.get_role_display().lower()}). It is shown once; store it now:"
        )
        self.stdout.write(issued.secret)
