"""Sandbox users, their tokens, follows and revoking the app."""

from __future__ import annotations

import re
import secrets
import string

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.text import is_ascii_digits, storable
from sandbox.conf import sandbox_setting
from sandbox.errors import TwitterError
from sandbox.models import SandboxAccessToken, SandboxFollow, SandboxSubscription, SandboxUser
from sandbox.models.accounts import AccessLevel

SCREEN_NAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_ALPHABET = string.ascii_letters + string.digits
OWNER_SCREEN_NAME = "roost_demo"
OWNER_NAME = "Roost Demo"


class SandboxInputError(ValueError):
    """Bad input to a sandbox service (not a Twitter API call): the message says what to fix."""


def random_string(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def app_owner_id() -> int:
    user_part = (settings.TWITTER_ACCESS_TOKEN or "").split("-", 1)[0]
    if not is_ascii_digits(user_part):
        raise ImproperlyConfigured(
            "TWITTER_ACCESS_TOKEN must look like Twitter's '<user_id>-<random>' for the sandbox to know the app "
            f"owner; got {settings.TWITTER_ACCESS_TOKEN!r}"
        )
    return int(user_part)


def sandbox_bootstrap() -> SandboxUser:
    """The app owner (``roost_demo``) and its access token from settings; idempotent."""
    owner_id = app_owner_id()
    owner = SandboxUser.objects.filter(pk=owner_id).first()
    if owner is None:
        screen_name = OWNER_SCREEN_NAME
        if SandboxUser.objects.filter(screen_name__iexact=screen_name).exists():
            screen_name = f"{OWNER_SCREEN_NAME}_{owner_id % 10000}"
        try:
            with transaction.atomic():
                owner = SandboxUser.objects.create(id=owner_id, screen_name=screen_name, name=OWNER_NAME)
        except IntegrityError:  # another request bootstrapped at the same moment
            owner = SandboxUser.objects.get(pk=owner_id)
    token = SandboxAccessToken.objects.filter(token=settings.TWITTER_ACCESS_TOKEN).first()
    if token is None:
        try:
            with transaction.atomic():
                SandboxAccessToken.objects.create(
                    user=owner,
                    token=settings.TWITTER_ACCESS_TOKEN,
                    secret=settings.TWITTER_ACCESS_TOKEN_SECRET,
                    access_level=sandbox_setting("SANDBOX_APP_ACCESS_LEVEL"),
                )
        except IntegrityError:
            pass
    elif token.secret != settings.TWITTER_ACCESS_TOKEN_SECRET and token.revoked_at is None:
        token.secret = settings.TWITTER_ACCESS_TOKEN_SECRET  # the environment changed the secret
        token.save(update_fields=["secret"])
    return owner


def sandbox_user_create(*, screen_name: str, name: str = "", **profile: object) -> SandboxUser:
    """A new sandbox Twitter account. ``profile``: description, location, url, protected,
    verified, accepts_dms_from_anyone."""
    screen_name = screen_name.strip().lstrip("@")
    if not SCREEN_NAME.match(screen_name):
        raise SandboxInputError("a screen name is 1 to 15 letters, digits or underscores")
    name = (name or screen_name).strip()[:50]
    if not storable([name, *profile.values()]):
        raise SandboxInputError("a name or profile field cannot contain NUL characters or unpaired surrogates")
    allowed = {"description", "location", "url", "protected", "verified", "accepts_dms_from_anyone", "id"}
    unknown = set(profile) - allowed
    if unknown:
        raise SandboxInputError(f"unknown profile fields: {', '.join(sorted(unknown))}")
    try:
        with transaction.atomic():
            return SandboxUser.objects.create(screen_name=screen_name, name=name, **profile)
    except IntegrityError:
        raise SandboxInputError(f"@{screen_name} is taken; choose another screen name") from None


def sandbox_token_issue(*, user: SandboxUser, access_level: str = AccessLevel.READ_WRITE_DMS) -> tuple[str, str]:
    """An access token for the app, as if ``user`` had signed in: ``(token, secret)``."""
    if access_level not in AccessLevel.values:
        raise SandboxInputError(f"access_level must be one of {', '.join(AccessLevel.values)}")
    token = SandboxAccessToken.objects.create(
        user=user,
        token=f"{user.id}-{random_string(31)}",
        secret=random_string(45),
        access_level=access_level,
    )
    return token.token, token.secret


def user_follow(*, source: SandboxUser, target: SandboxUser, follow: bool = True) -> bool:
    """Follow (or unfollow) and deliver ``follow_events``; False when nothing changed."""
    from sandbox.services.events import follow_event_publish

    if source.pk == target.pk:
        raise TwitterError(403, 158, "You can't follow yourself.")
    with transaction.atomic():
        if follow:
            _, changed = SandboxFollow.objects.get_or_create(source=source, target=target)
        else:
            changed = SandboxFollow.objects.filter(source=source, target=target).delete()[0] > 0
        if changed:
            follow_event_publish(source=source, target=target, follow=follow)
    return changed


def user_revoke_app(*, user: SandboxUser) -> int:
    """The user revokes the app: tokens stop working (89), subscriptions go, ``user_event``
    revoke is delivered (§5.9). Returns how many tokens were revoked."""
    from sandbox.services.events import revoke_event_publish

    with transaction.atomic():
        revoked = SandboxAccessToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        subscriptions = list(SandboxSubscription.objects.select_related("webhook").filter(user=user))
        revoke_event_publish(user=user, webhooks=[subscription.webhook for subscription in subscriptions])
        SandboxSubscription.objects.filter(pk__in=[subscription.pk for subscription in subscriptions]).delete()
    return revoked
