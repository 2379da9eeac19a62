"""The webhook's fast path through WSGI.

Twitter's deliveries need none of what the rest of Roost's middleware does (sessions, users,
brands, messages, CSRF): they are authenticated by their signature. The webhook URL runs only
the middleware it needs (the HTTPS redirect and security headers, the request id, the Host
check), and a POST goes through that chain straight to the view's receiving function, without
Django's handler and its request signals, which cost about as much CPU as storing the event.
Every other method (the CRC among them) takes Django's handler with the same chain. The
request thread touches no database connection (the group-commit writer has its own), so
skipping the request signals leaves none behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.security import SecurityMiddleware

from config.logging import RequestLogContextMiddleware
from webhooks.views import receive_event, twitter_webhook

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


def _webhook_chain(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """The middleware the webhook needs, in Django's order, each layer answering an exception
    as Django's handler would."""
    chain = convert_exception_to_response(_check_host(view))
    chain = convert_exception_to_response(RequestLogContextMiddleware(chain))
    return convert_exception_to_response(SecurityMiddleware(chain))


class WebhookHandler(WSGIHandler):
    """Django's WSGI handler with only the middleware the webhook needs."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = _webhook_chain(twitter_webhook)


def with_webhook_fast_path(django_application: WSGIApp) -> WSGIApp:
    webhook_application = WebhookHandler()
    deliver = _webhook_chain(receive_event)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != WEBHOOK_PATH:
            return django_application(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            return webhook_application(environ, start_response)
        response = deliver(WSGIRequest(environ))
        body = response.content
        response["Content-Length"] = str(len(body))  # no chunked framing on a kept-alive connection
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return [body]

    return application
