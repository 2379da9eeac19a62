"""The client refuses media over its category's size limit before asking Twitter, and
uploads media exactly at it (twitter-api.md §9.2). HTTP is stubbed with ``responses``."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO
from urllib.parse import parse_qsl

import pytest
import responses

from integrations.twitter import InvalidRequest, TwitterValidationError, UserCredentials
from integrations.twitter.v1 import V11Client

UPLOAD = "https://upload.example.test"
USER = UserCredentials("1234-usertoken", "usersecret")


@pytest.fixture
def client() -> V11Client:
    return V11Client(
        api_url="https://api.example.test", upload_url=UPLOAD, consumer_key="consumerkey", consumer_secret="secret"
    )


@contextmanager
def sized_file(size: int) -> Iterator[IO[bytes]]:
    """A file of ``size`` bytes that takes no memory and (sparse) next to no disk."""
    with tempfile.TemporaryFile() as stream:
        stream.truncate(size)
        yield stream


# twitter-api.md §9.2: image 5 MB, animated GIF 15 MB, video 512 MB.
@pytest.mark.parametrize(
    ("category", "media_type", "limit_mb"),
    [("dm_image", "image/jpeg", 5), ("dm_gif", "image/gif", 15), ("dm_video", "video/mp4", 512)],
)
@responses.activate
def test_media_is_checked_against_its_categorys_size_limit(client, category, media_type, limit_mb):
    limit = limit_mb * 1024 * 1024
    with sized_file(limit + 1) as over, pytest.raises(TwitterValidationError, match=f"at most {limit_mb} MB"):
        client.media_upload(USER, content=over, media_type=media_type, category=category)
    assert not responses.calls  # refused before asking Twitter

    # At the limit the upload starts: INIT announces every byte (stopped there by a refusal).
    responses.post(f"{UPLOAD}/1.1/media/upload.json", status=400, json={"errors": [{"code": 324, "message": "x"}]})
    with sized_file(limit) as exactly, pytest.raises(InvalidRequest):
        client.media_upload(USER, content=exactly, media_type=media_type, category=category)
    init = dict(parse_qsl(responses.calls[0].request.body.decode()))
    assert (init["command"], init["total_bytes"], init["media_category"]) == ("INIT", str(limit), category)
