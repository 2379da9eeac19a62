"""What every part of the v2 client shares: the v1.1 client's settings and three kinds of auth
(OAuth 1.0a user context and the bearer token work the same on v2), plus ``data`` unwrapping."""

from __future__ import annotations

from typing import Any

import requests
from requests.auth import HTTPBasicAuth

from integrations.twitter.errors import AuthenticationFailed, TwitterError
from integrations.twitter.types import UserCredentials
from integrations.twitter.v1.base import ClientBase


class V2Base(ClientBase):
    api_version = "2"

    def as_user(self, user: UserCredentials, method: str, path: str, **kwargs: Any) -> requests.Response:
        """v2 answers a revoked user token and a bad app key alike, with a bare 401 and no code.
        Only the first means "reconnect this account", so on a 401 ask whether the app's own
        keys still work (``oauth2/token``, signed with them alone): if they do, it was the token."""
        try:
            return super().as_user(user, method, path, **kwargs)
        except AuthenticationFailed as error:
            if error.status != 401 or not self._app_keys_accepted():
                raise
            raise AuthenticationFailed(
                error.message,
                token_rejected=True,
                status=401,
                rate_limit=error.rate_limit,
            ) from error

    def _app_keys_accepted(self) -> bool:
        try:
            self.http.request(
                "POST",
                self.url("oauth2/token"),
                form={"grant_type": "client_credentials"},
                auth=HTTPBasicAuth(self.consumer_key, self.consumer_secret),  # type: ignore[arg-type]
            )
        except TwitterError:
            return False
        return True

    def data(self, response: requests.Response) -> Any:
        """v2 answers ``{"data": ...}``; a 200 may still carry ``errors`` for parts it skipped."""
        body = self.json(response)
        if not isinstance(body, dict) or "data" not in body:
            raise TwitterError(f"Twitter answered without data (HTTP {response.status_code})")
        return body["data"]
