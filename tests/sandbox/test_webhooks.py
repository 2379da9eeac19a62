"""Account Activity webhooks and subscriptions (twitter-api.md §3.2), with a real CRC."""

from __future__ import annotations

import pytest
from django.conf import settings

from sandbox.models import SandboxSubscription, SandboxWebhook
from sandbox.services import sandbox_token_issue, sandbox_user_create

ENV = "account_activity/all/prod"


@pytest.fixture(autouse=True)
def quick_crc(settings):
    settings.SANDBOX_CRC_TIMEOUT_SECONDS = 1.0


def register(twitter, owner_auth, url):
    return twitter.call("POST", f"{ENV}/webhooks.json", auth=owner_auth, params={"url": url})


def test_registering_makes_a_real_crc_check_and_answers_the_webhook(twitter, owner_auth, receiver):
    response = register(twitter, owner_auth, receiver.url)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["url"] == receiver.url and body["valid"] is True
    assert set(body) == {"id", "url", "valid", "created_at"}
    assert SandboxWebhook.objects.get(pk=int(body["id"])).url == receiver.url


def test_registering_roosts_own_receiver_passes_its_crc(twitter, owner_auth, live_server):
    response = register(twitter, owner_auth, f"{live_server.url}/webhooks/twitter/")
    assert response.status_code == 200, response.text


def test_the_url_can_come_form_encoded_in_the_body(twitter, owner_auth, receiver):
    response = twitter.call("POST", f"{ENV}/webhooks.json", auth=owner_auth, data={"url": receiver.url})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("wrong", "Webhook URL does not meet the requirements. Invalid CRC token or json response format."),
        ("status", "Non-200 response code during CRC GET request (i.e. 404, 500, etc)."),
        ("slow", "High latency on CRC GET request. Your webhook should respond in less than 3 seconds."),
    ],
)
def test_a_bad_crc_answer_is_refused_with_214(twitter, owner_auth, receiver, mode, message):
    receiver.crc_mode = mode
    response = register(twitter, owner_auth, receiver.url)
    assert response.status_code == 403
    assert response.json() == {"errors": [{"code": 214, "message": message}]}
    assert not SandboxWebhook.objects.exists()


def test_an_unreachable_url_is_refused(twitter, owner_auth):
    response = register(twitter, owner_auth, "http://127.0.0.1:9/nothing-listens-here")
    assert (response.status_code, response.json()["errors"][0]["code"]) == (403, 214)


def test_a_url_that_is_not_http_is_refused(twitter, owner_auth):
    response = register(twitter, owner_auth, "ftp://example.com/hook")
    assert response.json() == {"errors": [{"code": 214, "message": "Webhook URL does not meet the requirements."}]}


def test_a_second_webhook_in_the_environment_is_too_many(twitter, owner_auth, receiver):
    assert register(twitter, owner_auth, receiver.url).status_code == 200
    again = register(twitter, owner_auth, receiver.url)
    assert again.json() == {"errors": [{"code": 214, "message": "Too many resources already created."}]}


def test_a_wrong_env_name_is_32(twitter, owner_auth, receiver):
    response = twitter.call(
        "POST", "account_activity/all/Prod/webhooks.json", auth=owner_auth, params={"url": receiver.url}
    )
    assert (response.status_code, response.json()["errors"][0]["code"]) == (401, 32)


def test_registering_needs_the_app_owner(twitter, brand_auth, receiver):
    response = register(twitter, brand_auth, receiver.url)
    assert (response.status_code, response.json()["errors"][0]["code"]) == (403, 220)


def test_registering_with_the_bearer_token_is_261(twitter, receiver, db):
    response = twitter.call("POST", f"{ENV}/webhooks.json", bearer=True, params={"url": receiver.url})
    assert (response.status_code, response.json()["errors"][0]["code"]) == (403, 261)


def test_listing_crc_and_deleting_a_webhook(twitter, owner_auth, receiver):
    webhook_id = register(twitter, owner_auth, receiver.url).json()["id"]
    listed = twitter.call("GET", f"{ENV}/webhooks.json", bearer=True).json()
    assert [(hook["id"], hook["valid"]) for hook in listed] == [(webhook_id, True)]
    everything = twitter.call("GET", "account_activity/all/webhooks.json", bearer=True).json()
    assert everything["environments"][0]["environment_name"] == "prod"

    receiver.crc_mode = "wrong"
    failed = twitter.call("PUT", f"{ENV}/webhooks/{webhook_id}.json", auth=owner_auth)
    assert (failed.status_code, failed.json()["errors"][0]["code"]) == (403, 214)
    assert twitter.call("GET", f"{ENV}/webhooks.json", bearer=True).json()[0]["valid"] is False
    receiver.crc_mode = "ok"
    assert twitter.call("PUT", f"{ENV}/webhooks/{webhook_id}.json", bearer=True).status_code == 204
    assert twitter.call("GET", f"{ENV}/webhooks.json", bearer=True).json()[0]["valid"] is True

    assert twitter.call("DELETE", f"{ENV}/webhooks/{webhook_id}.json", auth=owner_auth).status_code == 204
    gone = twitter.call("DELETE", f"{ENV}/webhooks/{webhook_id}.json", auth=owner_auth)
    assert (gone.status_code, gone.json()["errors"][0]["code"]) == (404, 34)


