"""Reads about custom profiles and welcome messages. Every lookup by id takes the brand."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Brand, Membership, TwitterAccount
from accounts.selectors import _as_uuid
from engagement.models import CustomProfile, SyncState, WelcomeMessage
from integrations.twitter import wire_capabilities

TWITTER_COMPOSE_URL = "https://twitter.com/messages/compose"


# --- custom profiles -------------------------------------------------------------------------
def custom_profiles_list(*, brand: Brand, account: TwitterAccount | None = None) -> QuerySet[CustomProfile]:
    """Every profile of the brand (of ``account`` when given), whatever its sync state, by name."""
    profiles = CustomProfile.objects.filter(brand=brand).select_related("account")
    if account is not None:
        profiles = profiles.filter(account=account)
    return profiles.order_by("name")


def custom_profiles_usable(*, brand: Brand) -> QuerySet[CustomProfile]:
    """The brand's custom profiles that replies can use now: on Twitter and in sync or, on a
    wire without custom profiles (sent as a signature line), any not being deleted."""
    profiles = CustomProfile.objects.filter(brand=brand)
    if wire_capabilities().custom_profiles:
        profiles = profiles.filter(sync_state=SyncState.SYNCED, twitter_id__isnull=False)
    else:
        profiles = profiles.exclude(sync_state=SyncState.DELETING)
    return profiles.order_by("name")


def custom_profiles_for_account(*, brand: Brand, account: TwitterAccount) -> QuerySet[CustomProfile]:
    """What a reply from ``account`` may be sent as (its synced custom profiles), by name."""
    return custom_profiles_usable(brand=brand).filter(account=account)


def custom_profile_default_for(
    *, membership: Membership, account: TwitterAccount | None = None
) -> CustomProfile | None:
    """The profile to preselect when this member replies (from ``account``, when given): their
    default, while it is synced and still their brand's; otherwise none."""
    if membership.default_custom_profile_id is None:
        return None
    profiles = custom_profiles_usable(brand=membership.brand).filter(pk=membership.default_custom_profile_id)
    if account is not None:
        profiles = profiles.filter(account=account)
    return profiles.first()


def custom_profiles_choosable_as_default(
    *, brand: Brand | None, membership: Membership | None
) -> QuerySet[CustomProfile]:
    """What a member's default custom profile may be: their brand's synced profiles (plus the
    one they have, while it is being recreated on Twitter). None without a brand."""
    if brand is None:
        return CustomProfile.objects.none()
    chosen = Q(pk__in=custom_profiles_usable(brand=brand).values("pk"))
    if membership is not None and membership.default_custom_profile_id:
        chosen |= Q(pk=membership.default_custom_profile_id, brand=brand)
    return CustomProfile.objects.filter(chosen).select_related("account").order_by("name")


def custom_profile_usable(*, brand: Brand, account: TwitterAccount, profile_id: object) -> CustomProfile:
    """A profile a reply from ``account`` may use, by public id (404 otherwise)."""
    return get_object_or_404(custom_profiles_for_account(brand=brand, account=account), public_id=_as_uuid(profile_id))


def custom_profile_get(*, brand: Brand, custom_profile_id: object) -> CustomProfile:
    return get_object_or_404(CustomProfile.objects.filter(brand=brand), public_id=_as_uuid(custom_profile_id))


# --- welcome messages ------------------------------------------------------------------------
def welcome_messages_list(*, brand: Brand, account: TwitterAccount | None = None) -> QuerySet[WelcomeMessage]:
    messages = WelcomeMessage.objects.filter(brand=brand).select_related("account")
    return messages.filter(account=account) if account is not None else messages


def welcome_message_get(*, brand: Brand, welcome_message_id: object) -> WelcomeMessage:
    return get_object_or_404(WelcomeMessage.objects.filter(brand=brand), public_id=_as_uuid(welcome_message_id))


def welcome_message_links(*, welcome_message: WelcomeMessage) -> dict[str, str]:
    """Deep links that open a DM with the account showing this welcome message (§6.7, §7):
    ``twitter``, and ``sandbox`` (the local Twitter, to try it) when the sandbox is on."""
    if not welcome_message.twitter_id:
        return {}
    query = urlencode(
        {"recipient_id": welcome_message.account.twitter_user_id, "welcome_message_id": welcome_message.twitter_id}
    )
    links = {"twitter": f"{TWITTER_COMPOSE_URL}?{query}"}
    if settings.SANDBOX_ENABLED and settings.PUBLIC_URL:
        links["sandbox"] = f"{settings.PUBLIC_URL.rstrip('/')}/sandbox/messages/compose?{query}"
    return links


# --- for operator commands (not brand-scoped requests) ---------------------------------------
def twitter_accounts_named(*, screen_name: str, brand: Brand | None = None) -> list[TwitterAccount]:
    """Connected (not disconnected) accounts with this screen name, in ``brand`` when given."""
    accounts = TwitterAccount.objects.exclude(state=TwitterAccount.State.DISCONNECTED).select_related("brand")
    if brand is not None:
        accounts = accounts.filter(brand=brand)
    return list(accounts.filter(screen_name__iexact=screen_name.strip().lstrip("@")).order_by("brand__slug"))
