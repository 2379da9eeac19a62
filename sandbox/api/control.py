"""``/sandbox/control/``: drive the sandbox over HTTP for drills and demos.

Every call needs the app's bearer token (``Authorization: Bearer <TWITTER_BEARER_TOKEN>``)::

    POST   /sandbox/control/faults    {"endpoint": "POST direct_messages/events/new", "count": 2,
                                       "status": 503, "code": 130, "message": "Over capacity",
                                       "delay_seconds": 0, "rate_limit_reset": null}  → 201 {"fault": …}
    GET    /sandbox/control/faults    → {"faults": [...]}
    DELETE /sandbox/control/faults    → 204 (all cleared)
    POST   /sandbox/control/reset     {"everything": false} → 204
    POST   /sandbox/control/users     {"screen_name": "jo", "name": "Jo"} → 201 {"user", "access_token", …}
    POST   /sandbox/control/messages  {"sender_id": "…", "recipient_id": "…", "text": "Hi",
                                       "quick_reply_metadata": null} → 201 {"event": …}
    GET    /sandbox/control/deliveries?status=failed → {"deliveries": [...]}
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from config.text import is_ascii_digits, storable
from sandbox import errors
from sandbox.errors import TwitterError
from sandbox.models import SandboxDelivery, SandboxFault, SandboxUser
from sandbox.oauth import bearer_is_valid, bearer_token
from sandbox.services import (
    SandboxInputError,
    customer_send_dm,
    fault_inject,
    faults_clear,
    sandbox_reset,
    sandbox_token_issue,
    sandbox_user_create,
)
from sandbox.wire import dm_event_json, user_json


def _fault_json(fault: SandboxFault) -> dict[str, Any]:
    return {
        "id": fault.pk,
        "endpoint": fault.endpoint,
        "remaining": fault.remaining,
        "status": fault.status,
        "code": fault.code,
        "message": fault.message,
        "delay_seconds": fault.delay_seconds,
        "rate_limit_reset": fault.rate_limit_reset,
    }


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise SandboxInputError("the body must be JSON") from None
    if not isinstance(body, dict):
        raise SandboxInputError("the body must be a JSON object")
    if not storable(body):
        raise SandboxInputError("text must not contain NUL characters or unpaired surrogates")
    return body


def control(handler: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    @csrf_exempt
    def view(request: HttpRequest) -> HttpResponse:
        token = bearer_token(request)
        if token is None:
            return errors.bad_authentication().response()
        if not bearer_is_valid(token):
            return errors.invalid_token().response()
        try:
            return handler(request)
        except SandboxInputError as problem:
            return errors.error_response(400, 44, str(problem))
        except TwitterError as error:
            return error.response()
        except (TypeError, ValueError) as problem:
            return errors.error_response(400, 44, f"bad value: {problem}")

    return view


@control
def faults(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return JsonResponse({"faults": [_fault_json(fault) for fault in SandboxFault.objects.all()]})
    if request.method == "DELETE":
        faults_clear()
        return HttpResponse(status=204)
    if request.method != "POST":
        return errors.page_not_found().response()
    body = _body(request)
    if "endpoint" not in body or "status" not in body and "delay_seconds" not in body:
        raise SandboxInputError('give "endpoint" and "status" (or "delay_seconds")')
    fault = fault_inject(
        endpoint=str(body["endpoint"]),
        count=int(body.get("count", 1)),
        status=None if body.get("status") is None else int(body["status"]),
        code=None if body.get("code") is None else int(body["code"]),
        message=str(body.get("message", "")),
        delay_seconds=float(body.get("delay_seconds", 0)),
        rate_limit_reset=None if body.get("rate_limit_reset") is None else int(body["rate_limit_reset"]),
    )
    return JsonResponse({"fault": _fault_json(fault)}, status=201)


@control
def reset(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return errors.page_not_found().response()
    sandbox_reset(everything=bool(_body(request).get("everything", False)))
    return HttpResponse(status=204)


@control
def users(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return errors.page_not_found().response()
    body = _body(request)
    user = sandbox_user_create(screen_name=str(body.get("screen_name", "")), name=str(body.get("name", "")))
    token, secret = sandbox_token_issue(
        user=user, access_level=str(body.get("access_level", "read-write-directmessages"))
    )
    return JsonResponse({"user": user_json(user), "access_token": token, "access_token_secret": secret}, status=201)


def _user(value: Any, name: str) -> SandboxUser:
    user = SandboxUser.objects.filter(pk=int(value)).first() if is_ascii_digits(value) else None
    if user is None:
        raise SandboxInputError(f"{name} is not a sandbox user id")
    return user


@control
def messages(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return errors.page_not_found().response()
    body = _body(request)
    dm = customer_send_dm(
        sender=_user(body.get("sender_id"), "sender_id"),
        recipient=_user(body.get("recipient_id"), "recipient_id"),
        text=str(body.get("text", "")),
        quick_reply_metadata=body.get("quick_reply_metadata"),
        welcome_message_id=body.get("welcome_message_id"),
    )
    return JsonResponse({"event": dm_event_json(dm)}, status=201)


@control
def deliveries(request: HttpRequest) -> HttpResponse:
    rows = SandboxDelivery.objects.all()
    if request.GET.get("status"):
        rows = rows.filter(status=request.GET["status"])
    return JsonResponse(
        {
            "deliveries": [
                {
                    "id": row.pk,
                    "event_type": row.event_type,
                    "for_user_id": row.for_user_id,
                    "status": row.status,
                    "attempts": row.attempts,
                    "last_error": row.last_error,
                    "url": row.url,
                }
                for row in rows[:200]
            ]
        }
    )
