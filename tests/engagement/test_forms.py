from __future__ import annotations

import pytest
from django import forms

from engagement.forms import ButtonsField, QuickRepliesField


class MessageForm(forms.Form):
    quick_replies = QuickRepliesField()
    buttons = ButtonsField()


def clean(**data: str) -> MessageForm:
    form = MessageForm(data=data)
    form.is_valid()
    return form


def test_options_are_written_one_per_line():
    form = clean(
        quick_replies="Red | A red bird | red\nBlue | A blue bird | blue\n\n", buttons="Shop | https://example.com"
    )
    assert form.cleaned_data["quick_replies"] == [
        {"label": "Red", "description": "A red bird", "metadata": "red"},
        {"label": "Blue", "description": "A blue bird", "metadata": "blue"},
    ]
    assert form.cleaned_data["buttons"] == [{"label": "Shop", "url": "https://example.com"}]


def test_a_label_alone_is_an_option():
    assert clean(quick_replies="Yes\nNo").cleaned_data["quick_replies"] == [{"label": "Yes"}, {"label": "No"}]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quick_replies", "x" * 37, "Line 1: label: at most 36 characters"),
        ("quick_replies", "A | described\nB", "give every option a description, or none"),
        ("quick_replies", "\n".join(f"o{n}" for n in range(21)), "at most 20 options"),
        ("quick_replies", "a | b | c | d", "Line 1: use at most two '|'"),
        ("quick_replies", "ok\nsee https://x.co", "Line 2: label: a label cannot contain a URL"),
        ("buttons", "Shop", "Line 1: write the label, then '|', then the link"),
        ("buttons", "Shop | javascript:alert(1)", "Line 1: url: must be an http:// or https:// URL"),
        ("buttons", "\n".join(f"b{n} | https://x.co" for n in range(4)), "at most 3 buttons"),
    ],
)
def test_twitters_limits_are_explained_by_line(field, value, message):
    form = clean(**{field: value})
    assert message in " ".join(form.errors[field])


def test_stored_json_is_shown_as_lines():
    form = MessageForm(
        initial={
            "quick_replies": [{"label": "Red", "metadata": "red"}],
            "buttons": [{"label": "Shop", "url": "https://x.co"}],
        }
    )
    assert "Red |  | red" in str(form["quick_replies"])
    assert "Shop | https://x.co" in str(form["buttons"])
