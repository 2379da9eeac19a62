"""Direct Messages v1.1 (twitter-api.md §6)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from integrations.twitter.types import DirectMessagePage, SentDirectMessage, UserCredentials, from_epoch_ms
from integrations.twitter.v1.base import ClientBase
from integrations.twitter.validation import Button, QuickReplyOption, validate_message

MAX_PAGE_SIZE = 50


def message_data(
    *,
    text: str,
    quick_replies: Sequence[QuickReplyOption] = (),
    buttons: Sequence[Button] = (),
    media_id: str | None = None,
) -> dict[str, Any]:
    """The ``message_data`` object shared by DMs and welcome messages."""
    data: dict[str, Any] = {"text": text}
    if quick_replies:
        data["quick_reply"] = {"type": "options", "options": [option.as_json() for option in quick_replies]}
    if media_id:
        data["attachment"] = {"type": "media", "media": {"id": str(media_id)}}
    if buttons:
        data["ctas"] = [button.as_json() for button in buttons]
    return data


class DirectMessagesMixin(ClientBase):
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
        """``signature`` (the custom profile's name) is for wires without custom profiles; here
        ``custom_profile_id`` shows the profile itself."""
        validate_message(text=text, quick_replies=quick_replies, buttons=buttons, has_media=bool(media_id))
        message_create: dict[str, Any] = {
            "target": {"recipient_id": str(recipient_id)},
            "message_data": message_data(text=text, quick_replies=quick_replies, buttons=buttons, media_id=media_id),
        }
        if custom_profile_id:
            # Inside message_create, beside target and message_data (§6.1, following the JSON).
            message_create["custom_profile_id"] = str(custom_profile_id)
        body = {"event": {"type": "message_create", "message_create": message_create}}
        event = self.json(self.as_user(user, "POST", "1.1/direct_messages/events/new.json", json_body=body))["event"]
        return SentDirectMessage(
            id=str(event["id"]), created_at=from_epoch_ms(event.get("created_timestamp")), raw=event
        )

    def dm_list(
        self, user: UserCredentials, *, count: int = MAX_PAGE_SIZE, cursor: str | None = None
    ) -> DirectMessagePage:
        """One page, newest first, of the last 30 days of DMs sent and received."""
        params: dict[str, Any] = {"count": min(max(count, 1), MAX_PAGE_SIZE)}
        if cursor:
            params["cursor"] = cursor
        data = self.json(self.as_user(user, "GET", "1.1/direct_messages/events/list.json", params=params))
        return DirectMessagePage(
            events=data.get("events", []), next_cursor=data.get("next_cursor"), apps=data.get("apps", {})
        )

    def dm_iter(
        self, user: UserCredentials, *, max_pages: int = 100
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """Every event with its page's ``apps`` map, following ``next_cursor`` (a page may be
        empty while a cursor still exists, so keep going until there is none)."""
        cursor = None
        for _ in range(max_pages):
            page = self.dm_list(user, cursor=cursor)
            for event in page.events:
                yield event, page.apps
            if not page.next_cursor:
                return
            cursor = page.next_cursor

    def dm_show(self, user: UserCredentials, event_id: str) -> dict[str, Any]:
        return self.json(self.as_user(user, "GET", "1.1/direct_messages/events/show.json", params={"id": event_id}))[
            "event"
        ]

    def dm_destroy(self, user: UserCredentials, event_id: str) -> None:
        """Deletes the message from the account's own view only; the customer keeps it."""
        self.as_user(user, "DELETE", "1.1/direct_messages/events/destroy.json", params={"id": event_id})

    def typing_indicate(self, user: UserCredentials, *, recipient_id: str) -> None:
        self.as_user(user, "POST", "1.1/direct_messages/indicate_typing.json", form={"recipient_id": recipient_id})

    def mark_read(self, user: UserCredentials, *, recipient_id: str, last_read_event_id: str) -> None:
        """Read receipt: ``recipient_id`` is the customer whose messages were read."""
        form = {"recipient_id": recipient_id, "last_read_event_id": last_read_event_id}
        self.as_user(user, "POST", "1.1/direct_messages/mark_read.json", form=form)
