"""The front door: nothing forged gets in, nothing accepted is lost, Twitter gets its answer fast."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.utils import timezone

from config import queue
from config.celery import app as celery_app
from engagement.models import Message
from tests.factories import TwitterAccountFactory
from tests.helpers import wait_until
from tests.webhooks.payloads import BRAND_ID, direct_messages, encode, message_event, post_signed
from webhooks.models import WebhookEvent
from webhooks.services import webhook_events_sweep

pytestmark = pytest.mark.django_db


def test_a_signed_event_is_stored_byte_for_byte_before_the_200(client):
    body = encode(direct_messages(message_event()))
    response = post_signed(client, body)
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.body.encode() == body
    assert event.for_user_id == BRAND_ID
    assert event.event_types == "direct_message_events"
    assert event.status == WebhookEvent.Status.PENDING


@pytest.mark.parametrize("for_user_id", ["\u0000", "12\u00003", "not-an-id", ["1"], "\u00b2", "\uff11\uff12"])
def test_a_for_user_id_that_is_not_a_twitter_id_is_not_kept(client, for_user_id):
    # PostgreSQL cannot store NUL in text: keeping "\u0000" as the routing id answered 500.
    response = post_signed(client, {"for_user_id": for_user_id})
    assert response.status_code == 200
    assert WebhookEvent.objects.get().for_user_id == ""


def test_a_forged_signature_is_refused_and_nothing_is_written(client):
    response = post_signed(client, direct_messages(message_event()), signature="sha256=forged")
    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_a_missing_signature_is_refused(client):
    response = client.post("/webhooks/twitter/", encode(direct_messages()), content_type="application/json")
    assert response.status_code == 403
    assert not WebhookEvent.objects.exists()


def test_a_signature_for_another_body_is_refused(client):
    from tests.webhooks.payloads import signature_for

    other = signature_for(encode(direct_messages(message_event(text="something else"))))
    assert post_signed(client, direct_messages(message_event()), signature=other).status_code == 403
    assert not WebhookEvent.objects.exists()


def test_an_oversized_body_is_refused(client):
    body = b'{"for_user_id": "1", "padding": "' + b"x" * (1024 * 1024) + b'"}'
    assert post_signed(client, body).status_code == 413
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize("length", ["\u00b2", "9" * 5000, "12x"])
def test_a_content_length_that_is_no_number_is_a_400_not_a_500(client, length):
    from tests.webhooks.payloads import signature_for

    body = encode(direct_messages(message_event()))
    response = client.generic(
        "POST",
        "/webhooks/twitter/",
        body,
        content_type="application/json",
        CONTENT_LENGTH=length,
        HTTP_X_TWITTER_WEBHOOKS_SIGNATURE=signature_for(body),
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_invalid_json_with_a_valid_signature_is_a_400(client):
    assert post_signed(client, b"{not json").status_code == 400
    assert post_signed(client, b"\xff\xfe{}").status_code == 400
    assert not WebhookEvent.objects.exists()


def test_only_get_and_post_are_answered(client):
    assert client.put("/webhooks/twitter/").status_code == 405


def test_the_webhook_needs_no_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post_signed(strict, direct_messages(message_event())).status_code == 200


@pytest.fixture
def broker_down(monkeypatch):
    """Point publishing at a port where nothing listens: a real refused connection."""
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    queue.reset_publish_pools()
    yield
    monkeypatch.undo()
    queue.reset_publish_pools()


def test_with_the_broker_down_the_event_is_still_accepted_at_once(client, broker_down):
    started = time.monotonic()
    response = post_signed(client, direct_messages(message_event()))
    assert response.status_code == 200
    assert time.monotonic() - started < 1.0
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PENDING


@pytest.mark.worker
def test_an_event_accepted_while_the_broker_was_down_is_processed_once_it_is_back(client, celery_worker, monkeypatch):
    TwitterAccountFactory(twitter_user_id=BRAND_ID)
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    queue.reset_publish_pools()
    assert post_signed(client, direct_messages(message_event(text="while redis was down"))).status_code == 200
    monkeypatch.undo()
    queue.reset_publish_pools()

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=2)):
        assert webhook_events_sweep() == 1
    wait_until(lambda: Message.objects.filter(text="while redis was down").exists(), what="the swept event")
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PROCESSED


def test_events_of_a_batch_interrupted_by_a_database_outage_are_handed_out_within_two_minutes():
    # A worker claimed a batch and then lost PostgreSQL: it could not record the outcome, so
    # the events stay `processing` until the sweep decides the claim is stale.
    TwitterAccountFactory(twitter_user_id=BRAND_ID)
    event = WebhookEvent.objects.create(body=encode(direct_messages(message_event())).decode(), for_user_id=BRAND_ID)
    claimed_at = timezone.now()
    WebhookEvent.objects.filter(pk=event.pk).update(status=WebhookEvent.Status.PROCESSING, claimed_at=claimed_at)

    with time_machine.travel(claimed_at + timezone.timedelta(seconds=90)):
        assert webhook_events_sweep() == 1

    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PENDING
