"""Text the database can store, and ids written as digits: the checks every input shares.

PostgreSQL's text cannot hold NUL, and UTF-8 cannot hold an unpaired surrogate (half an
emoji, which JSON's ``\\ud83d`` escape decodes to); either reaching the database is a 500, or
a message that fails on every attempt. Inputs a person sends are refused with the reason
(``text_problem``, ``storable``); text Twitter delivers is repaired instead
(``storable_text``), since the event must still be recorded.

An id is at most 20 ASCII digits: ``str.isdigit()`` also accepts "²" and other Unicode
digits, some of which ``int()`` then refuses, as it refuses a string of thousands of digits.

A URL in text: Twitter refuses one in a quick-reply label, and the client and the sandbox must
agree on what counts (``contains_url``).
"""

from __future__ import annotations

import re
from typing import Any


def text_problem(text: str) -> str | None:
    """Why the database cannot store ``text``, as an error message ends; None when it can."""
    if "\x00" in text:
        return "must not contain NUL characters"
    try:
        text.encode()
    except UnicodeEncodeError:
        return "must be valid Unicode text"
    return None


def storable(value: Any) -> bool:
    """Whether every string in a JSON value (keys included) can be stored."""
    if isinstance(value, str):
        return text_problem(value) is None
    if isinstance(value, dict):
        return all(storable(key) and storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(storable(item) for item in value)
    return True


def storable_text(text: str) -> str:
    """``text`` with NUL dropped and each unpaired surrogate replaced by U+FFFD."""
    text = text.replace("\x00", "")
    try:
        text.encode()
    except UnicodeEncodeError:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


# Twitter's ids are 64-bit (at most 20 digits); so is every count and offset its API takes.
MAX_DIGITS = 20


def is_ascii_digits(value: object) -> bool:
    """Whether ``value`` (a string or an int) is a number Twitter could send: ASCII digits only,
    at most ``MAX_DIGITS`` of them (``int()`` refuses a string of over 4,300 digits)."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS


# twitter-api.md §6.1: a quick-reply label may hold "no URLs" (an error), without saying what
# counts. Taken here as what Twitter links in text: a scheme, "www.", a domain name with a
# common generic TLD ("Visit acme.com"), or any domain name followed by a path ("acme.de/help").
# The client's validation and the sandbox both use this rule, so the two cannot disagree.
# A bare domain counts only with its TLD in lower case, as addresses are written: "ASP.NET",
# "Go.Dev" or "Mail.App" in a label are names, not links.
_URL_IN_TEXT = re.compile(
    r"(?i:https?://|www\.)|\b[\w-]+\.(?:com|net|org|info|biz|io|co|ly|app|dev)\b|(?i:\b[\w-]+\.[a-z]{2,}/)"
)


def contains_url(text: str) -> bool:
    """Whether Twitter would take part of ``text`` for a URL (refused in quick-reply labels)."""
    return _URL_IN_TEXT.search(text) is not None
