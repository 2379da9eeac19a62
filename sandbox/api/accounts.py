"""verify_credentials, users/lookup and statuses/update."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.api.base import EITHER, Caller, Spec, ok, param, route
from sandbox.models import SandboxUser
from sandbox.services.tweets import tweet_create
from sandbox.wire import tweet_json, user_json, users_by_screen_names


def _verify_credentials(request: HttpRequest, caller: Caller) -> HttpResponse:
    response = ok(user_json(caller.user))
    response["x-access-level"] = caller.token.access_level
    return response


def _lookup(request: HttpRequest, caller: Caller) -> HttpResponse:
    ids = [value.strip() for value in (param(request, "user_id") or "").split(",") if value.strip()]
    names = {
        value.strip().lstrip("@").lower() for value in (param(request, "screen_name") or "").split(",") if value.strip()
    }
    if not ids and not names:
        raise errors.missing_parameter("user_id or screen_name")
    if len(ids) + len(names) > 100:
        raise errors.invalid_parameter("user_id", "At most 100 users per call.")
    found = {user.pk: user for user in SandboxUser.objects.filter(pk__in=[int(i) for i in ids if is_ascii_digits(i)])}
    found.update({user.pk: user for user in users_by_screen_names(names)})
    if not found:
        raise errors.TwitterError(404, 17, "No user matches for specified terms.")
    return ok([user_json(user) for user in found.values()])


def _status_update(request: HttpRequest, caller: Caller) -> HttpResponse:
    tweet = tweet_create(
        author=caller.user,
        text=param(request, "status") or "",
        in_reply_to_tweet_id=param(request, "in_reply_to_status_id"),
        auto_populate_reply_metadata=(param(request, "auto_populate_reply_metadata") or "").lower() == "true",
        media_ids=[value.strip() for value in (param(request, "media_ids") or "").split(",")],
        source_app_id=settings.TWITTER_APP_ID,
    )
    return ok(tweet_json(tweet))


verify_credentials = route("account/verify_credentials", GET=Spec(_verify_credentials))
users_lookup = route("users/lookup", GET=Spec(_lookup, auth=EITHER), POST=Spec(_lookup, auth=EITHER))
statuses_update = route("statuses/update", POST=Spec(_status_update, write=True))
