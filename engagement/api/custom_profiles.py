"""``/custom-profiles``: the names and avatars replies can be sent as."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from accounts.models import Role
from accounts.selectors import twitter_account_get
from engagement.api.auth import brand_of, token_of, user_of
from engagement.api.errors import ApiError, field_error
from engagement.api.schemas import CustomProfileFilters, CustomProfileList, CustomProfileOut, error_responses
from engagement.selectors import custom_profiles_list
from engagement.services.custom_profiles import custom_profile_create

router = Router(tags=["custom profiles"])


@router.get(
    "",
    response={200: CustomProfileList, **error_responses(400)},
    summary="List custom profiles",
)
def custom_profiles(request: HttpRequest, filters: Query[CustomProfileFilters]) -> dict[str, Any]:
    """Every profile of the brand, by name; only ``synced`` ones can be used in a reply."""
    profiles = custom_profiles_list(brand=brand_of(request))
    if filters.account is not None:
        # Like the conversation filters: an id that is not one of the brand's accounts matches nothing.
        profiles = profiles.filter(account__public_id=filters.account)
    return {"results": list(profiles), "next": None}


@router.post(
    "",
    response={201: CustomProfileOut, **error_responses(400, 403)},
    summary="Create a custom profile",
)
def custom_profile_add(
    request: HttpRequest,
    account_id: Form[str],
    name: Form[str],
    avatar: File[UploadedFile],
) -> Status[Any]:
    """Owners and admins only, as in the admin. A name (48 characters at most) and an avatar
    image for one of the brand's accounts. Answers ``pending``: it syncs to Twitter in the
    background, and becomes usable in replies once ``synced`` (``sync_error`` says why not)."""
    membership = token_of(request).membership
    if not membership.has_role(Role.ADMIN):
        raise ApiError("Only owners and admins manage custom profiles.", status=403)
    try:
        account = twitter_account_get(brand=brand_of(request), account_id=account_id)
    except Http404:
        raise field_error("account_id", "not one of this brand's accounts") from None
    profile = custom_profile_create(account=account, name=name.strip(), avatar=avatar, actor=user_of(request))
    return Status(201, profile)
