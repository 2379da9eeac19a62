"""The Twitter provider is ours: allauth's, with Twitter's host read from settings per request."""

from __future__ import annotations

import pytest
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers import registry
from allauth.socialaccount.providers.twitter.provider import TwitterProvider as AllauthTwitterProvider
from django.test import RequestFactory

from accounts.twitter_provider.provider import TwitterProvider
from accounts.twitter_provider.views import TwitterOAuthAdapter

pytestmark = pytest.mark.django_db  # allauth looks up SocialApp rows besides the settings


def test_the_twitter_provider_is_ours_and_keeps_allauths_id():
    assert registry.get_class("twitter") is TwitterProvider
    assert issubclass(TwitterProvider, AllauthTwitterProvider)


def test_every_sign_in_url_follows_twitter_api_url_at_request_time(settings):
    request = RequestFactory().get("/")
    settings.TWITTER_API_URL = "https://api.twitter.com"
    provider = get_adapter().get_provider(request, "twitter")
    adapter = TwitterOAuthAdapter(request)
    assert provider.get_auth_url(request, "authenticate") == "https://api.twitter.com/oauth/authenticate"
    assert adapter.request_token_url == "https://api.twitter.com/oauth/request_token"

    settings.TWITTER_API_URL = "http://127.0.0.1:8200/sandbox/api/"

    assert provider.get_auth_url(request, "reauthenticate") == "http://127.0.0.1:8200/sandbox/api/oauth/authorize"
    assert adapter.access_token_url == "http://127.0.0.1:8200/sandbox/api/oauth/access_token"
    assert adapter.authorize_url == "http://127.0.0.1:8200/sandbox/api/oauth/authenticate"


def test_the_app_credentials_come_from_socialaccount_providers(settings):
    app = get_adapter().get_app(RequestFactory().get("/"), provider="twitter")
    assert (app.client_id, app.secret) == (settings.TWITTER_CONSUMER_KEY, settings.TWITTER_CONSUMER_SECRET)


def test_a_persons_social_account_keeps_only_their_public_profile():
    provider = TwitterProvider(RequestFactory().get("/"), app=object())
    data = {"id": 12, "id_str": "12", "screen_name": "acme", "name": "Acme", "email": "x@y.z", "status": {"text": "hi"}}
    assert provider.extract_uid(data) == "12"
    assert provider.extract_extra_data(data) == {"id_str": "12", "screen_name": "acme", "name": "Acme"}
    assert "email" not in provider.extract_common_fields(data)
