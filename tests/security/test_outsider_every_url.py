"""The outsider on every URL: Charlie (owner of brand B) gets a 404 for each of brand A's ids,
on every route of the URLconf that takes one, found by walking it rather than by a list that
someone has to remember to extend.

A route that takes an id this test cannot fill with one of brand A's objects fails it, so a
new brand URL is never left out: give the object to ``brand_a_objects`` (and its parameter
name to ``PARAMETER_MODELS`` if it is not ``<model>_id``), or, if the route is not brand
scoped, add it to ``NOT_BRAND_SCOPED`` with the reason.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path
from django.urls.resolvers import RegexPattern, RoutePattern

from accounts.models import ApiToken, Brand, Role, TwitterAccount
from accounts.services import api_token_create, invitation_create
from engagement.models import (
    Attachment,
    BotRule,
    CannedResponse,
    Note,
    WelcomeMessage,
    WelcomeMessageRule,
)
from tests.factories import (
    ConversationFactory,
    CustomProfileFactory,
    LabelFactory,
    MessageFactory,
    TwitterAccountFactory,
)
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002"
    "0000050001e226059b0000000049454e44ae426082"
)

# Routes whose parameters are not a brand's object ids, and why.
NOT_BRAND_SCOPED = {
    re.compile(r"^admin/"): "the Django admin scopes by the current brand itself (tests/test_admin_tenancy.py)",
    re.compile(r"^sandbox/"): "the local stand-in for Twitter: its ids are Twitter's, not a brand's",
    re.compile(r"^accounts/"): "allauth: a person's own keys (email confirmation, password reset), no brand ids",
    re.compile(r"^webhooks/"): "Twitter's signed deliveries, routed by for_user_id, never by a brand id",
    re.compile(r"^invitations/"): "an invitation link's secret token is meant for someone outside the brand "
    "(tests/accounts/test_invitations.py)",
}

# Parameter names that are not ``<model>_id`` of the model they name.
PARAMETER_MODELS = {
    "account_id": TwitterAccount,
    "media_id": Attachment,  # the API's name for an attachment (an upload or a message's file)
    "token_id": ApiToken,
}

API_PREFIX = "api/v1/"
WEB_METHODS = ("get", "post")
API_METHODS = ("get", "post", "patch")
# Plausible input for every form and endpoint, so that a view which forgot the brand would
# act on it (and this test would see the change), not stop at a validation error.
FORM = {"text": "x", "status": "resolved", "confirm": "erase", "role": "owner", "name": "x", "action": "x"}
JSON_BODIES = {"post": {"text": "x"}, "patch": {"status": "resolved"}}


@dataclass(frozen=True)
class Route:
    text: str  # Django's route text, e.g. "c/<str:conversation_id>/thread"
    parameters: tuple[str, ...]
    regex: bool = False  # some part is a regular expression, which this test does not fill

    def fill(self, ids: dict[str, str]) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: ids[match.group(1)], self.text)


def every_route(
    patterns: list | None = None, prefix: str = "", parameters: tuple[str, ...] = (), regex: bool = False
) -> list[Route]:
    """Every route of the URLconf, through its includes, with the parameters it takes."""
    routes = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        text = prefix + str(pattern.pattern)
        names = parameters + _parameter_names(pattern.pattern)
        any_regex = regex or (isinstance(pattern.pattern, RegexPattern) and bool(names))
        if isinstance(pattern, URLResolver):
            routes.extend(every_route(pattern.url_patterns, text, names, any_regex))
        elif isinstance(pattern, URLPattern):
            routes.append(Route(text, names, any_regex))
    return routes


def _parameter_names(pattern: RoutePattern | RegexPattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def is_brand_scoped(route: Route) -> bool:
    return not any(pattern.match(route.text) for pattern in NOT_BRAND_SCOPED)


def tenant_models_with_ids() -> set[type[Model]]:
    """Every model a brand owns that an URL could name: a ``brand`` and a ``public_id``."""
    found = set()
    for model in apps.get_models():
        fields = {field.name: field for field in model._meta.get_fields()}
        brand = fields.get("brand")
        if brand is not None and brand.is_relation and brand.related_model is Brand and "public_id" in fields:
            found.add(model)
    return found


def model_for_parameter(name: str) -> type[Model] | None:
    if name in PARAMETER_MODELS:
        return PARAMETER_MODELS[name]
    for model in tenant_models_with_ids():
        if name == re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower() + "_id":
            return model
    return None


def unfillable(routes: list[Route]) -> list[str]:
    problems = []
    for route in filter(is_brand_scoped, routes):
        if route.regex:
            problems.append(f"/{route.text} is a regular expression: write it with path() and named converters")
        problems.extend(f"/{route.text} takes {name}" for name in route.parameters if model_for_parameter(name) is None)
    return problems


@pytest.fixture
def brand_a_objects(brand_a, alice, bob, settings, tmp_path) -> dict[type[Model], Model]:
    """One of each object brand A owns that has an id."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    account = TwitterAccountFactory(brand=brand_a, screen_name="acme_help")
    conversation = ConversationFactory(account=account, contact__name="Jordan Brinks")
    message = MessageFactory(conversation=conversation)
    attachment = Attachment.objects.create(
        brand=brand_a, message=message, kind="photo", state="stored", content_type="image/png"
    )
    attachment.file.save("a.png", ContentFile(PNG_1x1))
    label = LabelFactory(brand=brand_a)
    conversation.labels.add(label)
    welcome = WelcomeMessage.objects.create(brand=brand_a, account=account, name="hello", text="Hi there")
    objects = [
        account,
        conversation,
        conversation.contact,
        message,
        attachment,
        label,
        Note.objects.create(brand=brand_a, conversation=conversation, author=alice, text="VIP"),
        CannedResponse.objects.create(brand=brand_a, shortcut="hours", title="Hours", text="9 to 5"),
        BotRule.objects.create(
            brand=brand_a, name="refunds", trigger="keywords", keywords="refund", response_text="On it"
        ),
        CustomProfileFactory(account=account),
        welcome,
        WelcomeMessageRule.objects.create(brand=brand_a, account=account, welcome_message=welcome),
        WebhookEvent.objects.create(brand=brand_a, body="{}", status=WebhookEvent.Status.PROCESSED),
        bob.memberships.get(),
        invitation_create(
            actor=alice.memberships.get(), brand=brand_a, email="new@acme.example", role=Role.AGENT
        ).invitation,
        api_token_create(membership=bob.memberships.get(), name="Bob's script").token,
    ]
    return {type(obj): obj for obj in objects}


