"""Tweets, user lookups and the signed-in user on X API v2 (twitter-api.md §10.2, §12.5).

Sign-in itself is the same OAuth 1.0a flow on both wires (§12.5, "Sign-in" row); only the
"who is this token" call moves to ``GET /2/users/me``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from integrations.twitter.errors import Conflict, NotPermitted
from integrations.twitter.types import Tweet, TwitterUser, UserCredentials
from integrations.twitter.v2.base import V2Base
from integrations.twitter.v2.shapes import USER_FIELDS, twitter_user
from integrations.twitter.validation import validate_tweet


class TweetsV2Mixin(V2Base):
    def status_update(
        self,
        user: UserCredentials,
        *,
        text: str,
        in_reply_to_status_id: str | None = None,
        auto_populate_reply_metadata: bool = False,
        media_ids: Sequence[str] = (),
        attachment_url: str | None = None,
    ) -> Tweet:
        """Post a Tweet. v2 replies always carry the thread's mentions, so
        ``auto_populate_reply_metadata`` needs no field; v2 has no ``attachment_url``, so a
        link to attach (a DM deep link) goes at the end of the text, where it still shows."""
        if attachment_url:
            text = f"{text.rstrip()} {attachment_url}".strip()
        validate_tweet(text)
        body: dict[str, Any] = {"text": text}
        if in_reply_to_status_id:
            body["reply"] = {"in_reply_to_tweet_id": str(in_reply_to_status_id)}
        if media_ids:
            body["media"] = {"media_ids": [str(media_id) for media_id in media_ids]}
        try:
            data = self.data(self.as_user(user, "POST", "2/tweets", json_body=body))
        except NotPermitted as error:
            if _is_duplicate(error):
                raise Conflict(error.message, code=187, status=error.status, rate_limit=error.rate_limit) from error
            raise
        return Tweet(id=str(data["id"]), text=data.get("text", text), raw=data)

    def users_lookup(
        self, user: UserCredentials, *, user_ids: Sequence[str] = (), screen_names: Sequence[str] = ()
    ) -> list[TwitterUser]:
        found: list[dict[str, Any]] = []
        if user_ids:
            params = {"ids": ",".join(user_ids), "user.fields": USER_FIELDS}
            found += self.json(self.as_user(user, "GET", "2/users", params=params)).get("data") or []
        if screen_names:
            params = {"usernames": ",".join(screen_names), "user.fields": USER_FIELDS}
            found += self.json(self.as_user(user, "GET", "2/users/by", params=params)).get("data") or []
        return [twitter_user(item) for item in found]

    def verify_credentials(self, user: UserCredentials, *, include_email: bool = False) -> TwitterUser:
        """The token's own user. v2 has no e-mail field here, so ``include_email`` adds nothing."""
        response = self.as_user(user, "GET", "2/users/me", params={"user.fields": USER_FIELDS})
        return twitter_user(self.data(response), access_level=response.headers.get("x-access-level", ""))


def _is_duplicate(error: NotPermitted) -> bool:
    """v2 has no error codes: it refuses an identical Tweet with a bare 403 whose detail speaks
    of duplicate content. Callers act on v1.1's 187 ("Status is a duplicate", §10.1, §11.2),
    so that is what it becomes: a Tweet whose first attempt got no answer relies on it."""
    return "duplicate" in error.message.lower()
