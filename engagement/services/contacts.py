"""Contacts: customers as Twitter describes them, kept up to date from every event."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.models import Brand
from config.compiled import CompiledQuery
from engagement.models import Contact
from webhooks.parsing import Profile

PROFILE_FIELDS = (
    "screen_name",
    "name",
    "avatar_url",
    "description",
    "location",
    "url",
    "protected",
    "verified",
    "followers_count",
)


# Looked up for every customer message (config/compiled.py).
_CONTACT = CompiledQuery(
    Contact,
    lambda brand_id, twitter_user_id: Contact.objects.filter(brand_id=brand_id, twitter_user_id=twitter_user_id),
    brand_id=int,
    twitter_user_id=str,
)


def contact_upsert(*, brand: Brand, profile: Profile) -> Contact:
    """The brand's contact for this Twitter user, created or refreshed from ``profile``."""
    return contact_record(brand=brand, profile=profile)[0]


def contact_record(*, brand: Brand, profile: Profile) -> tuple[Contact, bool]:
    """``contact_upsert``, telling whether the contact is new (so it has no conversations)."""
    values = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    values["twitter_created_at"] = profile.created_at
    contact = _CONTACT.first_object(brand_id=brand.pk, twitter_user_id=profile.id)
    if contact is None:
        try:
            with transaction.atomic():
                return Contact.objects.create(brand=brand, twitter_user_id=profile.id, **values), True
        except IntegrityError:
            # Another worker recorded the same new person a moment ago.
            contact = Contact.objects.get(brand=brand, twitter_user_id=profile.id)
    changed = [
        name
        for name, value in values.items()
        # An event without a profile (an id only) never blanks what we know.
        if value not in ("", None) and getattr(contact, name) != value
    ]
    if changed:
        for name in changed:
            setattr(contact, name, values[name])
        contact.save(update_fields=[*changed, "updated_at"])
    return contact, False


def contact_record_relationship(*, contact: Contact, kind: str) -> Contact:
    """follow/unfollow of the brand, or the brand's block/unblock and mute/unmute of them."""
    field, value = {
        "follow": ("follows_brand", True),
        "unfollow": ("follows_brand", False),
        "block": ("blocked_by_brand", True),
        "unblock": ("blocked_by_brand", False),
        "mute": ("muted_by_brand", True),
        "unmute": ("muted_by_brand", False),
    }[kind]
    if getattr(contact, field) != value:
        setattr(contact, field, value)
        contact.save(update_fields=[field, "updated_at"])
    return contact


def contact_record_favourite(*, contact: Contact, at: datetime | None) -> Contact:
    if at and (contact.last_favourite_at is None or at > contact.last_favourite_at):
        contact.last_favourite_at = at
        contact.save(update_fields=["last_favourite_at", "updated_at"])
    return contact


def contact_record_blocked(*, contact: Contact, blocked: bool) -> Contact:
    if contact.blocked_by_brand != blocked:
        contact.blocked_by_brand = blocked
        contact.save(update_fields=["blocked_by_brand", "updated_at"])
    return contact
