from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from accounts.models import Role
from accounts.selectors import brand_get_by_slug, user_for_email
from accounts.services import BrandError, InvitationError, audit_record, brand_create, invitation_create


class Command(BaseCommand):
    help = (
        "Create a brand. With --owner EMAIL, that person owns it: at once if they have a Roost account, "
        "otherwise through an owner invitation whose link is printed (and emailed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="short name used in commands and logs: lowercase letters, digits, hyphens")
        parser.add_argument("--name", required=True, help="the brand's display name")
        parser.add_argument("--owner", metavar="EMAIL", help="the owner's email address")

    def handle(self, *args: object, slug: str, name: str, owner: str | None, **options: object) -> None:
        if slugify(slug) != slug or len(slug) > 50:
            raise CommandError(
                f"'{slug}' is not a valid slug: use at most 50 lowercase letters, digits and hyphens "
                f"(for example '{slugify(slug)[:50] or 'acme'}')."
            )
        if brand_get_by_slug(slug=slug) is not None:
            raise CommandError(f"A brand with the slug '{slug}' already exists.")
        if not name.strip():
            raise CommandError("--name cannot be empty.")
        person = None
        if owner:
            try:
                validate_email(owner)
            except ValidationError:
                raise CommandError(f"--owner '{owner}' is not an email address.") from None
            person = user_for_email(email=owner)
        try:
            with transaction.atomic():
                brand = brand_create(name=name, slug=slug, owner=person)
                audit_record(
                    brand=brand,
                    actor=None,
                    action="brand.created",
                    target=brand,
                    summary=f"{brand.name} created by an operator",
                )
                issued = None
                if owner and person is None:
                    issued = invitation_create(actor=None, brand=brand, email=owner, role=Role.OWNER)
        except (BrandError, InvitationError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Created brand {brand.name} ({brand.slug})."))
        if person is not None:
            self.stdout.write(f"Owner: {person.email}")
        elif issued is not None:
            sent = "emailed to" if issued.emailed else "could not be emailed to"
            self.stdout.write(f"{owner} has no Roost account yet: an owner invitation was {sent} them.")
            self.stdout.write(
                f"Invitation link (works once, for {issued.invitation.expires_at:%Y-%m-%d %H:%M} UTC at the latest):"
            )
            self.stdout.write(issued.url)
        else:
            self.stdout.write("It has no owner yet: invite one with --owner, or from the Django admin.")
