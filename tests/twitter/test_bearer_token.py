"""Without TWITTER_BEARER_TOKEN the client asks ``oauth2/token`` for the app's bearer token
(twitter-api.md §2.1), once, and makes app-only calls with it: against the sandbox, over HTTP."""

from __future__ import annotations

import pytest

from integrations.twitter import twitter_client
from integrations.twitter.http import TwitterHttp
from integrations.twitter.v1.base import ClientBase
from sandbox.services import sandbox_bootstrap

pytestmark = pytest.mark.django_db(transaction=True)


def test_without_a_configured_bearer_token_the_client_fetches_it_and_calls_as_the_app(
    live_server, settings, monkeypatch
):
    settings.TWITTER_API_URL = f"{live_server.url}/sandbox/api"
    settings.PUBLIC_URL = live_server.url
    settings.TWITTER_BEARER_TOKEN = ""
    sandbox_bootstrap()
    monkeypatch.setattr(ClientBase, "_fetched_bearer", {})  # nothing fetched by an earlier test
    asked = []
    request = TwitterHttp.request

    def recording(self, method, url, **kwargs):
        asked.append(url.removeprefix(settings.TWITTER_API_URL))
        return request(self, method, url, **kwargs)

    monkeypatch.setattr(TwitterHttp, "request", recording)
    client = twitter_client()

    count = client.subscriptions_count()  # app-only (§2.2)
    assert (count.subscriptions, count.provisioned) == (0, 15)
    assert client.webhooks_list() == []

    assert asked.count("/oauth2/token") == 1  # fetched once, then cached (asking often is code 99)
    assert asked[0] == "/oauth2/token"
    assert ClientBase._fetched_bearer == {(client.api_url, client.consumer_key): settings.SANDBOX_APP["bearer_token"]}
