"""Twitter's documented limits, checked before a request leaves (twitter-api.md §6.1, §7, §8, §9).

Each failure names the field, e.g. ``quick_replies[2].label: at most 36 characters``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from config.text import contains_url  # the sandbox refuses labels by this same rule
from integrations.twitter.errors import TwitterValidationError

MAX_TEXT = 10_000
MAX_WELCOME_TEXT = 9_990
MAX_QUICK_REPLIES = 20
MAX_OPTION_LABEL = 36
MAX_OPTION_DESCRIPTION = 72
MAX_OPTION_METADATA = 1_000
MAX_BUTTONS = 3
MAX_BUTTON_LABEL = 36
MAX_CUSTOM_PROFILE_NAME = 48
MAX_WELCOME_MESSAGE_NAME = 100
MAX_TWEET = 280

MB = 1024 * 1024
MEDIA_CATEGORIES: dict[str, tuple[int, frozenset[str]]] = {
    "dm_image": (5 * MB, frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})),
    "dm_gif": (15 * MB, frozenset({"image/gif"})),
    "dm_video": (512 * MB, frozenset({"video/mp4", "video/quicktime"})),
    "tweet_image": (5 * MB, frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})),
    "tweet_gif": (15 * MB, frozenset({"image/gif"})),
    "tweet_video": (512 * MB, frozenset({"video/mp4", "video/quicktime"})),
}
_WELCOME_NAME = re.compile(r"^[A-Za-z0-9 _\-#@]*$")


@dataclass(frozen=True)
class QuickReplyOption:
    label: str
    description: str = ""
    metadata: str = ""

    def as_json(self) -> dict[str, str]:
        option = {"label": self.label}
        if self.description:
            option["description"] = self.description
        if self.metadata:
            option["metadata"] = self.metadata
        return option


@dataclass(frozen=True)
class Button:
    label: str
    url: str

    def as_json(self) -> dict[str, str]:
        return {"type": "web_url", "label": self.label, "url": self.url}


def media_category_for(content_type: str, *, for_tweet: bool = False) -> str:
    """The category Twitter wants for a file of this type (DMs need it; §9.2)."""
    prefix = "tweet" if for_tweet else "dm"
    if content_type == "image/gif":
        return f"{prefix}_gif"
    if content_type.startswith("video/"):
        return f"{prefix}_video"
    return f"{prefix}_image"


def validate_text(text: str, *, welcome: bool = False, required: bool = True) -> None:
    limit = MAX_WELCOME_TEXT if welcome else MAX_TEXT
    if required and not text.strip():
        raise TwitterValidationError("text", "a message needs text")
    if len(text) > limit:
        raise TwitterValidationError("text", f"at most {limit:,} characters ({len(text):,} given)")


def validate_quick_replies(options: Sequence[QuickReplyOption]) -> None:
    if len(options) > MAX_QUICK_REPLIES:
        raise TwitterValidationError("quick_replies", f"at most {MAX_QUICK_REPLIES} options ({len(options)} given)")
    with_description = [bool(option.description) for option in options]
    if any(with_description) and not all(with_description):
        raise TwitterValidationError("quick_replies", "give every option a description, or none")
    for index, option in enumerate(options):
        field = f"quick_replies[{index}]"
        if not option.label.strip():
            raise TwitterValidationError(f"{field}.label", "an option needs a label")
        if len(option.label) > MAX_OPTION_LABEL:
            raise TwitterValidationError(f"{field}.label", f"at most {MAX_OPTION_LABEL} characters")
        if contains_url(option.label):
            raise TwitterValidationError(f"{field}.label", "a label cannot contain a URL")
        if len(option.description) > MAX_OPTION_DESCRIPTION:
            raise TwitterValidationError(f"{field}.description", f"at most {MAX_OPTION_DESCRIPTION} characters")
        if len(option.metadata) > MAX_OPTION_METADATA:
            raise TwitterValidationError(f"{field}.metadata", f"at most {MAX_OPTION_METADATA:,} characters")


def validate_buttons(buttons: Sequence[Button]) -> None:
    if len(buttons) > MAX_BUTTONS:
        raise TwitterValidationError("buttons", f"at most {MAX_BUTTONS} buttons ({len(buttons)} given)")
    for index, button in enumerate(buttons):
        field = f"buttons[{index}]"
        if not button.label.strip():
            raise TwitterValidationError(f"{field}.label", "a button needs a label")
        if len(button.label) > MAX_BUTTON_LABEL:
            raise TwitterValidationError(f"{field}.label", f"at most {MAX_BUTTON_LABEL} characters")
        parts = urlsplit(button.url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise TwitterValidationError(f"{field}.url", "must be an http:// or https:// URL")


def validate_message(
    *,
    text: str,
    quick_replies: Sequence[QuickReplyOption] = (),
    buttons: Sequence[Button] = (),
    has_media: bool = False,
    welcome: bool = False,
) -> None:
    """A Direct Message or welcome message body, as Twitter would accept it."""
    validate_text(text, welcome=welcome, required=not has_media)
    validate_quick_replies(quick_replies)
    validate_buttons(buttons)


def validate_custom_profile_name(name: str) -> None:
    if not name.strip():
        raise TwitterValidationError("name", "a custom profile needs a name")
    if len(name) > MAX_CUSTOM_PROFILE_NAME:
        raise TwitterValidationError("name", f"at most {MAX_CUSTOM_PROFILE_NAME} characters")


def validate_welcome_message_name(name: str) -> None:
    if len(name) > MAX_WELCOME_MESSAGE_NAME:
        raise TwitterValidationError("name", f"at most {MAX_WELCOME_MESSAGE_NAME} characters")
    if not _WELCOME_NAME.match(name):
        raise TwitterValidationError("name", "only letters, digits, spaces and - _ # @")


def validate_media(*, size: int, media_type: str, category: str) -> None:
    if category not in MEDIA_CATEGORIES:
        raise TwitterValidationError("media_category", f"unknown category {category!r}")
    limit, types = MEDIA_CATEGORIES[category]
    if media_type not in types:
        allowed = ", ".join(sorted(types))
        raise TwitterValidationError(
            "media", f"{media_type or 'this file type'} is not accepted as {category} ({allowed})"
        )
    if size <= 0:
        raise TwitterValidationError("media", "the file is empty")
    if size > limit:
        raise TwitterValidationError("media", f"at most {limit // MB} MB for {category} ({size / MB:.1f} MB given)")


def validate_tweet(text: str) -> None:
    if not text.strip():
        raise TwitterValidationError("text", "a Tweet needs text")
    if len(text) > MAX_TWEET:
        raise TwitterValidationError("text", f"at most {MAX_TWEET} characters ({len(text)} given)")
