"""Template filters for showing what customers and brands typed."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template

register = template.Library()


@register.filter
def web_url(value: object) -> str:
    """The URL if it is http(s), else an empty string.

    Django escapes quotes and angle brackets in an ``href`` but not the scheme, so a
    ``javascript:`` link would still run when clicked. Parsing drops such links at intake; this
    keeps any that predate it, or arrive another way, inert where they are shown.
    """
    url = str(value or "").strip()
    return url if urlsplit(url).scheme.lower() in ("http", "https") else ""
