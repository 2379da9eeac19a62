"""Media upload (twitter-api.md §9): sizes, chunked upload with processing, DM rules, and
media served back only to signed participants."""

from __future__ import annotations

import pytest
import requests
import time_machine
from django.utils import timezone

from sandbox.services import sandbox_token_issue
from tests.sandbox.support import PNG_1x1

UPLOAD = "media/upload.json"
MB = 1024 * 1024


def upload_png(twitter, auth, **fields):
    data = {"media_category": "dm_image", **fields}
    response = twitter.call("POST", UPLOAD, auth=auth, files={"media": ("a.png", PNG_1x1, "image/png")}, data=data)
    assert response.status_code == 200, response.text
    return response.json()


def init(twitter, auth, total, media_type, category):
    return twitter.call(
        "POST",
        UPLOAD,
        auth=auth,
        data={"command": "INIT", "total_bytes": total, "media_type": media_type, "media_category": category},
    )


def send_with_media(twitter, auth, recipient, media_id, text="Look"):
    event = {
        "type": "message_create",
        "message_create": {
            "target": {"recipient_id": str(recipient.id)},
            "message_data": {"text": text, "attachment": {"type": "media", "media": {"id": media_id}}},
        },
    }
    return twitter.call("POST", "direct_messages/events/new.json", auth=auth, json={"event": event})


def test_a_simple_upload_answers_the_media_id(twitter, brand_auth):
    body = upload_png(twitter, brand_auth)
    assert body["media_id_string"] == str(body["media_id"])
    assert body["expires_after_secs"] == 86400
    assert body["image"] == {"image_type": "image/png", "w": 1, "h": 1}


@pytest.mark.parametrize(
    ("total", "media_type", "category", "accepted"),
    [
        (5 * MB, "image/jpeg", "dm_image", True),
        (5 * MB + 1, "image/jpeg", "dm_image", False),
        (15 * MB, "image/gif", "dm_gif", True),
        (15 * MB + 1, "image/gif", "dm_gif", False),
        (512 * MB, "video/mp4", "dm_video", True),
        (512 * MB + 1, "video/mp4", "dm_video", False),
        (100, "video/mp4", "dm_image", False),
        (100, "application/pdf", "dm_image", False),
    ],
)
def test_init_applies_the_size_limit_of_each_category(twitter, brand_auth, total, media_type, category, accepted):
    response = init(twitter, brand_auth, total, media_type, category)
    if accepted:
        assert response.status_code == 202, response.text
        assert set(response.json()) == {"media_id", "media_id_string", "expires_after_secs"}
    else:
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == 324


def test_a_simple_image_upload_over_5_mb_is_refused(twitter, brand_auth):
    big = PNG_1x1 + b"\0" * (5 * MB)
    response = twitter.call(
        "POST",
        UPLOAD,
        auth=brand_auth,
        files={"media": ("big.png", big, "image/png")},
        data={"media_category": "dm_image"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0] == {"code": 324, "message": "File size exceeds 5242880 bytes."}


def test_a_chunked_video_is_processed_before_it_can_be_sent(twitter, brand_auth, customer, settings):
    settings.SANDBOX_MEDIA_PROCESSING_SECONDS = 30
    video = b"\0\0\0\x18ftypmp42" + b"v" * 1000
    media_id = init(twitter, brand_auth, len(video), "video/mp4", "dm_video").json()["media_id_string"]
    for index, start in enumerate(range(0, len(video), 600)):
        appended = twitter.call(
            "POST",
            UPLOAD,
            auth=brand_auth,
            data={"command": "APPEND", "media_id": media_id, "segment_index": index},
            files={"media": ("chunk", video[start : start + 600])},
        )
        assert appended.status_code == 204, appended.text
    finalized = twitter.call("POST", UPLOAD, auth=brand_auth, data={"command": "FINALIZE", "media_id": media_id})
    assert finalized.status_code == 201, finalized.text
    assert finalized.json()["processing_info"]["state"] == "pending"
    assert finalized.json()["video"] == {"video_type": "video/mp4"}
    assert send_with_media(twitter, brand_auth, customer, media_id).json()["errors"][0]["code"] == 324
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=31)):
        status = twitter.call("GET", UPLOAD, auth=brand_auth, params={"command": "STATUS", "media_id": media_id})
        assert status.json()["processing_info"]["state"] == "succeeded"
        sent = send_with_media(twitter, brand_auth, customer, media_id)
        assert sent.status_code == 200, sent.text
        assert sent.json()["event"]["message_create"]["message_data"]["attachment"]["media"]["type"] == "video"


