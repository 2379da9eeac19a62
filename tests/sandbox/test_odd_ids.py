"""An id in a request that is not ASCII digits ("²" passes str.isdigit() but not int()) is
answered as an unknown or invalid id, never with a 500."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("method", "path", "params"),
    [
        ("GET", "direct_messages/events/show.json", {"id": "²"}),
        ("DELETE", "direct_messages/events/destroy.json", {"id": "²"}),
        ("GET", "custom_profiles/².json", {}),
        ("GET", "direct_messages/welcome_messages/show.json", {"id": "²"}),
        ("GET", "direct_messages/welcome_messages/rules/show.json", {"id": "²"}),
        ("GET", "media/upload.json", {"command": "STATUS", "media_id": "²"}),
        ("GET", "users/lookup.json", {"user_id": "²"}),
        ("GET", "direct_messages/events/list.json", {"cursor": "²"}),
    ],
)
@pytest.mark.parametrize("odd_id", ["²", "١٢"])
def test_a_unicode_digit_id_is_not_a_500(twitter, brand_auth, method, path, params, odd_id):
    params = {name: value.replace("²", odd_id) for name, value in params.items()}
    response = twitter.call(method, path.replace("²", odd_id), auth=brand_auth, params=params)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["errors"][0]["code"]
