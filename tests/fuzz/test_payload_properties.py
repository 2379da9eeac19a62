"""Property tests: any JSON shape through the payload parser and the processing pipeline."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engagement.models import Contact, Conversation, Message
from tests.factories import TwitterAccountFactory
from tests.webhooks import payloads as p
from webhooks.models import WebhookEvent
from webhooks.parsing import EVENT_KEYS, PayloadError, parse_payload
from webhooks.services import webhook_event_process

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)
ids = st.integers(min_value=0, max_value=10**19).map(str) | json_scalars

# Payloads shaped like Twitter's (§5), with any value anywhere a value can go.
message_events = st.fixed_dictionaries(
    {"type": st.sampled_from(["message_create", "other"]) | json_scalars, "id": ids, "created_timestamp": json_values},
    optional={
        "message_create": st.fixed_dictionaries(
            {"target": st.fixed_dictionaries({"recipient_id": ids}) | json_values, "sender_id": ids},
            optional={
                "message_data": json_values | st.fixed_dictionaries({"text": st.text(max_size=50) | json_values})
            },
        )
        | json_values,
        "initiated_via": json_values,
    },
)
shaped_payloads = st.fixed_dictionaries(
    {"for_user_id": ids},
    optional={
        "direct_message_events": st.lists(message_events | json_values, max_size=3) | json_values,
        "tweet_create_events": st.lists(json_values, max_size=2) | json_values,
        "follow_events": st.lists(json_values, max_size=2) | json_values,
        "direct_message_indicate_typing_events": st.lists(json_values, max_size=2) | json_values,
        "users": json_values,
        "user_event": json_values,
    },
)
any_payload = json_values | shaped_payloads | st.dictionaries(st.sampled_from(EVENT_KEYS), json_values, max_size=3)


@given(any_payload)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_the_parser_returns_events_or_a_clear_refusal_for_any_json(payload):
    try:
        parsed = parse_payload(json.dumps(payload))
    except PayloadError as error:
        assert str(error)  # says what is wrong
    else:
        assert isinstance(parsed.events, list)


@given(st.binary(max_size=200))
def test_the_parser_refuses_bytes_that_are_not_json(body):
    try:
        parse_payload(body)
    except PayloadError:
        pass


@pytest.mark.django_db
@given(any_payload)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
def test_processing_any_payload_writes_everything_or_nothing(payload):
    # Each example in its own savepoint, rolled back after: examples never see each other.
    with transaction.atomic():
        TwitterAccountFactory(twitter_user_id=p.BRAND_ID)
        before = (Message.objects.count(), Contact.objects.count(), Conversation.objects.count())
        event = WebhookEvent.objects.create(body=json.dumps(payload))
        webhook_event_process(event_id=event.pk)
        event.refresh_from_db()
        assert event.status in {"processed", "ignored", "failed", "pending"}
        if event.status in {"failed", "pending"}:
            assert event.last_error  # a clear failure state
            assert (Message.objects.count(), Contact.objects.count(), Conversation.objects.count()) == before
        transaction.set_rollback(True)


@pytest.mark.django_db
@given(st.binary(max_size=300) | any_payload.map(lambda payload: json.dumps(payload).encode()))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
def test_the_webhook_answers_any_signed_body_without_a_500(body):
    from django.test import Client

    with transaction.atomic():
        response = p.post_signed(Client(), body)
        assert response.status_code in (200, 400)
        assert WebhookEvent.objects.exists() is (response.status_code == 200)
        transaction.set_rollback(True)