def test_segments_that_do_not_add_up_are_refused(twitter, brand_auth):
    media_id = init(twitter, brand_auth, 1000, "image/png", "dm_image").json()["media_id_string"]
    twitter.call(
        "POST",
        UPLOAD,
        auth=brand_auth,
        data={"command": "APPEND", "media_id": media_id, "segment_index": 0},
        files={"media": ("chunk", PNG_1x1)},
    )
    response = twitter.call("POST", UPLOAD, auth=brand_auth, data={"command": "FINALIZE", "media_id": media_id})
    assert response.json()["errors"][0] == {
        "code": 324,
        "message": "Segments do not add up to provided total file size.",
    }


def test_dm_media_is_usable_once_unless_shared(twitter, brand_auth, customer):
    once = upload_png(twitter, brand_auth)["media_id_string"]
    assert send_with_media(twitter, brand_auth, customer, once).status_code == 200
    again = send_with_media(twitter, brand_auth, customer, once, text="Again")
    assert (again.status_code, again.json()["errors"][0]["code"]) == (400, 324)
    shared = upload_png(twitter, brand_auth, shared="true")["media_id_string"]
    assert send_with_media(twitter, brand_auth, customer, shared).status_code == 200
    assert send_with_media(twitter, brand_auth, customer, shared, text="Again").status_code == 200


def test_dm_media_needs_a_dm_category_and_expires_after_24_hours(twitter, brand_auth, customer):
    tweet_media = upload_png(twitter, brand_auth, media_category="tweet_image")["media_id_string"]
    assert send_with_media(twitter, brand_auth, customer, tweet_media).json()["errors"][0]["code"] == 324
    with time_machine.travel(timezone.now() - timezone.timedelta(hours=25)):
        old = upload_png(twitter, brand_auth)["media_id_string"]
    expired = send_with_media(twitter, brand_auth, customer, old)
    assert expired.json()["errors"][0]["code"] == 324
    assert "24 hours" in expired.json()["errors"][0]["message"]


def test_only_the_uploader_may_use_media(twitter, brand_auth, customer):
    media_id = upload_png(twitter, brand_auth)["media_id_string"]
    customer_auth = sandbox_token_issue(user=customer)
    response = send_with_media(twitter, customer_auth, customer, media_id)
    assert (response.status_code, response.json()["errors"][0]["code"]) == (400, 325)


def test_dm_media_is_served_only_to_signed_participants(twitter, brand_auth, customer, db):
    from sandbox.services import sandbox_user_create

    media_id = upload_png(twitter, brand_auth)["media_id_string"]
    event = send_with_media(twitter, brand_auth, customer, media_id).json()["event"]
    url = event["message_create"]["message_data"]["attachment"]["media"]["media_url_https"]
    assert url.startswith(twitter.base + "/sandbox/ton/1.1/ton/data/dm/")
    assert twitter.call("GET", url, auth=brand_auth).content == PNG_1x1
    assert twitter.call("GET", url, auth=sandbox_token_issue(user=customer)).content == PNG_1x1
    outsider = sandbox_token_issue(user=sandbox_user_create(screen_name="nosy"))
    assert twitter.call("GET", url, auth=outsider).status_code == 404
    assert requests.get(url, timeout=10).status_code == 400  # unsigned: Bad Authentication data


def test_upload_needs_write_access(twitter, brand):
    auth = sandbox_token_issue(user=brand, access_level="read")
    response = twitter.call("POST", UPLOAD, auth=auth, files={"media": ("a.png", PNG_1x1)})
    assert (response.status_code, response.json()["errors"][0]["code"]) == (403, 261)
