"""Reads about brands, people and accounts. Every lookup by id takes the brand."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import ApiToken, AuditEvent, Brand, Invitation, Membership, Role, TwitterAccount, User
from accounts.tokens import token_hash, token_matches
from config.compiled import CompiledQuery


def _as_uuid(value: object) -> uuid.UUID:
    """Parse an id from a URL or payload; a malformed id is simply not found."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise Http404("No such object.") from None


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("brand").order_by("brand__name")


def membership_for_user(*, user: User, brand_public_id: str | None) -> Membership | None:
    """The membership a request acts through: the chosen brand if the user belongs to it,
    otherwise their first brand, otherwise none."""
    memberships = list(memberships_for_user(user=user))
    if brand_public_id:
        for membership in memberships:
            if str(membership.brand.public_id) == brand_public_id:
                return membership
    return memberships[0] if memberships else None


def membership_get(*, brand: Brand, membership_id: object) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(brand=brand).select_related("user"), public_id=_as_uuid(membership_id)
    )


def memberships_list(*, brand: Brand) -> QuerySet[Membership]:
    return Membership.objects.filter(brand=brand).select_related("user").order_by("user__email")


def brand_get_by_slug(*, slug: str) -> Brand | None:
    return Brand.objects.filter(slug=slug).first()


def twitter_accounts_list(*, brand: Brand, include_disconnected: bool = False) -> QuerySet[TwitterAccount]:
    accounts = TwitterAccount.objects.filter(brand=brand)
    if not include_disconnected:
        accounts = accounts.exclude(state=TwitterAccount.State.DISCONNECTED)
    return accounts.order_by("screen_name")


def twitter_account_get(*, brand: Brand, account_id: object) -> TwitterAccount:
    return get_object_or_404(TwitterAccount.objects.filter(brand=brand), public_id=_as_uuid(account_id))


def invitations_pending(*, brand: Brand) -> QuerySet[Invitation]:
    """Not yet used or withdrawn (expired ones included: the page says they expired)."""
    return Invitation.objects.filter(brand=brand, accepted_at__isnull=True, revoked_at__isnull=True).select_related(
        "invited_by"
    )


def api_tokens_list(*, brand: Brand) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(brand=brand).select_related("membership__user")


def audit_events_list(*, brand: Brand) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(brand=brand).select_related("actor")


def twitter_account_for_operator(*, screen_name: str, brand: Brand | None = None) -> TwitterAccount | None:
    """For operator commands (not brand-scoped requests): the live account with this screen name."""
    accounts = TwitterAccount.objects.exclude(state=TwitterAccount.State.DISCONNECTED).select_related("brand")
    if brand is not None:
        accounts = accounts.filter(brand=brand)
    return accounts.filter(screen_name__iexact=screen_name.lstrip("@")).first()


def twitter_accounts_by_user_id(*, twitter_user_ids: list[str]) -> dict[str, TwitterAccount]:
    """For operator commands: live accounts keyed by Twitter user id."""
    accounts = TwitterAccount.objects.filter(twitter_user_id__in=twitter_user_ids).exclude(
        state=TwitterAccount.State.DISCONNECTED
    )
    return {account.twitter_user_id: account for account in accounts.select_related("brand")}


def twitter_account_live_for_user_id(*, twitter_user_id: str) -> TwitterAccount | None:
    """For routing webhook events (not a brand-scoped request): the account, if any brand has it."""
    if not twitter_user_id:
        return None
    return _LIVE_FOR_USER_ID.first_object(twitter_user_id=twitter_user_id)


# Every batch of webhook events routes through it (config/compiled.py).
_LIVE_FOR_USER_ID = CompiledQuery(
    TwitterAccount,
    lambda twitter_user_id: (
        TwitterAccount.objects.exclude(state=TwitterAccount.State.DISCONNECTED)
        .select_related("brand")
        .filter(twitter_user_id=twitter_user_id)
        .order_by("pk")[:1]
    ),
    twitter_user_id=str,
)


def twitter_accounts_needing_attention(*, brand: Brand) -> QuerySet[TwitterAccount]:
    """What every page warns the brand's members about, in one query: accounts Twitter no
    longer accepts, and live accounts whose subscription failed (their DMs are not arriving)."""
    return TwitterAccount.objects.filter(
        Q(state=TwitterAccount.State.NEEDS_REAUTH)
        | Q(state=TwitterAccount.State.ACTIVE, subscription_state=TwitterAccount.SubscriptionState.FAILED),
        brand=brand,
    ).order_by("screen_name")


def membership_owners(*, brand: Brand) -> QuerySet[Membership]:
    return memberships_list(brand=brand).filter(role=Role.OWNER).order_by("created_at")


def membership_for_email(*, brand: Brand, email: str) -> Membership | None:
    return memberships_list(brand=brand).filter(user__email__iexact=email.strip()).first()


def invitation_get(*, brand: Brand, invitation_id: object) -> Invitation:
    return get_object_or_404(invitations_pending(brand=brand), public_id=_as_uuid(invitation_id))


def invitation_for_token(*, raw_token: str) -> Invitation | None:
    """The invitation a link names, whatever its state. Not brand-scoped: the unguessable
    token is the key, and only its hash is stored (accounts.tokens)."""
    invitation = (
        Invitation.objects.select_related("brand", "invited_by").filter(token_hash=token_hash(raw_token)).first()
    )
    if invitation is None or not token_matches(raw_token, invitation.token_hash):
        return None
    return invitation


def invitation_by_public_id(*, invitation_id: object) -> Invitation | None:
    """The invitation a person's session carries between its link and their sign-in."""
    try:
        return (
            Invitation.objects.select_related("brand", "invited_by").filter(public_id=_as_uuid(invitation_id)).first()
        )
    except Http404:
        return None


def api_token_get(*, brand: Brand, token_id: object) -> ApiToken:
    return get_object_or_404(api_tokens_list(brand=brand), public_id=_as_uuid(token_id))


def api_tokens_visible_to(*, brand: Brand, membership: Membership) -> QuerySet[ApiToken]:
    """Admins and owners see every token of the brand; others their own."""
    tokens = api_tokens_list(brand=brand).filter(revoked_at__isnull=True)
    if not membership.has_role(Role.ADMIN):
        tokens = tokens.filter(membership=membership)
    return tokens


def twitter_account_for_person(*, person: User, twitter_user_id: str) -> TwitterAccount | None:
    """The live account with this Twitter id in any of the person's brands (for sign-in)."""
    return (
        TwitterAccount.objects.select_related("brand")
        .filter(twitter_user_id=twitter_user_id, brand__memberships__user=person)
        .exclude(state=TwitterAccount.State.DISCONNECTED)
        .first()
    )


def user_for_email(*, email: str) -> User | None:
    """For operator commands: the person with this email (their verified address first)."""
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(email__iexact=email.strip()).order_by("-verified", "-primary").first()
    if address is not None:
        return address.user
    return User.objects.filter(email__iexact=email.strip()).order_by("date_joined").first()
