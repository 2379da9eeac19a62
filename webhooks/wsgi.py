"""The webhook's fast path through WSGI.

Twitter's deliveries need none of what the rest of Roost's middleware does (sessions, users,
brands, messages, CSRF): they are authenticated by their signature. Routing them past that
stack halves the CPU each delivery costs, which is what lets one small machine take bursts of
thousands of events a second. The view is the same one ``webhooks/urls.py`` routes to, and
Django's request signals still run, so database connections are managed as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.security import SecurityMiddleware

from config.logging import RequestLogContextMiddleware
from webhooks.views import twitter_webhook

WEBHOOK_PATH = "/webhooks/twitter/"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _check_host(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def checked(request: HttpRequest) -> HttpResponse:
        try:
            request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware would check it
        except DisallowedHost:
            return HttpResponseBadRequest("bad Host header", content_type="text/plain")
        return view(request)

    return checked


class WebhookHandler(WSGIHandler):
    """Django's WSGI handler with only the middleware the webhook needs."""

    def load_middleware(self, is_async: bool = False) -> None:
        chain = convert_exception_to_response(_check_host(twitter_webhook))
        chain = convert_exception_to_response(RequestLogContextMiddleware(chain))
        chain = convert_exception_to_response(SecurityMiddleware(chain))
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = chain


def with_webhook_fast_path(django_application: WSGIApp) -> WSGIApp:
    webhook_application = WebhookHandler()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == WEBHOOK_PATH:
            return webhook_application(environ, start_response)
        return django_application(environ, start_response)

    return application
