"""What every part of the v2 client shares: the v1.1 client's settings and three kinds of auth
(OAuth 1.0a user context and the bearer token work the same on v2), plus ``data`` unwrapping."""

from __future__ import annotations

from typing import Any

import requests

from integrations.twitter.errors import TwitterError
from integrations.twitter.v1.base import ClientBase


class V2Base(ClientBase):
    api_version = "2"

    def data(self, response: requests.Response) -> Any:
        """v2 answers ``{"data": ...}``; a 200 may still carry ``errors`` for parts it skipped."""
        body = self.json(response)
        if not isinstance(body, dict) or "data" not in body:
            raise TwitterError(f"Twitter answered without data (HTTP {response.status_code})")
        return body["data"]
