"""Brands, memberships, the audit log and token-key rotation."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models import Value
from django.db.models.functions import Cast
from django.utils.text import slugify

from accounts.encryption import EncryptedTextField, reencrypt_token
from accounts.models import AuditEvent, Brand, Membership, Role, User

logger = logging.getLogger(__name__)


class BrandError(Exception):
    """A brand could not be created or changed; the message says why."""


def brand_create(*, name: str, slug: str | None = None, owner: User | None = None) -> Brand:
    """Create a brand and, when given, make ``owner`` its owner."""
    name = name.strip()
    if not name:
        raise BrandError("a brand needs a name")
    slug = slugify(slug or name)[:50]
    if not slug:
        raise BrandError(f"cannot make a slug from {name!r}; give one with letters or digits")
    try:
        with transaction.atomic():
            brand = Brand.objects.create(name=name[:100], slug=slug)
            if owner is not None:
                Membership.objects.create(brand=brand, user=owner, role=Role.OWNER)
    except IntegrityError:
        raise BrandError(f"a brand with the slug {slug!r} already exists") from None
    logger.info("brand created", extra={"brand": brand.slug})
    return brand


def brand_unique_slug(*, name: str) -> str:
    """A slug for ``name`` that no brand uses yet (acme, acme-2, acme-3, ...)."""
    base = slugify(name)[:40] or "brand"
    slug, counter = base, 1
    while Brand.objects.filter(slug=slug).exists():
        counter += 1
        slug = f"{base}-{counter}"
    return slug


def membership_ensure(*, brand: Brand, user: User, role: str) -> Membership:
    """Make ``user`` a member with at least ``role`` (never demotes)."""
    membership, created = Membership.objects.get_or_create(brand=brand, user=user, defaults={"role": role})
    if not created and not membership.has_role(role):
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def audit_record(
    *,
    brand: Brand,
    actor: User | None,
    action: str,
    summary: str,
    target: models.Model | None = None,
    data: dict | None = None,
) -> AuditEvent:
    target_id = getattr(target, "public_id", None) or getattr(target, "pk", "")
    return AuditEvent.objects.create(
        brand=brand,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        summary=summary[:300],
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target_id or ""),
        data=data or {},
    )


@dataclass(frozen=True)
class RotationResult:
    model: str
    field: str
    rows: int


def _encrypted_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def token_keys_rotate() -> list[RotationResult]:
    """Re-encrypt every stored token with the first key of TOKEN_ENCRYPTION_KEYS.

    Works on the ciphertext directly, so plaintext tokens never pass through here. It is all
    or nothing: a value no key can decrypt raises ``TokenDecryptionError`` and nothing changes.
    """
    results = []
    with transaction.atomic():
        for model, field in _encrypted_fields():
            manager = model._base_manager
            rows = manager.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True})
            # Cast to a plain TextField so the stored ciphertext comes back undecrypted.
            raw_values = rows.annotate(ciphertext=Cast(field, models.TextField())).values_list("pk", "ciphertext")
            count = 0
            for pk, ciphertext in raw_values.order_by("pk").iterator():
                rotated = reencrypt_token(ciphertext)
                manager.filter(pk=pk).update(**{field: Value(rotated, output_field=models.TextField())})
                count += 1
            results.append(RotationResult(model=model._meta.label, field=field, rows=count))
    return results
