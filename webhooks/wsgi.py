"""The webhook's fast path through WSGI.

Twitter's deliveries need none of what the rest of Roost's middleware does (sessions, users,
brands, messages, CSRF): they are authenticated by their signature. An ordinary delivery (a
POST to an allowed host, over HTTPS where HTTPS is required) is handed straight to the view's
own receiving function, with the security headers Django's ``SecurityMiddleware`` adds and a
request id, but without Django's handler, signals and middleware chain, which cost about as
much CPU as storing the event. Anything else (the CRC, other methods, a wrong host, a redirect
to HTTPS) takes Django's handler with only the middleware the webhook needs, so every unusual
answer is Django's own. The request thread touches no database connection (the group-commit
writer has its own), so skipping the request signals leaves none behind.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import convert_exception_to_response, response_for_exception
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.security import SecurityMiddleware

from config.logging import RequestLogContextMiddleware, log_context
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


def _ordinary_delivery(request: WSGIRequest) -> bool:
    """A POST Django would route straight to the view: allowed host, no HTTPS redirect due."""
    if request.method != "POST":
        return False
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return request.is_secure() or not settings.SECURE_SSL_REDIRECT


def _receive_directly(request: WSGIRequest, security: SecurityMiddleware) -> HttpResponse:
    request_id = uuid.uuid4().hex[:12]
    with log_context(request_id=request_id):
        try:
            response = receive_event(request)
        except Exception as error:  # answered and logged exactly as Django's handler would
            response = response_for_exception(request, error)
    response["X-Request-ID"] = request_id
    return security.process_response(request, response)


def with_webhook_fast_path(django_application: WSGIApp) -> WSGIApp:
    webhook_application = WebhookHandler()
    # Only its header logic is used, on responses made here (it never calls a next handler).
    security = SecurityMiddleware(lambda request: HttpResponse(status=500))

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != WEBHOOK_PATH:
            return django_application(environ, start_response)
        request = WSGIRequest(environ)
        if not _ordinary_delivery(request):
            return webhook_application(environ, start_response)
        response = _receive_directly(request, security)
        body = response.content
        response["Content-Length"] = str(len(body))  # no chunked framing on a kept-alive connection
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return [body]

    return application
