"""What the database can store, and ids in ASCII digits: the checks every input shares."""

from __future__ import annotations

import pytest

from config.text import is_ascii_digits, storable, storable_text, text_problem


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("plain", None),
        ("an emoji \U0001f600", None),
        ("a\x00b", "must not contain NUL characters"),
        ("half an emoji \ud83d", "must be valid Unicode text"),
    ],
)
def test_text_problem_names_what_the_database_cannot_store(text, problem):
    assert text_problem(text) == problem


def test_storable_looks_at_every_string_of_a_json_value_keys_included():
    assert storable({"text": "hi", "options": [{"label": "ok", "metadata": 1}], "flag": None})
    assert not storable({"options": [{"label": "ok", "metadata": "\x00"}]})
    assert not storable({"\ud800": "a key"})
    assert not storable(["fine", "\ud800"])


def test_storable_text_drops_nul_and_replaces_half_an_emoji():
    assert storable_text("Thanks\x00 \U0001f600 and \ud83d") == "Thanks \U0001f600 and \ufffd"
    assert storable_text("unchanged") == "unchanged"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123", True),
        (123, True),
        ("", False),
        ("12a", False),
        ("\u00b2", False),
        ("\uff11\uff12", False),
        ("-1", False),
        ("9" * 20, True),
        ("9" * 21, False),
        ("9" * 5000, False),  # int() would refuse it: past Python's 4,300 digits
    ],
)
def test_an_id_is_ascii_digits_only(value, expected):
    assert is_ascii_digits(value) is expected