def test_subscriptions_add_check_list_count_and_remove(twitter, owner_auth, receiver, brand, brand_auth):
    register(twitter, owner_auth, receiver.url)
    assert twitter.call("GET", f"{ENV}/subscriptions.json", auth=brand_auth).status_code == 404
    assert twitter.call("POST", f"{ENV}/subscriptions.json", auth=brand_auth).status_code == 204
    duplicate = twitter.call("POST", f"{ENV}/subscriptions.json", auth=brand_auth)
    assert duplicate.status_code == 409
    assert duplicate.json() == {"errors": [{"code": 355, "message": "Subscription already exists."}]}
    assert twitter.call("GET", f"{ENV}/subscriptions.json", auth=brand_auth).status_code == 204

    listed = twitter.call("GET", f"{ENV}/subscriptions/list.json", bearer=True).json()
    assert listed == {
        "environment": "prod",
        "application_id": settings.TWITTER_APP_ID,
        "subscriptions": [{"user_id": str(brand.id)}],
    }
    count = twitter.call("GET", "account_activity/all/subscriptions/count.json", bearer=True).json()
    assert count == {"account_name": "roost_demo", "subscriptions_count": "1", "provisioned_count": "15"}

    assert twitter.call("DELETE", f"{ENV}/subscriptions/{brand.id}.json", bearer=True).status_code == 204
    missing = twitter.call("DELETE", f"{ENV}/subscriptions/{brand.id}.json", bearer=True)
    assert (missing.status_code, missing.json()["errors"][0]["code"]) == (404, 34)
    assert twitter.call("POST", f"{ENV}/subscriptions.json", auth=brand_auth).status_code == 204
    assert twitter.call("DELETE", f"{ENV}/subscriptions.json", auth=brand_auth).status_code == 204
    assert not SandboxSubscription.objects.exists()


def test_the_list_and_count_take_the_bearer_token_only(twitter, owner_auth):
    response = twitter.call("GET", "account_activity/all/subscriptions/count.json", auth=owner_auth)
    assert (response.status_code, response.json()["errors"][0]["code"]) == (403, 220)
    wrong = twitter.call(
        "GET", "account_activity/all/subscriptions/count.json", headers={"Authorization": "Bearer nope"}
    )
    assert (wrong.status_code, wrong.json()["errors"][0]["code"]) == (403, 89)


def test_subscribing_without_dm_permission_is_32(twitter, owner_auth, receiver, brand):
    register(twitter, owner_auth, receiver.url)
    auth = sandbox_token_issue(user=brand, access_level="read-write")
    response = twitter.call("POST", f"{ENV}/subscriptions.json", auth=auth)
    assert (response.status_code, response.json()["errors"][0]["code"]) == (401, 32)


def test_subscriptions_stop_at_the_provisioned_count(twitter, owner_auth, receiver, settings):
    settings.SANDBOX_SUBSCRIPTION_LIMIT = 1
    register(twitter, owner_auth, receiver.url)
    assert twitter.call("POST", f"{ENV}/subscriptions.json", auth=owner_auth).status_code == 204
    other = sandbox_token_issue(user=sandbox_user_create(screen_name="other_brand"))
    response = twitter.call("POST", f"{ENV}/subscriptions.json", auth=other)
    assert (response.status_code, response.json()["errors"][0]["code"]) == (403, 214)
    assert SandboxSubscription.objects.count() == 1


def test_deleting_the_webhook_drops_its_subscriptions(twitter, owner_auth, receiver):
    webhook_id = register(twitter, owner_auth, receiver.url).json()["id"]
    twitter.call("POST", f"{ENV}/subscriptions.json", auth=owner_auth)
    twitter.call("DELETE", f"{ENV}/webhooks/{webhook_id}.json", auth=owner_auth)
    assert not SandboxSubscription.objects.exists()


def test_webhook_management_is_rate_limited_with_headers(twitter, db):
    for _ in range(15):
        ok = twitter.call("GET", f"{ENV}/webhooks.json", bearer=True)
    assert ok.headers["x-rate-limit-remaining"] == "0"
    limited = twitter.call("GET", f"{ENV}/webhooks.json", bearer=True)
    assert limited.status_code == 429
    assert limited.json() == {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}
    assert limited.headers["x-rate-limit-limit"] == "15"
    assert int(limited.headers["x-rate-limit-reset"]) > 0
