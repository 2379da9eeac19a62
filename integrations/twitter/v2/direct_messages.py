"""Direct Messages on X API v2 (twitter-api.md §12.3): text and one attachment.

Quick replies, buttons and custom profiles have no v2 form. The engagement layer renders them
into the text before calling (``plain_text.as_delivered``); if a caller passes them anyway they
are rendered here the same way, so nothing is ever dropped in silence.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

from integrations.twitter.capabilities import V2
from integrations.twitter.errors import UnsupportedOnThisWire
from integrations.twitter.plain_text import as_delivered
from integrations.twitter.types import DirectMessagePage, SentDirectMessage, UserCredentials
from integrations.twitter.v2.base import V2Base
from integrations.twitter.v2.shapes import DM_EVENT_FIELDS, MEDIA_FIELDS, dm_event_as_v1, media_by_key
from integrations.twitter.validation import Button, QuickReplyOption, validate_message

MAX_PAGE_SIZE = 100
EVENT_PARAMS = {
    "dm_event.fields": DM_EVENT_FIELDS,
    "expansions": "attachments.media_keys",
    "media.fields": MEDIA_FIELDS,
}


class DirectMessagesV2Mixin(V2Base):
    def dm_send(
        self,
        user: UserCredentials,
        *,
        recipient_id: str,
        text: str,
        quick_replies: Sequence[QuickReplyOption] = (),
        buttons: Sequence[Button] = (),
        media_id: str | None = None,
        custom_profile_id: str | None = None,
        signature: str = "",
    ) -> SentDirectMessage:
        """``custom_profile_id`` cannot be carried; ``signature`` (the profile's name) is
        signed under the text instead."""
        validate_message(text=text, quick_replies=quick_replies, buttons=buttons, has_media=bool(media_id))
        delivered = as_delivered(V2, text=text, quick_replies=quick_replies, buttons=buttons, signature=signature)
        validate_message(text=delivered.text, has_media=bool(media_id))
        body: dict[str, Any] = {}
        if delivered.text:
            body["text"] = delivered.text
        if media_id:
            body["attachments"] = [{"media_id": str(media_id)}]
        path = f"2/dm_conversations/with/{quote(str(recipient_id), safe='')}/messages"
        data = self.data(self.as_user(user, "POST", path, json_body=body))
        return SentDirectMessage(id=str(data["dm_event_id"]), created_at=None, raw=data)

    def dm_list(self, user: UserCredentials, *, count: int = 50, cursor: str | None = None) -> DirectMessagePage:
        """One page, newest first, of the last 30 days of DMs, as v1.1 ``message_create`` events."""
        params: dict[str, Any] = {
            "max_results": min(max(count, 1), MAX_PAGE_SIZE),
            "event_types": "MessageCreate",
            **EVENT_PARAMS,
        }
        if cursor:
            params["pagination_token"] = cursor
        body = self.json(self.as_user(user, "GET", "2/dm_events", params=params))
        media = media_by_key(body.get("includes"))
        events = [dm_event_as_v1(event, media) for event in body.get("data") or []]
        return DirectMessagePage(events=events, next_cursor=(body.get("meta") or {}).get("next_token"), apps={})

    def dm_iter(
        self, user: UserCredentials, *, max_pages: int = 100
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """Every event (v1.1 shape) with an empty ``apps`` map: v2 events name no app."""
        cursor = None
        for _ in range(max_pages):
            page = self.dm_list(user, cursor=cursor)
            for event in page.events:
                yield event, page.apps
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    def dm_show(self, user: UserCredentials, event_id: str) -> dict[str, Any]:
        path = f"2/dm_events/{quote(str(event_id), safe='')}"
        body = self.json(self.as_user(user, "GET", path, params=EVENT_PARAMS))
        return dm_event_as_v1(body.get("data") or {}, media_by_key(body.get("includes")))

    def dm_destroy(self, user: UserCredentials, event_id: str) -> None:
        """Deletes the message from the account's own view only; the customer keeps it."""
        self.as_user(user, "DELETE", f"2/dm_events/{quote(str(event_id), safe='')}")

    def typing_indicate(self, user: UserCredentials, *, recipient_id: str) -> None:
        raise UnsupportedOnThisWire("X API v2 has no typing indicator for Direct Messages")

    def mark_read(self, user: UserCredentials, *, recipient_id: str, last_read_event_id: str) -> None:
        raise UnsupportedOnThisWire("X API v2 has no read receipts for Direct Messages")
