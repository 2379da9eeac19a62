"""Media upload on X API v2: ``POST /2/media/upload`` with the same INIT/APPEND/FINALIZE/STATUS
commands (twitter-api.md §12.5), on the API host rather than the upload host. Answers are
``{"data": {"id", ...}}``; they are read into v1.1's shape so the chunking and the wait for
processing are shared. Downloading DM media is the same signed GET as on v1.1."""

from __future__ import annotations

from typing import Any

from integrations.twitter.types import UserCredentials
from integrations.twitter.v1.media import MediaMixin
from integrations.twitter.v2.base import V2Base


class MediaV2Mixin(MediaMixin, V2Base):
    def _media_result(self, response: Any) -> dict[str, Any]:
        body = self.json(response)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            return {}  # APPEND answers with no body
        result = {key: value for key, value in data.items() if key != "id"}
        result["media_id_string"] = str(data.get("id", ""))
        return result

    def _upload(self, user: UserCredentials, method: str, **kwargs: Any) -> Any:
        return self.http.request(
            method, self.url("2/media/upload"), auth=self.http.oauth1(user), read_timeout=60, **kwargs
        )
