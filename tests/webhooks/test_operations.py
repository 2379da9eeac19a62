"""Replay, backfill, webhook health and the private attachment view."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import responses
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from engagement.models import Attachment, Message
from tests.factories import MessageFactory, TwitterAccountFactory, UserFactory
from tests.helpers import wait_until
from tests.webhooks import payloads as p
from webhooks.models import WebhookEvent, WebhookRegistration
from webhooks.services import webhook_health_check

API = "http://127.0.0.1:8000/sandbox/api"


@pytest.fixture
def api(settings):
    settings.TWITTER_API_URL = API
    settings.PUBLIC_URL = "https://roost.example.com"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def failed_event(account, text: str) -> WebhookEvent:
    return WebhookEvent.objects.create(
        body=json.dumps(p.direct_messages(p.message_event(text=text), for_user_id=account.twitter_user_id)),
        status=WebhookEvent.Status.FAILED,
        attempts=5,
        last_error="OperationalError: the database was away",
    )


@pytest.mark.worker
def test_replay_by_id_processes_a_failed_event_again(celery_worker):
    account = TwitterAccountFactory()
    event = failed_event(account, "replay me")
    call_command("replay_webhook_events", "--id", str(event.public_id), stdout=StringIO())
    wait_until(lambda: Message.objects.filter(text="replay me").exists(), what="the replayed event")
    event.refresh_from_db()
    assert (event.status, event.last_error) == ("processed", "")


@pytest.mark.django_db
def test_replay_needs_a_selection_and_refuses_unknown_ids():
    with pytest.raises(CommandError, match="say which events"):
        call_command("replay_webhook_events")
    with pytest.raises(CommandError, match="match no event"):
        call_command("replay_webhook_events", "--id", "0f0e0d0c-0000-4000-8000-000000000000")
    with pytest.raises(CommandError, match="--since must be a date"):
        call_command("replay_webhook_events", "--since", "yesterday")


@pytest.mark.worker
def test_replay_by_time_range_and_status(celery_worker):
    account = TwitterAccountFactory()
    failed_event(account, "in range")
    out = StringIO()
    call_command("replay_webhook_events", "--since", "2000-01-01T00:00", "--status", "failed", stdout=out)
    assert "1 event(s) will be processed again" in out.getvalue()
    wait_until(lambda: Message.objects.filter(text="in range").exists(), what="the replayed event")


@pytest.mark.worker
def test_the_admin_replays_selected_events_for_staff(client, celery_worker):
    account = TwitterAccountFactory()
    event = failed_event(account, "from the admin")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    changelist = reverse("admin:webhooks_webhookevent_changelist")
    page = client.get(changelist)
    assert "failed: 1" in page.text
    client.post(changelist, {"action": "replay", "_selected_action": [event.pk]})
    wait_until(lambda: Message.objects.filter(text="from the admin").exists(), what="the replayed event")


@pytest.mark.django_db
def test_brands_never_see_the_webhook_log(client, alice):
    client.force_login(alice)
    assert client.get(reverse("admin:webhooks_webhookevent_changelist")).status_code == 403


@pytest.mark.worker
@pytest.mark.wire_1_1
def test_backfill_records_missed_messages_once(api, celery_worker):
    account = TwitterAccountFactory(twitter_user_id=p.BRAND_ID, screen_name="acme_help")
    already = p.message_event(event_id="5001", text="already here")
    missed = p.message_event(event_id="5002", text="missed while down")
    # The live copy of 5001 arrived through the webhook before the outage.
    MessageFactory(conversation__account=account, external_id="5001", text="already here")
    api.get(
        f"{API}/1.1/direct_messages/events/list.json",
        json={
            "events": [
                dict(missed, created_timestamp="1900000000000"),
                dict(already, created_timestamp="1899999999000"),
            ]
        },
    )
    api.post(f"{API}/1.1/users/lookup.json", json=[p.tweet_user()])
    out = StringIO()
    call_command("backfill_direct_messages", "--account", "acme_help", "--since", "2000-01-01T00:00", stdout=out)
    assert "2 message event(s) found" in out.getvalue()
    wait_until(lambda: Message.objects.filter(external_id="5002").exists(), what="the backfilled message")
    assert Message.objects.filter(external_id="5001").count() == 1
    assert WebhookEvent.objects.get().source == "backfill"
    assert Message.objects.get(external_id="5002").conversation.contact.screen_name == "furiouscamper"


@pytest.mark.worker
def test_backfill_through_the_sandbox_finds_what_the_webhook_missed_on_either_wire(wired, celery_worker):
    from sandbox.services import customer_send_dm
    from tests.sandbox.support import PNG_1x1

    # Not subscribed: the webhook never hears of these.
    customer_send_dm(sender=wired.customer, recipient=wired.twitter_account, text="Anyone there?")
    customer_send_dm(sender=wired.customer, recipient=wired.twitter_account, text="Here is the label", image=PNG_1x1)
    out = StringIO()
    call_command("backfill_direct_messages", "--account", "acme_help", "--since", "2000-01-01T00:00", stdout=out)
    assert "2 message event(s) found" in out.getvalue()
    labelled = wait_until(lambda: Message.objects.filter(text="Here is the label").first(), what="the backfilled DMs")
    assert Message.objects.filter(text="Anyone there?", direction="inbound").count() == 1
    assert labelled.conversation.contact.name == "Jordan Brinks"
    wait_until(lambda: labelled.attachments.filter(state=Attachment.State.STORED).exists(), what="the image")


@pytest.mark.django_db
def test_backfill_refuses_an_unknown_account():
    with pytest.raises(CommandError, match="no connected account @nobody"):
        call_command("backfill_direct_messages", "--account", "nobody")


@pytest.mark.django_db
@pytest.mark.wire_1_1
def test_the_health_check_re_triggers_the_crc_of_an_invalid_webhook(api):
    url = f"{API}/1.1/account_activity/all/prod/webhooks.json"
    ours = {"id": "77", "url": "https://roost.example.com/webhooks/twitter/", "valid": False}
    api.get(url, json=[ours])
    crc = api.put(f"{API}/1.1/account_activity/all/prod/webhooks/77.json", status=204)
    api.get(url, json=[dict(ours, valid=True)])
    registration = webhook_health_check()
    assert crc.call_count == 1
    assert registration.valid
    assert WebhookRegistration.objects.get().last_crc_ok_at is not None


@pytest.mark.django_db
@pytest.mark.wire_1_1
def test_the_health_check_leaves_a_valid_webhook_alone(api):
    api.get(
        f"{API}/1.1/account_activity/all/prod/webhooks.json",
        json=[{"id": "77", "url": "https://roost.example.com/webhooks/twitter/", "valid": True}],
    )
    crc = api.put(f"{API}/1.1/account_activity/all/prod/webhooks/77.json", status=204)
    assert webhook_health_check().valid
    assert crc.call_count == 0


@pytest.fixture
def stored_attachment(brand_a):
    message = MessageFactory(conversation__account=TwitterAccountFactory(brand=brand_a))
    attachment = Attachment.objects.create(
        brand=brand_a, message=message, kind="photo", content_type="image/png", state="stored", filename="a.png"
    )
    attachment.file.save("a.png", ContentFile(b"\x89PNGdata"))
    return attachment


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_brands_people_can_open_a_customers_media(client, stored_attachment, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("attachment_file", args=[stored_attachment.public_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNGdata"
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_outsider_gets_a_404_for_our_media(client, stored_attachment, charlie):
    client.force_login(charlie)
    assert client.get(reverse("attachment_file", args=[stored_attachment.public_id])).status_code == 404


@pytest.mark.django_db
def test_media_needs_a_login(client, stored_attachment):
    response = client.get(reverse("attachment_file", args=[stored_attachment.public_id]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_pending_download_is_not_served(client, stored_attachment, alice):
    stored_attachment.state = "pending"
    stored_attachment.save()
    client.force_login(alice)
    assert client.get(reverse("attachment_file", args=[stored_attachment.public_id])).status_code == 404
