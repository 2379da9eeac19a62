"""What every part of the v1.1 client shares: settings, URLs, the three kinds of auth."""

from __future__ import annotations

import threading
from typing import Any

import requests
from django.conf import settings
from requests.auth import HTTPBasicAuth

from integrations.twitter.errors import TwitterError
from integrations.twitter.http import TwitterHttp
from integrations.twitter.types import UserCredentials


class ClientBase:
    api_version = "1.1"
    _bearer_lock = threading.Lock()
    _fetched_bearer: dict[tuple[str, str], str] = {}

    def __init__(
        self,
        *,
        api_url: str | None = None,
        upload_url: str | None = None,
        consumer_key: str | None = None,
        consumer_secret: str | None = None,
        bearer_token: str | None = None,
        owner: UserCredentials | None = None,
        env_name: str | None = None,
    ) -> None:
        # Read at construction, not import: hosts and credentials come only from settings.
        self.api_url = (api_url or settings.TWITTER_API_URL).rstrip("/")
        self.upload_url = (upload_url or settings.TWITTER_UPLOAD_URL).rstrip("/")
        self.consumer_key = consumer_key or settings.TWITTER_CONSUMER_KEY
        self.consumer_secret = consumer_secret or settings.TWITTER_CONSUMER_SECRET
        self._bearer_token = bearer_token if bearer_token is not None else settings.TWITTER_BEARER_TOKEN
        self.owner = owner or UserCredentials(settings.TWITTER_ACCESS_TOKEN, settings.TWITTER_ACCESS_TOKEN_SECRET)
        self.env_name = env_name or settings.TWITTER_ENV_NAME
        self.http = TwitterHttp(consumer_key=self.consumer_key, consumer_secret=self.consumer_secret)

    def url(self, path: str) -> str:
        return f"{self.api_url}/{path.lstrip('/')}"

    def upload(self, path: str) -> str:
        return f"{self.upload_url}/{path.lstrip('/')}"

    # --- the three kinds of auth ----------------------------------------------------------
    def as_user(self, user: UserCredentials, method: str, path: str, **kwargs: Any) -> requests.Response:
        if not (user.token and user.secret):
            raise TwitterError("this account has no stored token; it must be connected again")
        return self.http.request(method, self.url(path), auth=self.http.oauth1(user), **kwargs)

    def as_owner(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """The app owner's own tokens: what v1.1 needs to register and delete the webhook."""
        if not (self.owner.token and self.owner.secret):
            raise TwitterError(
                "TWITTER_ACCESS_TOKEN and TWITTER_ACCESS_TOKEN_SECRET (the app owner's tokens) are not set"
            )
        return self.as_user(self.owner, method, path, **kwargs)

    def as_app(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.http.request(method, self.url(path), bearer=self.bearer_token(), **kwargs)

    def bearer_token(self) -> str:
        """TWITTER_BEARER_TOKEN, or the app's token fetched once from oauth2/token and cached
        (asking often gets code 99, twitter-api.md §2.1)."""
        if self._bearer_token:
            return self._bearer_token
        key = (self.api_url, self.consumer_key)
        with self._bearer_lock:
            if key not in self._fetched_bearer:
                response = self.http.request(
                    "POST",
                    self.url("oauth2/token"),
                    form={"grant_type": "client_credentials"},
                    auth=HTTPBasicAuth(self.consumer_key, self.consumer_secret),  # type: ignore[arg-type]
                )
                self._fetched_bearer[key] = response.json()["access_token"]
            return self._fetched_bearer[key]

    @staticmethod
    def json(response: requests.Response) -> Any:
        if response.status_code == 204 or not response.content:
            return {}
        try:
            return response.json()
        except ValueError as error:
            raise TwitterError(
                f"Twitter answered with something that is not JSON (HTTP {response.status_code})"
            ) from error
