"""Form fields for what Twitter messages carry: quick replies and buttons.

People write one option per line (``Label | description | metadata``, ``Label | https://…``)
instead of JSON; the fields store the JSON shape the models and the API use, checked against
Twitter's limits as they are typed in.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from engagement.tweet_intent import TweetIntentError, tweet_intent_url
from integrations.twitter import Button, QuickReplyOption, TwitterValidationError
from integrations.twitter.validation import validate_buttons, validate_quick_replies

SEPARATOR = "|"


def quick_replies_from_json(items: Any) -> list[QuickReplyOption]:
    return [
        QuickReplyOption(str(item.get("label", "")), str(item.get("description", "")), str(item.get("metadata", "")))
        for item in items or []
        if isinstance(item, dict)
    ]


def buttons_from_json(items: Any) -> list[Button]:
    return [
        Button(str(item.get("label", "")), str(item.get("url", ""))) for item in items or [] if isinstance(item, dict)
    ]


def quick_replies_to_json(options: list[QuickReplyOption]) -> list[dict[str, str]]:
    return [option.as_json() for option in options]


def buttons_to_json(buttons: list[Button]) -> list[dict[str, str]]:
    return [{"label": button.label, "url": button.url} for button in buttons]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _twitter_error(error: TwitterValidationError, kind: str) -> ValidationError:
    # quick_replies[2].label -> "Line 3: label: at most 36 characters"
    field = error.field
    if "[" in field:
        index = int(field.split("[")[1].split("]")[0])
        part = field.split(".")[-1] if "." in field else kind
        return ValidationError(f"Line {index + 1}: {part}: {error.reason}")
    return ValidationError(error.reason)


class QuickRepliesField(forms.CharField):
    """Up to 20 options, one per line: ``Label | description | metadata`` (the last two optional;
    give every option a description or none)."""

    widget = forms.Textarea(attrs={"rows": 4, "placeholder": "Order status | Where is my order? | order_status"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "One option per line: Label | description | metadata. Up to 20; labels up to 36 characters, "
            "descriptions up to 72 (on every option or none), metadata up to 1,000.",
        )
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list):
            lines = []
            for option in quick_replies_from_json(value):
                parts = [option.label, option.description, option.metadata]
                while parts and not parts[-1]:
                    parts.pop()
                lines.append(f" {SEPARATOR} ".join(parts))
            return "\n".join(lines)
        return value or ""

    def to_python(self, value: Any) -> list[dict[str, str]]:
        if isinstance(value, list):
            return value
        options = []
        for number, line in enumerate(_lines(value), start=1):
            parts = [part.strip() for part in line.split(SEPARATOR)]
            if len(parts) > 3:
                raise ValidationError(f"Line {number}: use at most two '|' (label | description | metadata)")
            parts += [""] * (3 - len(parts))
            options.append(QuickReplyOption(*parts))
        try:
            validate_quick_replies(options)
        except TwitterValidationError as error:
            raise _twitter_error(error, "quick replies") from None
        return quick_replies_to_json(options)


class ButtonsField(forms.CharField):
    """Up to 3 buttons, one per line: ``Label | https://…``."""

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "Track my order | https://example.com/orders"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "One button per line: Label | https://… Up to 3; labels up to 36 characters.")
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list):
            return "\n".join(f"{button.label} {SEPARATOR} {button.url}" for button in buttons_from_json(value))
        return value or ""

    def to_python(self, value: Any) -> list[dict[str, str]]:
        if isinstance(value, list):
            return value
        buttons = []
        for number, line in enumerate(_lines(value), start=1):
            label, separator, url = (part.strip() for part in line.partition(SEPARATOR))
            if not separator:
                raise ValidationError(f"Line {number}: write the label, then '|', then the link")
            buttons.append(Button(label, url))
        try:
            validate_buttons(buttons)
        except TwitterValidationError as error:
            raise _twitter_error(error, "buttons") from None
        return buttons_to_json(buttons)


class TweetThisForm(forms.Form):
    """The "Tweet this" button builder, in the dashboard's composer and the admin's reply form:
    a label and a Tweet's text become one more button, a web intent (``engagement.tweet_intent``)."""

    tweet_this_label = forms.CharField(
        required=False,
        max_length=36,
        label="“Tweet this” button label",
        help_text="Adds a button that opens a prefilled Tweet.",
    )
    tweet_this_text = forms.CharField(required=False, max_length=280, label="Text of the prefilled Tweet")
    # The message's own buttons: the "Tweet this" button joins them, within Twitter's limit.
    buttons = ButtonsField()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if {"tweet_this_label", "tweet_this_text", "buttons"} & self.errors.keys():
            return data  # already said what is wrong; the rest cannot be judged
        label, tweet = (data.get("tweet_this_label") or "").strip(), (data.get("tweet_this_text") or "").strip()
        if not (label or tweet):
            return data
        if not (label and tweet):
            self.add_error("tweet_this_label", "Give both the button's label and the Tweet's text.")
            return data
        try:
            url = tweet_intent_url(text=tweet)
        except TweetIntentError as error:
            self.add_error("tweet_this_text", str(error))
            return data
        buttons = [*(data.get("buttons") or []), {"label": label, "url": url}]
        try:
            validate_buttons(buttons_from_json(buttons))
        except TwitterValidationError as error:
            self.add_error("tweet_this_label", _twitter_error(error, "buttons"))
            return data
        data["buttons"] = buttons
        return data


class ReplyForm(TweetThisForm):
    """The dashboard's composer. Limits are checked here as Twitter would, and again by the
    reply service (the API and the admin go through it too)."""

    text = forms.CharField(required=False, max_length=10_000, strip=False, widget=forms.Textarea(attrs={"rows": 3}))
    quick_replies = QuickRepliesField()
    custom_profile = forms.CharField(required=False)
    attachment = forms.FileField(required=False)
    idempotency_key = forms.CharField(required=False, max_length=128)
    as_new_tweet = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("attachment"):
            self.add_error("text", "Write something, or attach an image or video.")
        return data
