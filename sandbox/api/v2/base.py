"""``route`` for v2 paths: refusals as problem JSON, and faults injected for the v1.1 twin of a
path apply to it too, so a test or a demo breaks "sending a DM" on whichever wire is in use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.api.base import Spec, ok, param, route
from sandbox.api.v2.problems import problem


def route_v2(template: str, *, twin: str | tuple[str, ...] = (), **methods: Spec) -> Callable[..., HttpResponse]:
    """``template`` like ``"2/dm_events/:event_id"``; ``twin`` the v1.1 endpoint(s) it replaces."""
    return route(template, render=problem, aliases=(twin,) if isinstance(twin, str) else twin, **methods)


def ok_data(data: Any, status: int = 200, **extra: Any) -> HttpResponse:
    return ok({"data": data, **extra}, status=status)


def digits(value: str, name: str) -> int:
    if not is_ascii_digits(value):
        raise errors.invalid_parameter(name, "It must be a numeric id.")
    return int(value)


def id_list(request: HttpRequest, name: str, *, limit: int = 100) -> list[str]:
    values = [value.strip() for value in (param(request, name, required=True) or "").split(",") if value.strip()]
    if not values or len(values) > limit:
        raise errors.invalid_parameter(name, f"Give 1 to {limit} comma-separated values.")
    return values
