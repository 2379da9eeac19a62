"""The API's URLs: ninja's, plus JSON answers for what ninja leaves to Django's HTML pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt

from engagement.api import api

app_name = api.urls_namespace


def _json_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(
                {"detail": f"{request.method} is not allowed here (allowed: {allowed}).", "errors": {}}, status=405
            )
            response["Allow"] = allowed
        return response

    return wrapped


@csrf_exempt
def unknown_path(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"detail": "Not found: no such API path.", "errors": {}}, status=404)


def _patterns() -> list[Any]:
    patterns, _, _ = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _json_not_allowed(pattern.callback)
    return [*patterns, re_path(r"", unknown_path)]


urlpatterns = _patterns()