def brand_rows(brand: Brand) -> dict[str, list[dict]]:
    """Everything brand A owns, as it stands in the database."""
    return {
        model.__name__: list(model.objects.filter(brand=brand).order_by("pk").values())
        for model in sorted(tenant_models_with_ids(), key=lambda model: model.__name__)
    }


def answers(client: Client, method: str, url: str, *, api: bool) -> int:
    if not api:
        return getattr(client, method)(url, FORM if method != "get" else None).status_code
    body = {} if method == "get" else {"data": json.dumps(JSON_BODIES[method]), "content_type": "application/json"}
    return getattr(client, method)(url, **body).status_code


def test_the_outsider_gets_a_404_for_every_id_of_another_brand_on_every_url(client, charlie, brand_a, brand_a_objects):
    # Ninja lists a path once per operation (GET and PATCH of one conversation): once is enough.
    routes = list(dict.fromkeys(route for route in every_route() if route.parameters and is_brand_scoped(route)))
    assert not unfillable(routes), (
        "brand URLs this test cannot fill with one of brand A's objects: add the object to brand_a_objects, "
        "or the route to NOT_BRAND_SCOPED with the reason:\n" + "\n".join(unfillable(routes))
    )
    assert tenant_models_with_ids() <= set(brand_a_objects), "brand_a_objects needs one of each tenant model"
    assert any(route.text.startswith(API_PREFIX) for route in routes)
    client.force_login(charlie)
    api = Client(
        headers={"Authorization": f"Bearer {api_token_create(membership=charlie.memberships.get(), name='x').secret}"}
    )
    before = brand_rows(brand_a)
    leaks = []
    for route in routes:
        on_api = route.text.startswith(API_PREFIX)
        theirs = route.fill(
            {name: str(brand_a_objects[model_for_parameter(name)].public_id) for name in route.parameters}
        )
        nowhere = route.fill({name: str(uuid.uuid4()) for name in route.parameters})
        caller = api if on_api else client
        statuses = {
            method: answers(caller, method, theirs, api=on_api) for method in (API_METHODS if on_api else WEB_METHODS)
        }
        for method, status in statuses.items():
            # A method the route does not take is refused before any id is looked at: the
            # same answer as for an id that exists nowhere, so it tells Charlie nothing.
            refused_anyway = status == 405 and answers(caller, method, nowhere, api=on_api) == 405
            if status != 404 and not refused_anyway:
                leaks.append(f"{method.upper()} {theirs} ({route.text}) -> {status}")
        if 404 not in statuses.values():
            leaks.append(f"{route.text}: no method answered 404 ({statuses})")
    assert not leaks, "the outsider reached brand A's objects:\n" + "\n".join(leaks)
    assert brand_rows(brand_a) == before


def test_the_walk_notices_a_new_brand_url_it_cannot_fill():
    def widget(request, widget_id):  # noqa: ANN001, ANN202
        raise AssertionError("never called")

    routes = every_route([path("settings/widgets/<str:widget_id>", widget), *get_resolver().url_patterns])

    assert unfillable(routes) == ["/settings/widgets/<str:widget_id> takes widget_id"]
