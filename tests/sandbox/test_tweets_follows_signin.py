"""Tweets, follows and revoking (the events they deliver), and Sign in with Twitter."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from requests_oauthlib import OAuth1

from sandbox.models import SandboxDelivery, SandboxSubscription
from sandbox.services import customer_tweet, user_follow, user_revoke_app
from tests.sandbox.conftest import subscribe


def bodies(event_type: str) -> list[dict]:
    return [json.loads(row.body) for row in SandboxDelivery.objects.filter(event_type=event_type).order_by("id")]


def test_a_mention_reaches_the_brand_with_user_has_blocked(brand, customer):
    subscribe(brand)
    tweet = customer_tweet(user=customer, text="@ACME my order #123 hasn't arrived")
    [body] = bodies("tweet_create_events")
    assert body["for_user_id"] == str(brand.id)
    assert body["user_has_blocked"] == "false"
    event = body["tweet_create_events"][0]
    assert event["id_str"] == str(tweet.id)
    assert event["user"]["screen_name"] == "jordan"
    assert event["entities"]["user_mentions"][0]["id_str"] == str(brand.id)


def test_the_brands_public_reply_is_its_own_tweet_event(twitter, brand, brand_auth, customer):
    subscribe(brand)
    question = customer_tweet(user=customer, text="@acme where is my parcel?")
    SandboxDelivery.objects.all().delete()
    response = twitter.call(
        "POST",
        "statuses/update.json",
        auth=brand_auth,
        data={"status": "@jordan we've sent you a DM", "in_reply_to_status_id": str(question.id)},
    )
    assert response.status_code == 200, response.text
    assert response.json()["in_reply_to_status_id_str"] == str(question.id)
    [body] = bodies("tweet_create_events")
    assert body["for_user_id"] == str(brand.id)
    assert "user_has_blocked" not in body  # the account's own Tweet


def test_status_update_limits(twitter, brand_auth):
    assert twitter.call("POST", "statuses/update.json", auth=brand_auth, data={"status": "x" * 280}).status_code == 200
    long = twitter.call("POST", "statuses/update.json", auth=brand_auth, data={"status": "y" * 281})
    assert (long.status_code, long.json()["errors"][0]["code"]) == (403, 186)
    duplicate = twitter.call("POST", "statuses/update.json", auth=brand_auth, data={"status": "x" * 280})
    assert (duplicate.status_code, duplicate.json()["errors"][0]["code"]) == (403, 187)
    missing = twitter.call("POST", "statuses/update.json", auth=brand_auth, data={"status": ""})
    assert (missing.status_code, missing.json()["errors"][0]["code"]) == (400, 38)
    gone = twitter.call(
        "POST", "statuses/update.json", auth=brand_auth, data={"status": "hi", "in_reply_to_status_id": "1"}
    )
    assert (gone.status_code, gone.json()["errors"][0]["code"]) == (403, 385)


def test_a_form_parameter_with_nul_is_refused_with_44(twitter, brand_auth):
    response = twitter.call("POST", "statuses/update.json", auth=brand_auth, data={"status": "a\x00b"})
    assert (response.status_code, response.json()["errors"][0]["code"]) == (400, 44)


def test_follow_goes_to_both_sides_and_unfollow_only_to_who_unfollowed(brand, customer):
    subscribe(brand)
    assert user_follow(source=customer, target=brand) is True
    assert user_follow(source=customer, target=brand) is False  # already following: no event
    user_follow(source=customer, target=brand, follow=False)
    [body] = bodies("follow_events")
    event = body["follow_events"][0]
    assert (body["for_user_id"], event["type"]) == (str(brand.id), "follow")
    assert event["source"]["id_str"] == str(customer.id)
    assert event["target"]["id_str"] == str(brand.id)


def test_revoking_delivers_user_event_without_for_user_id_and_unsubscribes(brand):
    subscribe(brand)
    user_revoke_app(user=brand)
    [body] = bodies("user_event")
    assert body == {
        "user_event": {
            "revoke": {
                "date_time": body["user_event"]["revoke"]["date_time"],
                "target": {"app_id": settings.TWITTER_APP_ID},
                "source": {"user_id": str(brand.id)},
            }
        }
    }
    assert not SandboxSubscription.objects.exists()


# --- Sign in with Twitter ---------------------------------------------------------------------
def test_sign_in_with_twitter_end_to_end(twitter, customer):
    app = OAuth1(
        settings.TWITTER_CONSUMER_KEY, settings.TWITTER_CONSUMER_SECRET, callback_uri="http://localhost/callback"
    )
    step1 = requests.post(twitter.url("oauth/request_token"), auth=app, timeout=10)
    assert step1.status_code == 200, step1.text
    tokens = parse_qs(step1.text)
    assert tokens["oauth_callback_confirmed"] == ["true"]
    request_token = tokens["oauth_token"][0]

    browser = requests.Session()
    page = browser.get(twitter.url("oauth/authenticate"), params={"oauth_token": request_token}, timeout=10)
    assert page.status_code == 200
    assert "jordan" in page.text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    authorised = browser.post(
        page.url,
        data={"csrfmiddlewaretoken": csrf, "oauth_token": request_token, "user_id": customer.id, "action": "authorize"},
        allow_redirects=False,
        timeout=10,
    )
    assert authorised.status_code == 302
    callback = parse_qs(urlsplit(authorised.headers["Location"]).query)
    assert callback["oauth_token"] == [request_token]

    signed = OAuth1(
        settings.TWITTER_CONSUMER_KEY,
        settings.TWITTER_CONSUMER_SECRET,
        request_token,
        tokens["oauth_token_secret"][0],
        verifier=callback["oauth_verifier"][0],
    )
    step3 = requests.post(twitter.url("oauth/access_token"), auth=signed, timeout=10)
    assert step3.status_code == 200, step3.text
    access = parse_qs(step3.text)
    assert access["user_id"] == [str(customer.id)]
    assert access["screen_name"] == ["jordan"]
    assert access["oauth_token"][0].startswith(f"{customer.id}-")

    me = twitter.call(
        "GET", "account/verify_credentials.json", auth=(access["oauth_token"][0], access["oauth_token_secret"][0])
    )
    assert me.json()["id_str"] == str(customer.id)
    reused = requests.post(twitter.url("oauth/access_token"), auth=signed, timeout=10)
    assert reused.json()["errors"][0]["code"] == 89  # a request token works once


def test_an_unapproved_callback_is_415(twitter, db, settings):
    settings.SANDBOX_CALLBACK_URLS = ["https://roost.example.com/"]
    app = OAuth1(
        settings.TWITTER_CONSUMER_KEY, settings.TWITTER_CONSUMER_SECRET, callback_uri="https://evil.example.com/cb"
    )
    response = requests.post(twitter.url("oauth/request_token"), auth=app, timeout=10)
    assert (response.status_code, response.json()["errors"][0]["code"]) == (403, 415)


def test_x_auth_access_type_lowers_the_level(twitter, customer):
    app = OAuth1(settings.TWITTER_CONSUMER_KEY, settings.TWITTER_CONSUMER_SECRET, callback_uri="oob")
    step1 = requests.post(
        twitter.url("oauth/request_token"), auth=app, params={"x_auth_access_type": "read"}, timeout=10
    )
    from sandbox.models import SandboxRequestToken

    assert SandboxRequestToken.objects.get(token=parse_qs(step1.text)["oauth_token"][0]).access_level == "read"


@pytest.mark.django_db
def test_an_events_users_map_counts_followers_friends_and_tweets_of_each_user():
    from sandbox.models import SandboxFollow, SandboxTweet
    from sandbox.services import sandbox_user_create
    from sandbox.wire import users_map

    brand = sandbox_user_create(screen_name="counted_brand")
    fan = sandbox_user_create(screen_name="fan")
    quiet = sandbox_user_create(screen_name="quiet")
    SandboxFollow.objects.create(source=fan, target=brand)
    SandboxFollow.objects.create(source=quiet, target=brand)
    SandboxFollow.objects.create(source=brand, target=fan)
    for n in range(3):
        SandboxTweet.objects.create(author=brand, text=f"news {n}", source_app_id="1")

    entries = users_map(brand, fan, quiet)

    def counts(user):
        entry = entries[user.id_str]
        return entry["followers_count"], entry["friends_count"], entry["statuses_count"]

    assert counts(brand) == (2, 1, 3)
    assert counts(fan) == (1, 1, 0)
    assert counts(quiet) == (0, 1, 0)
