"""Chunked media upload (twitter-api.md §9.2) and downloading DM media (§5.1: signed GETs)."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import IO, Any
from urllib.parse import urlsplit

from integrations.twitter.errors import InvalidRequest, NotPermitted, TwitterError
from integrations.twitter.types import DownloadedMedia, UploadedMedia, UserCredentials
from integrations.twitter.v1.base import ClientBase
from integrations.twitter.validation import validate_media

CHUNK_SIZE = 1024 * 1024  # ≤ 5 MB per APPEND; 1 MiB like tweepy
MAX_PROCESSING_WAIT_SECONDS = 120
# Where Twitter serves media. Roost only ever downloads from these (and from the configured
# API host, which is the sandbox in development): never from a URL a customer controls.
TWITTER_MEDIA_HOSTS = frozenset({"ton.twitter.com", "ton.x.com", "pbs.twimg.com", "video.twimg.com", "abs.twimg.com"})


class MediaMixin(ClientBase):
    def media_upload(
        self,
        user: UserCredentials,
        *,
        content: bytes | IO[bytes],
        media_type: str,
        category: str,
        shared: bool = False,
        progress: Callable[[], object] | None = None,
    ) -> UploadedMedia:
        """INIT, APPEND in chunks, FINALIZE, then poll STATUS until processing succeeds.

        ``shared`` lets one media id be reused in several DMs (required for welcome messages).
        ``progress`` is called after every request: an upload can outlast a caller's lease on
        its work, which it renews there (or stops the upload by raising).
        """
        step = progress or _nothing
        stream = io.BytesIO(content) if isinstance(content, bytes | bytearray) else content
        size = _size_of(stream)
        validate_media(size=size, media_type=media_type, category=category)
        init: dict[str, Any] = {
            "command": "INIT",
            "total_bytes": size,
            "media_type": media_type,
            "media_category": category,
        }
        if shared:
            init["shared"] = "true"
        media_id = self._media_result(self._upload(user, "POST", form=init))["media_id_string"]
        step()
        segment = 0
        while chunk := stream.read(CHUNK_SIZE):
            form = {"command": "APPEND", "media_id": media_id, "segment_index": segment}
            self._upload(user, "POST", form=form, files={"media": ("blob", chunk, "application/octet-stream")})
            step()
            segment += 1
        result = self._media_result(self._upload(user, "POST", form={"command": "FINALIZE", "media_id": media_id}))
        step()
        result = self._await_processing(user, media_id, result, step)
        return UploadedMedia(media_id=media_id, expires_after_secs=result.get("expires_after_secs"), raw=result)

    def media_status(self, user: UserCredentials, media_id: str) -> dict[str, Any]:
        return self._media_result(self._upload(user, "GET", params={"command": "STATUS", "media_id": media_id}))

    def media_download(self, user: UserCredentials, url: str, *, max_bytes: int = 512 * 1024 * 1024) -> DownloadedMedia:
        """Fetch a DM attachment with a signed GET as the subscribed account."""
        parts = urlsplit(url)
        api_host = urlsplit(self.api_url).netloc
        allowed = (parts.scheme == "https" and parts.hostname in TWITTER_MEDIA_HOSTS) or parts.netloc == api_host
        if not allowed:
            raise NotPermitted(f"refusing to download media from {parts.netloc or url!r}: not a Twitter media host")
        response = self.http.request("GET", url, auth=self.http.oauth1(user), read_timeout=60)
        content = response.content
        if len(content) > max_bytes:
            raise InvalidRequest(f"the media file is larger than {max_bytes} bytes")
        return DownloadedMedia(content=content, content_type=response.headers.get("Content-Type", ""))

    # --- internals -------------------------------------------------------------------------
    def _media_result(self, response: Any) -> dict[str, Any]:
        """The upload answer in v1.1's shape (``media_id_string``, ``processing_info``...)."""
        return self.json(response)

    def _upload(self, user: UserCredentials, method: str, **kwargs: Any) -> Any:
        return self.http.request(
            method, self.upload("1.1/media/upload.json"), auth=self.http.oauth1(user), read_timeout=60, **kwargs
        )

    def _await_processing(
        self, user: UserCredentials, media_id: str, result: dict[str, Any], step: Callable[[], object]
    ) -> dict[str, Any]:
        """Videos and GIFs are processed asynchronously; the id is usable once ``succeeded``."""
        deadline = time.monotonic() + MAX_PROCESSING_WAIT_SECONDS
        while (info := result.get("processing_info")) and info.get("state") in {"pending", "in_progress"}:
            if time.monotonic() > deadline:
                raise TwitterError(f"Twitter is still processing media {media_id}; try again later")
            time.sleep(min(max(float(info.get("check_after_secs") or 1), 0), 10))
            result = self.media_status(user, media_id)
            step()
        info = result.get("processing_info") or {}
        if info.get("state") == "failed":
            error = info.get("error") or {}
            raise InvalidRequest(
                f"Twitter could not process the media: {error.get('message') or error.get('name') or 'failed'}"
            )
        return result


def _nothing() -> None:
    return None


def _size_of(stream: IO[bytes]) -> int:
    position = stream.tell()
    stream.seek(0, io.SEEK_END)
    size = stream.tell() - position
    stream.seek(position)
    return size
