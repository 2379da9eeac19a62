"""allauth's OAuth 1.0a dance over Roost's one seam to Twitter (``integrations.twitter``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.socialaccount.providers.oauth.client import OAuthClient, OAuthError, get_token_prefix
from allauth.socialaccount.providers.oauth.views import OAuthCallbackView, OAuthLoginView
from allauth.socialaccount.providers.twitter.views import TwitterOAuthAdapter as AllauthTwitterOAuthAdapter
from allauth.utils import build_absolute_uri, get_request_param
from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect

from integrations.twitter import TwitterClient, TwitterError, UserCredentials, twitter_client
from integrations.twitter.explain import explain
from integrations.twitter.types import RequestToken


def twitter_api_url() -> str:
    """Read per request, never at import: tests and deployments point it elsewhere."""
    return settings.TWITTER_API_URL.rstrip("/")


def signin_client(consumer_key: str, consumer_secret: str) -> TwitterClient:
    """The Twitter client with the app credentials allauth holds (SOCIALACCOUNT_PROVIDERS)."""
    return twitter_client(consumer_key=consumer_key, consumer_secret=consumer_secret)


class TwitterOAuthClient(OAuthClient):
    """The three legs (twitter-api.md §2.4) through ``integrations.twitter``.

    Unlike allauth's client it never writes the user's access token to the session: the
    token goes from Twitter's answer to the adapter, which encrypts it into a TwitterAccount.
    """

    @property
    def _request_token_key(self) -> str:
        return f"oauth_{get_token_prefix(self.request_token_url)}_request_token"

    def _get_request_token(self) -> dict[str, str]:
        if self.request_token is None:
            callback = build_absolute_uri(self.request, self.callback_url)
            try:
                token = signin_client(self.consumer_key, self.consumer_secret).request_token(callback_url=callback)
            except TwitterError as error:
                raise OAuthError(explain(error)) from error
            self.request_token = {"oauth_token": token.token, "oauth_token_secret": token.secret}
            self.request.session[self._request_token_key] = self.request_token
        return self.request_token

    def get_access_token(self) -> dict[str, str]:
        if self.access_token is None:
            request_token = self._get_rt_from_session()
            # A request token is good for one sign-in: a replayed callback finds nothing.
            self.request.session.pop(self._request_token_key, None)
            returned = get_request_param(self.request, "oauth_token")
            verifier = get_request_param(self.request, "oauth_verifier")
            if not verifier or returned != request_token["oauth_token"]:
                raise OAuthError("Twitter's answer does not belong to this sign-in. Please sign in again.")
            try:
                access = signin_client(self.consumer_key, self.consumer_secret).access_token(
                    request_token=RequestToken(request_token["oauth_token"], request_token["oauth_token_secret"], True),
                    verifier=verifier,
                )
            except TwitterError as error:
                raise OAuthError(explain(error)) from error
            self.access_token = {
                "oauth_token": access.token,
                "oauth_token_secret": access.secret,
                "user_id": access.user_id,
                "screen_name": access.screen_name,
            }
        return self.access_token

    def get_redirect(self, authorization_url: str, extra_params: dict[str, Any]) -> HttpResponseRedirect:
        # Twitter's authorise step takes the request token only (the callback went with it).
        params = {"oauth_token": self._get_request_token()["oauth_token"], **extra_params}
        return HttpResponseRedirect(f"{authorization_url}?{urlencode(params)}")


class TwitterOAuthAdapter(AllauthTwitterOAuthAdapter):
    client_class = TwitterOAuthClient

    @property
    def request_token_url(self) -> str:  # type: ignore[override]
        return f"{twitter_api_url()}/oauth/request_token"

    @property
    def access_token_url(self) -> str:  # type: ignore[override]
        return f"{twitter_api_url()}/oauth/access_token"

    @property
    def authorize_url(self) -> str:  # type: ignore[override]
        return f"{twitter_api_url()}/oauth/authenticate"

    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any) -> Any:
        try:
            client = signin_client(app.client_id, app.secret)
            user = client.verify_credentials(UserCredentials(token.token, token.token_secret))
        except TwitterError as error:
            raise OAuthError(explain(error)) from error
        return self.get_provider().sociallogin_from_response(request, user.raw)


oauth_login = OAuthLoginView.adapter_view(TwitterOAuthAdapter)
oauth_callback = OAuthCallbackView.adapter_view(TwitterOAuthAdapter)
