"""What every sandbox API view shares: routing by method, fault injection, OAuth 1.0a or
bearer authentication, access levels, rate limits and Twitter's error JSON."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from config.text import is_ascii_digits, storable
from sandbox import errors
from sandbox.errors import TwitterError
from sandbox.models import SandboxAccessToken, SandboxUser
from sandbox.oauth import bearer_is_valid, bearer_token, oauth_verify
from sandbox.services.faults import fault_take
from sandbox.services.ratelimits import rate_limit_hit
from sandbox.services.validation import STORABLE_TEXT

logger = logging.getLogger(__name__)

USER = "user"  # OAuth 1.0a user context
APP = "app"  # app-only bearer token
EITHER = "either"


@dataclass
class Caller:
    user: SandboxUser | None = None
    token: SandboxAccessToken | None = None

    @property
    def app_only(self) -> bool:
        return self.user is None


@dataclass
class Spec:
    handler: Callable[..., HttpResponse]
    auth: str = USER
    dm: bool = False  # needs the "read-write-directmessages" access level (else 93)
    write: bool = False  # needs write access (else 261)
    bearer_code: int = 220  # what a bearer token gets on a user-context-only endpoint


def _authenticate(request: HttpRequest, spec: Spec) -> Caller:
    authorization = request.headers.get("Authorization", "")
    bearer = bearer_token(request)
    if bearer is not None:
        if spec.auth == USER:
            raise errors.cannot_write() if spec.bearer_code == 261 else errors.credentials_not_allowed()
        if not bearer_is_valid(bearer):
            raise errors.invalid_token()
        return Caller()
    if spec.auth == APP:
        if authorization.startswith("OAuth "):
            raise errors.credentials_not_allowed()  # these endpoints take the bearer token only (§2.2)
        raise errors.bad_authentication()
    verified = oauth_verify(request)
    token = verified.access_token or SandboxAccessToken.objects.select_related("user").get(token=verified.token)
    if spec.dm and not token.can_dm:
        raise errors.no_dm_permission()
    if spec.write and not token.can_write:
        raise errors.cannot_write()
    return Caller(user=token.user, token=token)


def route(
    template: str,
    *,
    render: Callable[[TwitterError], HttpResponse] | None = None,
    aliases: tuple[str, ...] = (),
    **methods: Spec,
) -> Callable[..., HttpResponse]:
    """A view for one path; ``template`` (e.g. ``"direct_messages/events/new"``) names it for
    fault injection and rate limits: ``"POST direct_messages/events/new"``. ``render`` writes
    refusals (v1.1's ``{"errors":[...]}`` unless told otherwise, e.g. v2 problem JSON);
    a fault injected for one of ``aliases`` (the v1.1 twin of a v2 path) applies here too."""
    render_error = render or TwitterError.response

    @csrf_exempt
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        method = request.method or "GET"
        spec = methods.get(method)
        headers: dict[str, str] = {}
        try:
            if spec is None:
                raise errors.page_not_found()  # Twitter answers a wrong method with 34 too
            path = request.path.split("/sandbox/", 1)[-1].split("/", 1)[-1]
            fault = fault_take(
                method=method,
                template=template,
                path=path.removeprefix("1.1/").removesuffix(".json"),
                aliases=aliases,
            )
            if fault is not None:
                # Said in the log, so whoever injected it can tell the call was answered.
                logger.info("injected fault answered: %s %s -> %s", method, template, fault.status)
                return render_error(fault)
            caller = _authenticate(request, spec)
            subject = f"user:{caller.user.pk}" if caller.user else "app"
            headers = rate_limit_hit(endpoint=f"{method} {template}", subject=subject)
            response = spec.handler(request, caller, **kwargs)
        except TwitterError as error:
            response = render_error(error)
        for name, value in headers.items():
            if name not in response:
                response[name] = value
        return response

    view.template = template  # type: ignore[attr-defined]
    return view


def json_body(request: HttpRequest) -> Any:
    """The JSON body of a DM, welcome-message or custom-profile call."""
    if not request.content_type == "application/json":
        # A form-encoded body here is the classic client bug that Twitter answers with code 32
        # (twitter-api.md §13.5): those endpoints take JSON, signed over the URL only.
        raise errors.could_not_authenticate()
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise errors.invalid_parameter("body", "It is not valid JSON.") from None
    if b"\\u" in request.body and not storable(body):
        raise errors.invalid_parameter("body", STORABLE_TEXT)
    return body


def param(request: HttpRequest, name: str, *, required: bool = False) -> str | None:
    value = request.GET.get(name)
    if value is None and request.content_type == "application/x-www-form-urlencoded":
        value = request.POST.get(name)
    if value is None and request.content_type == "multipart/form-data":
        value = request.POST.get(name)
    if required and (value is None or value == ""):
        raise errors.missing_parameter(name)
    if value is not None and "\x00" in value:
        raise errors.invalid_parameter(name, "It must not contain NUL characters.")
    return value


def int_param(request: HttpRequest, name: str, *, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    raw = param(request, name)
    if raw in (None, ""):
        return default
    if not is_ascii_digits(raw):
        raise errors.invalid_parameter(name, "It must be a number.")
    value = max(int(raw), minimum)
    return min(value, maximum) if maximum else value


def ok(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def no_content() -> HttpResponse:
    return HttpResponse(status=204)


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return csrf_exempt(lambda r: errors.page_not_found().response())(request)
