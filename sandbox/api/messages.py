"""Direct Messages, typing and read receipts (twitter-api.md §6)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.api.base import Caller, Spec, int_param, json_body, no_content, ok, param, route
from sandbox.models import SandboxDirectMessage, SandboxUser
from sandbox.services import messages as service
from sandbox.wire import dm_event_json


def _new(request: HttpRequest, caller: Caller) -> HttpResponse:
    body = json_body(request)
    dm = service.dm_send(sender=caller.user, event=body.get("event") if isinstance(body, dict) else None)
    return ok({"event": dm_event_json(dm)})


def _list(request: HttpRequest, caller: Caller) -> HttpResponse:
    count = int_param(request, "count", default=20, maximum=50)
    events = service.dm_visible_to(caller.user).order_by("-id")
    cursor = param(request, "cursor")
    if cursor:
        if not is_ascii_digits(cursor):
            raise errors.invalid_parameter("cursor")
        events = events.filter(id__lt=int(cursor))
    page = list(events[: count + 1])
    body: dict = {"events": [dm_event_json(dm) for dm in page[:count]]}
    if len(page) > count:
        body["next_cursor"] = str(page[count - 1].id)
    return ok(body)


def _show(request: HttpRequest, caller: Caller) -> HttpResponse:
    dm = service.dm_get(user=caller.user, event_id=param(request, "id", required=True))
    return ok({"event": dm_event_json(dm)})


def _destroy(request: HttpRequest, caller: Caller) -> HttpResponse:
    service.dm_destroy(user=caller.user, event_id=param(request, "id", required=True))
    return no_content()


def _other(request: HttpRequest, name: str = "recipient_id") -> SandboxUser:
    value = param(request, name, required=True)
    user = SandboxUser.objects.filter(pk=int(value)).first() if is_ascii_digits(value) else None
    if user is None:
        raise errors.invalid_parameter(name, "No user has this id.")
    return user


def _typing(request: HttpRequest, caller: Caller) -> HttpResponse:
    service.user_typing(sender=caller.user, recipient=_other(request))
    return no_content()


def _mark_read(request: HttpRequest, caller: Caller) -> HttpResponse:
    last_read = param(request, "last_read_event_id", required=True)
    other = _other(request)
    in_conversation = (
        is_ascii_digits(last_read)
        and SandboxDirectMessage.objects.filter(
            pk=int(last_read), sender__in=[caller.user, other], recipient__in=[caller.user, other]
        ).exists()
    )
    if not in_conversation:
        raise errors.invalid_parameter("last_read_event_id", "It is not a message in this conversation.")
    service.user_mark_read(reader=caller.user, other=other, last_read_event_id=int(last_read))
    return no_content()


events_new = route("direct_messages/events/new", POST=Spec(_new, dm=True))
events_list = route("direct_messages/events/list", GET=Spec(_list, dm=True))
events_show = route("direct_messages/events/show", GET=Spec(_show, dm=True))
events_destroy = route("direct_messages/events/destroy", DELETE=Spec(_destroy, dm=True))
indicate_typing = route("direct_messages/indicate_typing", POST=Spec(_typing, dm=True))
mark_read = route("direct_messages/mark_read", POST=Spec(_mark_read, dm=True))
