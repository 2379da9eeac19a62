"""v2 users and Tweets: ``/2/users/me``, ``/2/users``, ``/2/users/by``, ``/2/tweets``
(twitter-api.md §10.2, §12.5)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.api.base import EITHER, Caller, Spec, json_body, ok
from sandbox.api.v2.base import id_list, ok_data, route_v2
from sandbox.models import SandboxUser
from sandbox.services.tweets import tweet_create
from sandbox.wire import users_by_screen_names
from sandbox.wire_v2 import tweet_json, user_json


def _me(request: HttpRequest, caller: Caller) -> HttpResponse:
    response = ok_data(user_json(caller.user))
    response["x-access-level"] = caller.token.access_level
    return response


def _found(users: list[SandboxUser], missing: list[str], parameter: str) -> HttpResponse:
    """Users v2 found; those it did not are ``errors`` beside ``data`` in a 200 (§11.1)."""
    body: dict = {}
    if users:
        body["data"] = [user_json(user) for user in users]
    if missing:
        body["errors"] = [
            {
                "value": value,
                "detail": f"Could not find user with {parameter}: [{value}].",
                "title": "Not Found Error",
                "resource_type": "user",
                "parameter": parameter,
                "resource_id": value,
                "type": "https://api.x.com/2/problems/resource-not-found",
            }
            for value in missing
        ]
    return ok(body)


def _by_ids(request: HttpRequest, caller: Caller) -> HttpResponse:
    ids = id_list(request, "ids")
    if not all(is_ascii_digits(value) for value in ids):
        raise errors.invalid_parameter("ids", "Each one must be a numeric user id.")
    found = {user.id_str: user for user in SandboxUser.objects.filter(pk__in=[int(value) for value in ids])}
    return _found(list(found.values()), [value for value in ids if value not in found], "ids")


def _by_usernames(request: HttpRequest, caller: Caller) -> HttpResponse:
    names = [value.lstrip("@") for value in id_list(request, "usernames")]
    found = {user.screen_name.lower(): user for user in users_by_screen_names({name.lower() for name in names})}
    return _found(list(found.values()), [name for name in names if name.lower() not in found], "usernames")


def _tweet(request: HttpRequest, caller: Caller) -> HttpResponse:
    body = json_body(request)
    if not isinstance(body, dict):
        raise errors.invalid_parameter("body", "It must be a JSON object.")
    reply = body.get("reply") if isinstance(body.get("reply"), dict) else {}
    media = body.get("media") if isinstance(body.get("media"), dict) else {}
    in_reply_to = reply.get("in_reply_to_tweet_id")
    tweet = tweet_create(
        author=caller.user,
        text=body.get("text") if isinstance(body.get("text"), str) else "",
        in_reply_to_tweet_id=str(in_reply_to) if in_reply_to else None,
        # v2 replies carry the thread's mentions themselves (no auto_populate flag).
        auto_populate_reply_metadata=bool(in_reply_to),
        media_ids=[str(value) for value in media.get("media_ids") or []],
        source_app_id=settings.TWITTER_APP_ID,
    )
    return ok_data(tweet_json(tweet), status=201)


me = route_v2("2/users/me", twin="account/verify_credentials", GET=Spec(_me))
users = route_v2("2/users", twin="users/lookup", GET=Spec(_by_ids, auth=EITHER))
users_by = route_v2("2/users/by", twin="users/lookup", GET=Spec(_by_usernames, auth=EITHER))
tweets = route_v2("2/tweets", twin="statuses/update", POST=Spec(_tweet, write=True))
