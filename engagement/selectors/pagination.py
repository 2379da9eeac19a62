"""Keyset ("cursor") pagination: stable under inserts and as fast on page 1,000 as on page 1."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

T = TypeVar("T")


class BadCursor(ValueError):
    """The cursor was not made by us (or the list it came from is a different one)."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value for value in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# Row ids are 64-bit: a larger one in a forged cursor would fail inside the query, not here.
MAX_ROW_ID = 2**63 - 1


def _cursor_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    try:  # a forged cursor may name an impossible date ("2026-02-31") or one out of range
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            raise ValueError(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadCursor("this cursor is not valid") from None


def decode_cursor(cursor: str, *, kinds: Sequence[type]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise BadCursor("this cursor is not valid") from error
    if not isinstance(values, list) or len(values) != len(kinds):
        raise BadCursor("this cursor is not valid")
    decoded: list[Any] = []
    for value, kind in zip(values, kinds, strict=True):
        if kind is datetime:
            decoded.append(_cursor_datetime(value))
        elif kind is int and isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ROW_ID:
            decoded.append(value)
        else:
            raise BadCursor("this cursor is not valid")
    return decoded


def keyset_page(queryset: QuerySet, *, key: str, cursor: str | None, limit: int, descending: bool = True) -> Page:
    """Order by (``key``, pk) and continue after ``cursor``. ``key`` is a non-null datetime
    field or annotation (callers leave out rows without one)."""
    queryset = queryset.order_by(f"-{key}", "-pk") if descending else queryset.order_by(key, "pk")
    if cursor:
        when, pk = decode_cursor(cursor, kinds=[datetime, int])
        if when is None:
            raise BadCursor("this cursor is not valid")
        lookup = "lt" if descending else "gt"
        queryset = queryset.filter(Q(**{f"{key}__{lookup}": when}) | Q(**{key: when, f"pk__{lookup}": pk}))
    rows = list(queryset[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, key), last.pk])
    return Page(items=rows, next_cursor=next_cursor)
