"""Welcome messages and rules (twitter-api.md §7) and custom profiles (§8)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.api.base import Caller, Spec, int_param, json_body, no_content, ok, param, route
from sandbox.models import SandboxCustomProfile, SandboxWelcomeMessage, SandboxWelcomeMessageRule
from sandbox.services import profiles, welcome
from sandbox.wire import app_json, custom_profile_json, welcome_message_json, welcome_rule_json


def _page(request: HttpRequest, rows, key: str, to_json) -> HttpResponse:  # noqa: ANN001
    count = int_param(request, "count", default=20, maximum=50)
    cursor = param(request, "cursor")
    if cursor:
        if not is_ascii_digits(cursor):
            raise errors.invalid_parameter("cursor")
        rows = rows.filter(id__lt=int(cursor))
    page = list(rows.order_by("-id")[: count + 1])
    if not page:
        return ok({})  # Twitter leaves the key out when there is nothing (§7)
    body: dict = {key: [to_json(row) for row in page[:count]]}
    if len(page) > count:
        body["next_cursor"] = str(page[count - 1].id)
    return ok(body)


def _welcome_response(message: SandboxWelcomeMessage) -> dict:
    body: dict = {"welcome_message": welcome_message_json(message)}
    if message.name:
        body["name"] = message.name  # a sibling of welcome_message in responses (§7)
    if message.source_app_id:
        body["apps"] = {message.source_app_id: app_json(message.source_app_id)}
    return body


def _new(request: HttpRequest, caller: Caller) -> HttpResponse:
    message = welcome.welcome_message_create(
        owner=caller.user, body=json_body(request), source_app_id=settings.TWITTER_APP_ID
    )
    return ok(_welcome_response(message))


def _list(request: HttpRequest, caller: Caller) -> HttpResponse:
    rows = SandboxWelcomeMessage.objects.filter(owner=caller.user)
    return _page(request, rows, "welcome_messages", welcome_message_json)


def _show(request: HttpRequest, caller: Caller) -> HttpResponse:
    message = welcome.welcome_message_get(owner=caller.user, welcome_id=param(request, "id", required=True))
    return ok(_welcome_response(message))


def _update(request: HttpRequest, caller: Caller) -> HttpResponse:
    message = welcome.welcome_message_get(owner=caller.user, welcome_id=param(request, "id", required=True))
    return ok(_welcome_response(welcome.welcome_message_update(welcome=message, body=json_body(request))))


def _destroy(request: HttpRequest, caller: Caller) -> HttpResponse:
    welcome.welcome_message_get(owner=caller.user, welcome_id=param(request, "id", required=True)).delete()
    return no_content()


def _rule_new(request: HttpRequest, caller: Caller) -> HttpResponse:
    rule = welcome.welcome_rule_create(owner=caller.user, body=json_body(request))
    return ok({"welcome_message_rule": welcome_rule_json(rule)})


def _rule_list(request: HttpRequest, caller: Caller) -> HttpResponse:
    rows = SandboxWelcomeMessageRule.objects.filter(owner=caller.user)
    return _page(request, rows, "welcome_message_rules", welcome_rule_json)


def _rule_show(request: HttpRequest, caller: Caller) -> HttpResponse:
    rule = welcome.welcome_rule_get(owner=caller.user, rule_id=param(request, "id", required=True))
    return ok({"welcome_message_rule": welcome_rule_json(rule)})


def _rule_destroy(request: HttpRequest, caller: Caller) -> HttpResponse:
    welcome.welcome_rule_get(owner=caller.user, rule_id=param(request, "id", required=True)).delete()
    return no_content()


def _profile_new(request: HttpRequest, caller: Caller) -> HttpResponse:
    profile = profiles.custom_profile_create(owner=caller.user, body=json_body(request))
    return ok({"custom_profile": custom_profile_json(profile)})


def _profile_show(request: HttpRequest, caller: Caller, profile_id: str) -> HttpResponse:
    return ok(
        {"custom_profile": custom_profile_json(profiles.custom_profile_get(owner=caller.user, profile_id=profile_id))}
    )


def _profile_list(request: HttpRequest, caller: Caller) -> HttpResponse:
    rows = SandboxCustomProfile.objects.filter(owner=caller.user, deleted_at__isnull=True).select_related("avatar")
    return _page(request, rows, "custom_profiles", custom_profile_json)


def _profile_destroy(request: HttpRequest, caller: Caller) -> HttpResponse:
    profiles.custom_profile_destroy(owner=caller.user, profile_id=param(request, "id", required=True))
    return no_content()


WM = "direct_messages/welcome_messages"
welcome_new = route(f"{WM}/new", POST=Spec(_new, dm=True))
welcome_list = route(f"{WM}/list", GET=Spec(_list, dm=True))
welcome_show = route(f"{WM}/show", GET=Spec(_show, dm=True))
welcome_update = route(f"{WM}/update", PUT=Spec(_update, dm=True))
welcome_destroy = route(f"{WM}/destroy", DELETE=Spec(_destroy, dm=True))
rule_new = route(f"{WM}/rules/new", POST=Spec(_rule_new, dm=True))
rule_list = route(f"{WM}/rules/list", GET=Spec(_rule_list, dm=True))
rule_show = route(f"{WM}/rules/show", GET=Spec(_rule_show, dm=True))
rule_destroy = route(f"{WM}/rules/destroy", DELETE=Spec(_rule_destroy, dm=True))
profile_new = route("custom_profiles/new", POST=Spec(_profile_new, dm=True))
profile_show = route("custom_profiles/:id", GET=Spec(_profile_show, dm=True))
profile_list = route("custom_profiles/list", GET=Spec(_profile_list, dm=True))
profile_destroy = route("custom_profiles/destroy", DELETE=Spec(_profile_destroy, dm=True))
