"""Roost requests no URL a customer or a brand controls: inbound media comes only from
Twitter's media hosts, and nothing follows a redirect elsewhere."""

from __future__ import annotations

import pytest
import responses

from engagement.models import Attachment
from integrations.twitter import twitter_client
from integrations.twitter.errors import NotPermitted
from integrations.twitter.types import UserCredentials
from tests.factories import TwitterAccountFactory
from tests.helpers import wait_until
from tests.webhooks import payloads as p

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

NOT_TWITTER = [
    "https://169.254.169.254/latest/meta-data/",
    "http://ton.twitter.com/1.1/ton/data/dm/1/2/a.jpg",  # Twitter's host, but not over TLS
    "https://ton.twitter.com@evil.example/a.jpg",
    "https://ton.twitter.com.evil.example/a.jpg",
    "https://127.0.0.1:6379/",
    "file:///etc/passwd",
    "gopher://ton.twitter.com/",
]


@pytest.mark.parametrize("url", NOT_TWITTER)
@responses.activate
def test_the_client_downloads_only_from_twitters_media_hosts(url, settings):
    settings.TWITTER_API_URL = "https://api.twitter.com"
    with pytest.raises(NotPermitted):
        twitter_client().media_download(UserCredentials("1-token", "secret"), url)
    assert len(responses.calls) == 0


@responses.activate
def test_a_dm_pointing_its_media_elsewhere_records_the_message_and_fetches_nothing(client, celery_worker, settings):
    settings.TWITTER_API_URL = "https://api.twitter.com"
    TwitterAccountFactory(twitter_user_id=p.BRAND_ID)
    attachment = p.photo("https://169.254.169.254/latest/meta-data/iam")
    response = p.post_signed(client, p.direct_messages(p.message_event(text="look", attachment=attachment)))
    assert response.status_code == 200
    wait_until(lambda: Attachment.objects.filter(state="failed").exists(), what="the attachment to be refused")
    assert "not a Twitter media host" in Attachment.objects.get().error
    assert len(responses.calls) == 0


@responses.activate
def test_a_redirect_from_a_media_host_is_not_followed(settings):
    settings.TWITTER_API_URL = "https://api.twitter.com"
    url = "https://ton.twitter.com/1.1/ton/data/dm/1/2/a.jpg"
    responses.get(url, status=302, headers={"Location": "https://169.254.169.254/"})
    with pytest.raises(Exception):  # noqa: B017, PT011 - any failure, as long as nothing else is fetched
        twitter_client().media_download(UserCredentials("1-token", "secret"), url)
    assert [call.request.url for call in responses.calls] == [url]
