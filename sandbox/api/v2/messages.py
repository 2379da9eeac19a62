"""v2 Direct Messages (twitter-api.md §12.3): send, list, show, delete."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from sandbox import errors
from sandbox.api.base import Caller, Spec, int_param, json_body, ok, param
from sandbox.api.v2.base import digits, ok_data, route_v2
from sandbox.services import messages as service
from sandbox.wire_v2 import conversation_id, dm_events_body, dm_media_json
from sandbox.wire_v2 import dm_event_json as event_json

EVENT_TYPES = {"MessageCreate", "ParticipantsJoin", "ParticipantsLeave"}


def _send(request: HttpRequest, caller: Caller, participant_id: str) -> HttpResponse:
    dm = service.dm_send_v2(sender=caller.user, participant_id=participant_id, body=json_body(request))
    data = {"dm_conversation_id": conversation_id(dm.sender_id, dm.recipient_id), "dm_event_id": str(dm.id)}
    return ok_data(data, status=201)


def _list(request: HttpRequest, caller: Caller) -> HttpResponse:
    count = int_param(request, "max_results", default=100, maximum=100)
    wanted = {value.strip() for value in (param(request, "event_types") or "MessageCreate").split(",")}
    if not wanted <= EVENT_TYPES:
        raise errors.invalid_parameter("event_types", "Use MessageCreate, ParticipantsJoin or ParticipantsLeave.")
    # Every sandbox DM event is a MessageCreate: asking for other types alone finds none.
    events = service.dm_visible_to(caller.user).order_by("-id") if "MessageCreate" in wanted else None
    token = param(request, "pagination_token")
    if events is not None and token:
        events = events.filter(id__lt=digits(token, "pagination_token"))
    page = list(events[: count + 1]) if events is not None else []
    next_token = str(page[count - 1].id) if len(page) > count else None
    return ok(dm_events_body(page[:count], next_token=next_token))


def _show(request: HttpRequest, caller: Caller, event_id: str) -> HttpResponse:
    dm = service.dm_get(user=caller.user, event_id=event_id)
    includes = {"includes": {"media": [dm_media_json(dm)]}} if dm.media_id else {}
    return ok_data(event_json(dm), **includes)


def _destroy(request: HttpRequest, caller: Caller, event_id: str) -> HttpResponse:
    service.dm_destroy(user=caller.user, event_id=event_id)
    return ok_data({"deleted": True})


send = route_v2(
    "2/dm_conversations/with/:participant_id/messages",
    twin="direct_messages/events/new",
    POST=Spec(_send, dm=True),
)
events = route_v2("2/dm_events", twin="direct_messages/events/list", GET=Spec(_list, dm=True))
event = route_v2(
    "2/dm_events/:event_id",
    twin=("direct_messages/events/show", "direct_messages/events/destroy"),
    GET=Spec(_show, dm=True),
    DELETE=Spec(_destroy, dm=True),
)
