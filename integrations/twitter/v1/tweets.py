"""Tweets and user lookups (twitter-api.md §10.1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from integrations.twitter.types import Tweet, TwitterUser, UserCredentials
from integrations.twitter.v1.base import ClientBase
from integrations.twitter.validation import validate_tweet


class TweetsMixin(ClientBase):
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
        """Post a Tweet. A reply needs ``auto_populate_reply_metadata`` (or the parent's
        @username in the text), or Twitter ignores ``in_reply_to_status_id``."""
        validate_tweet(text)
        form: dict[str, Any] = {"status": text}
        if in_reply_to_status_id:
            form["in_reply_to_status_id"] = in_reply_to_status_id
        if auto_populate_reply_metadata:
            form["auto_populate_reply_metadata"] = "true"
        if media_ids:
            form["media_ids"] = ",".join(media_ids)
        if attachment_url:
            form["attachment_url"] = attachment_url
        data = self.json(self.as_user(user, "POST", "1.1/statuses/update.json", form=form))
        return Tweet(id=str(data.get("id_str") or data["id"]), text=data.get("text", ""), raw=data)

    def users_lookup(
        self, user: UserCredentials, *, user_ids: Sequence[str] = (), screen_names: Sequence[str] = ()
    ) -> list[TwitterUser]:
        form: dict[str, str] = {}
        if user_ids:
            form["user_id"] = ",".join(user_ids)
        if screen_names:
            form["screen_name"] = ",".join(screen_names)
        data = self.json(self.as_user(user, "POST", "1.1/users/lookup.json", form=form))
        return [TwitterUser.from_json(item) for item in data]
