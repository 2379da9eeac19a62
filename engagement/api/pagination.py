"""Cursor pagination as the API shows it: ``{"results": [...], "next": URL or null}``."""

from __future__ import annotations

from django.http import HttpRequest


def next_url(request: HttpRequest, cursor: str | None) -> str | None:
    """This request's URL with the next page's cursor, every filter and the limit kept."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
