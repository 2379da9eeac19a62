"""``message_data`` checks shared by Direct Messages and welcome messages (twitter-api.md §6.1).

Each refusal names the field and the limit; text over the limit is code 354, anything else in
the message is 151 "There was an error sending your message: <reason>" (§6.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from config.text import contains_url, is_ascii_digits, storable  # contains_url: the client's rule too
from sandbox import errors

DM_TEXT_LIMIT = 10_000
WELCOME_TEXT_LIMIT = 9_990
MAX_OPTIONS = 20
MAX_LABEL = 36
MAX_DESCRIPTION = 72
MAX_METADATA = 1_000
MAX_BUTTONS = 3


@dataclass
class MessageData:
    text: str
    stored: dict[str, Any]  # what is kept and answered back: text, quick_reply, ctas
    media_id: str | None


def _text(value: Any, *, limit: int) -> str:
    if not isinstance(value, str):
        raise errors.dm_refused("message_data.text is required and must be a string.")
    if len(value) > limit:
        raise errors.dm_text_too_long()
    return value


def _quick_reply(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or value.get("type") != "options":
        raise errors.dm_refused('quick_reply.type must be "options".')
    options = value.get("options")
    if not isinstance(options, list) or not 1 <= len(options) <= MAX_OPTIONS:
        raise errors.dm_refused(f"quick_reply.options must hold 1 to {MAX_OPTIONS} options.")
    described = [isinstance(option, dict) and "description" in option for option in options]
    if any(described) and not all(described):
        raise errors.dm_refused("quick_reply.options: if one option has a description, all must have one.")
    clean = []
    for index, option in enumerate(options):
        where = f"quick_reply.options[{index}]"
        if not isinstance(option, dict):
            raise errors.dm_refused(f"{where} must be an object.")
        label = option.get("label")
        if not isinstance(label, str) or not label.strip():
            raise errors.dm_refused(f"{where}.label is required.")
        if len(label) > MAX_LABEL:
            raise errors.dm_refused(f"{where}.label is longer than {MAX_LABEL} characters.")
        if contains_url(label):
            raise errors.dm_refused(f"{where}.label must not contain a URL.")
        item = {"label": label}
        if "description" in option:
            description = option["description"]
            if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
                raise errors.dm_refused(
                    f"{where}.description must be a string of at most {MAX_DESCRIPTION} characters."
                )
            item["description"] = description
        if "metadata" in option:
            metadata = option["metadata"]
            if not isinstance(metadata, str) or len(metadata) > MAX_METADATA:
                raise errors.dm_refused(f"{where}.metadata must be a string of at most {MAX_METADATA} characters.")
            item["metadata"] = metadata
        clean.append(item)
    return {"type": "options", "options": clean}


def _ctas(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_BUTTONS:
        raise errors.dm_refused(f"ctas must hold 1 to {MAX_BUTTONS} buttons.")
    clean = []
    for index, button in enumerate(value):
        where = f"ctas[{index}]"
        if not isinstance(button, dict) or button.get("type") != "web_url":
            raise errors.dm_refused(f'{where}.type must be "web_url".')
        label, url = button.get("label"), button.get("url")
        if not isinstance(label, str) or not label.strip():
            raise errors.dm_refused(f"{where}.label is required.")
        if len(label) > MAX_LABEL:
            raise errors.dm_refused(f"{where}.label is longer than {MAX_LABEL} characters.")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in {"http", "https"} or not parts.netloc or any(c.isspace() for c in url):
            raise errors.dm_refused(f"{where}.url must be a valid http or https URL.")
        # tco_url is read-only: Twitter fills it in; the sandbox does not shorten links.
        clean.append({"type": "web_url", "label": label, "url": url, "tco_url": url})
    return clean


EMPTY_MESSAGE = "message_data.text is required: a message without an attachment needs text."
# Twitter's wording for what config.text.storable refuses.
STORABLE_TEXT = "Text must not contain NUL characters or unpaired surrogates."


def message_data_parse(value: Any, *, text_limit: int = DM_TEXT_LIMIT, attached: bool = False) -> MessageData:
    """``attached``: media comes with the message from elsewhere (a customer's upload), so
    the text may be empty."""
    if not isinstance(value, dict):
        raise errors.dm_refused("message_data is required.")
    if not storable(value):  # from the API, the control API and the sandbox's own pages alike
        raise errors.invalid_parameter("text", STORABLE_TEXT)
    text = _text(value.get("text"), limit=text_limit)
    stored: dict[str, Any] = {"text": text}
    if value.get("quick_reply") is not None:
        stored["quick_reply"] = _quick_reply(value["quick_reply"])
    if value.get("ctas") is not None:
        stored["ctas"] = _ctas(value["ctas"])
    media_id = None
    attachment = value.get("attachment")
    if attachment is not None:
        media = attachment.get("media") if isinstance(attachment, dict) else None
        if not isinstance(attachment, dict) or attachment.get("type") != "media" or not isinstance(media, dict):
            raise errors.dm_refused('attachment must be {"type": "media", "media": {"id": "…"}}.')
        media_id = str(media.get("id", ""))
        if not is_ascii_digits(media_id):
            raise errors.media_not_found()
    unknown = set(value) - {"text", "quick_reply", "ctas", "attachment", "entities"}
    if unknown:
        raise errors.dm_refused(f"message_data has unknown fields: {', '.join(sorted(unknown))}.")
    # §6.1: text is required. A media attachment may stand in for it (as v2 says, §12.3: text,
    # an attachment, or both), which is also the client's rule; nothing at all is refused.
    if not text.strip() and media_id is None and not attached:
        raise errors.dm_refused(EMPTY_MESSAGE)
    return MessageData(text=text, stored=stored, media_id=media_id)
