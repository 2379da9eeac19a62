"""What a wire without quick replies, buttons and custom profiles delivers, and how a typed
answer is read back as the option it names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.twitter.capabilities import V1_1, V2
from integrations.twitter.plain_text import ANSWER_HINT, as_delivered, option_answered
from integrations.twitter.validation import Button, QuickReplyOption

OPTIONS = (
    QuickReplyOption("Track my order", "Where is it now?", "track"),
    QuickReplyOption("Returns", metadata="returns"),
    QuickReplyOption("Talk to a person", metadata="human"),
)
BUTTONS = (Button("Track online", "https://example.com/track"),)


def test_v1_1_sends_everything_natively():
    delivered = as_delivered(V1_1, text="How can we help?", quick_replies=OPTIONS, buttons=BUTTONS, signature="Jon")
    assert delivered.text == "How can we help?"
    assert (delivered.quick_replies, delivered.buttons, delivered.use_custom_profile) == (OPTIONS, BUTTONS, True)
    assert delivered.rewritten == ()


def test_v2_turns_options_buttons_and_profile_into_text():
    delivered = as_delivered(V2, text="How can we help?", quick_replies=OPTIONS, buttons=BUTTONS, signature="Jon C")
    assert delivered.text == (
        "How can we help?\n\n"
        "1. Track my order (Where is it now?)\n2. Returns\n3. Talk to a person\n" + ANSWER_HINT + "\n\n"
        "Track online: https://example.com/track\n\n"
        "— Jon C"
    )
    assert (delivered.quick_replies, delivered.buttons, delivered.use_custom_profile) == ((), (), False)
    assert delivered.rewritten == ("quick_replies", "buttons", "custom_profile")


def test_v2_leaves_a_plain_message_alone():
    assert as_delivered(V2, text="Thanks!").text == "Thanks!"
    assert as_delivered(V2, text="Thanks!").rewritten == ()


@pytest.mark.parametrize(
    ("answer", "metadata"),
    [
        ("2", "returns"),
        (" 2. ", "returns"),
        ("#3", "human"),
        ("option 1", "track"),
        ("3)", "human"),
        ("returns", "returns"),
        ("RETURNS!", "returns"),
        ("  talk to   a person ", "human"),
        ("4", None),
        ("0", None),
        ("2 please, and also 3", None),
        ("I want returns", None),
        ("", None),
    ],
)
def test_a_typed_answer_names_its_option(answer, metadata):
    chosen = option_answered(answer, OPTIONS)
    assert (chosen.metadata if chosen else None) == metadata


def test_an_ambiguous_label_names_no_option():
    twins = (QuickReplyOption("Yes", metadata="a"), QuickReplyOption("yes", metadata="b"))
    assert option_answered("yes", twins) is None
    assert option_answered("2", twins).metadata == "b"


@given(st.text(max_size=200))
def test_any_answer_is_read_without_failing(answer):
    chosen = option_answered(answer, OPTIONS)
    assert chosen is None or chosen in OPTIONS


@given(st.lists(st.text(min_size=1, max_size=36).filter(str.strip), min_size=1, max_size=20, unique=True))
def test_every_listed_number_answers_its_option(labels):
    options = [QuickReplyOption(label, metadata=f"m{i}") for i, label in enumerate(labels)]
    for number, option in enumerate(options, start=1):
        assert option_answered(str(number), options) == option
