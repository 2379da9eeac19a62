"""Sign in with Twitter: 3-legged OAuth 1.0a (twitter-api.md §2.4)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from integrations.twitter.errors import AuthenticationFailed, TwitterError
from integrations.twitter.types import AccessToken, RequestToken, TwitterUser, UserCredentials
from integrations.twitter.v1.base import ClientBase


def _form(text: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(text).items()}


class SignInMixin(ClientBase):
    def request_token(self, *, callback_url: str, access_type: str | None = None) -> RequestToken:
        params = {"x_auth_access_type": access_type} if access_type else None
        response = self.http.request(
            "POST", self.url("oauth/request_token"), auth=self.http.oauth1(callback_uri=callback_url), params=params
        )
        values = _form(response.text)
        if values.get("oauth_callback_confirmed") != "true" or "oauth_token" not in values:
            raise TwitterError("Twitter did not confirm the callback URL (is it listed in the app's settings?)")
        return RequestToken(values["oauth_token"], values["oauth_token_secret"], callback_confirmed=True)

    def authenticate_url(self, request_token: str, *, force_login: bool = False) -> str:
        """ "Sign in with Twitter": skips the prompt when the person already authorised the app."""
        query = {"oauth_token": request_token, **({"force_login": "true"} if force_login else {})}
        return f"{self.url('oauth/authenticate')}?{urlencode(query)}"

    def authorize_url(self, request_token: str) -> str:
        """Always shows the authorisation screen."""
        return f"{self.url('oauth/authorize')}?{urlencode({'oauth_token': request_token})}"

    def access_token(self, *, request_token: RequestToken, verifier: str) -> AccessToken:
        credentials = UserCredentials(request_token.token, request_token.secret)
        response = self.http.request(
            "POST", self.url("oauth/access_token"), auth=self.http.oauth1(credentials, verifier=verifier)
        )
        values = _form(response.text)
        if "oauth_token" not in values or "oauth_token_secret" not in values:
            raise AuthenticationFailed("Twitter did not return an access token")
        return AccessToken(
            values["oauth_token"],
            values["oauth_token_secret"],
            values.get("user_id", ""),
            values.get("screen_name", ""),
        )

    def verify_credentials(self, user: UserCredentials, *, include_email: bool = False) -> TwitterUser:
        params = {"include_email": "true", "skip_status": "true"} if include_email else {"skip_status": "true"}
        response = self.as_user(user, "GET", "1.1/account/verify_credentials.json", params=params)
        return TwitterUser.from_json(self.json(response), access_level=response.headers.get("x-access-level", ""))
