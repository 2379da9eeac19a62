from __future__ import annotations

from typing import Any

from allauth.account.utils import get_request_param
from allauth.socialaccount.providers.base import AuthAction, AuthProcess
from allauth.socialaccount.providers.twitter.provider import TwitterProvider as AllauthTwitterProvider
from django.http import HttpRequest

from accounts.twitter_provider.views import TwitterOAuthAdapter, twitter_api_url

# Settings → Connect sends connect_to=brand; allauth's own "connections" page (linking Twitter
# as a way to sign in) does not.
BRAND_CONNECT_PARAM = "connect_to"
# What a person's SocialAccount keeps from Twitter: their public profile, nothing else.
PROFILE_FIELDS = ("id_str", "screen_name", "name", "profile_image_url_https", "description", "url")


class TwitterProvider(AllauthTwitterProvider):
    id = "twitter"
    name = "Twitter"
    oauth_adapter_class = TwitterOAuthAdapter

    def get_auth_url(self, request: HttpRequest, action: str) -> str:
        # oauth/authorize always asks (Connect, Reconnect: pick the brand's account);
        # oauth/authenticate lets someone who already authorised Roost straight back in.
        endpoint = "authorize" if action == AuthAction.REAUTHENTICATE else "authenticate"
        return f"{twitter_api_url()}/oauth/{endpoint}"

    def get_redirect_from_request_kwargs(self, request: HttpRequest) -> dict[str, Any]:
        kwargs = super().get_redirect_from_request_kwargs(request)
        brand = getattr(request, "brand", None)
        wants_brand = get_request_param(request, BRAND_CONNECT_PARAM) == "brand"
        if kwargs.get("process") == AuthProcess.CONNECT and wants_brand and brand is not None:
            # Connecting makes the account the brand's (not the person's login), and for the
            # brand they were in when they started, even if they switch brands in another tab.
            kwargs["data"] = {"brand": str(brand.public_id)}
        return kwargs

    def extract_uid(self, data: dict[str, Any]) -> str:
        return str(data.get("id_str") or data["id"])

    def extract_extra_data(self, data: dict[str, Any]) -> dict[str, Any]:
        return {field: data[field] for field in PROFILE_FIELDS if data.get(field) not in (None, "")}

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        # No email: Twitter shares one only with special permission, and a person who signs
        # in with Twitter is identified by the Twitter account.
        return {"username": data.get("screen_name"), "name": data.get("name")}


provider_classes = [TwitterProvider]
