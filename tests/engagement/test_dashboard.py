"""The agent dashboard: every page and fragment, each role, the outsider, and flat queries."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from engagement.models import Attachment, CannedResponse, Contact, Conversation, Message, Note
from engagement.services.conversation_actions import conversation_assign
from tests.factories import (
    ConversationFactory,
    LabelFactory,
    MembershipFactory,
    MessageFactory,
    TwitterAccountFactory,
    UserFactory,
)
from tests.sandbox.support import PNG_1x1

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(brand_a):
    return TwitterAccountFactory(brand=brand_a, screen_name="acme_help")


@pytest.fixture
def conversation(account):
    conversation = ConversationFactory(account=account, contact__screen_name="jordan", contact__name="Jordan Brinks")
    MessageFactory(conversation=conversation, text="Where is my order #1234?", sent_at=timezone.now())
    return conversation


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


# --- the inbox ---------------------------------------------------------------------------
def test_the_inbox_lists_open_conversations_with_counts(client, bob, conversation):
    client.force_login(bob)
    page = client.get("/")
    assert page.status_code == 200
    assert "Jordan Brinks" in page.text
    assert "Where is my order #1234?" in page.text
    assert (
        'id="count-open">1' in page.text.replace("\n", "").replace(" ", "").replace('"count"', '"count"')
        or "count-open" in page.text
    )


def test_views_keep_direct_messages_and_mentions_apart(client, bob, account):
    ConversationFactory(account=account, contact__name="Dana DM")
    ConversationFactory(account=account, kind="mention", contact__name="Morgan Mention")
    client.force_login(bob)
    assert "Morgan Mention" not in client.get("/?view=open").text
    mentions = client.get("/?view=mentions").text
    assert "Morgan Mention" in mentions and "Dana DM" not in mentions


def test_mine_and_unassigned(client, bob, account):
    mine = ConversationFactory(account=account, contact__name="Mine Person", assignee=bob)
    ConversationFactory(account=account, contact__name="Free Person")
    client.force_login(bob)
    assert "Mine Person" in client.get("/?view=mine").text
    assert "Free Person" not in client.get("/?view=mine").text
    assert "Mine Person" not in client.get("/?view=unassigned").text
    assert mine.assignee == bob


def test_search_by_contact_and_text_and_filter_by_label(client, bob, brand_a, account):
    vip = LabelFactory(brand=brand_a, name="vip")
    tagged = ConversationFactory(account=account, contact__name="Tagged Person")
    tagged.labels.add(vip)
    said = ConversationFactory(account=account, contact__name="Someone Else")
    MessageFactory(conversation=said, text="my parcel is broken")
    client.force_login(bob)
    assert "Someone Else" in client.get("/?q=parcel").text
    assert "Tagged Person" not in client.get("/?q=parcel").text
    assert "Tagged Person" in client.get("/?q=tagged").text
    labelled = client.get(f"/?label={vip.public_id}").text
    assert "Tagged Person" in labelled and "Someone Else" not in labelled


def test_pagination_continues_with_a_cursor(client, bob, account):
    now = timezone.now()
    for n in range(35):
        ConversationFactory(
            account=account, contact__name=f"Person {n:02d}", last_message_at=now - timedelta(minutes=n)
        )
    client.force_login(bob)
    first = client.get("/").text
    assert "Person 00" in first and "Person 34" not in first
    cursor = first.split("cursor=")[1].split('"')[0].split("&")[0]
    more = client.get(f"{url('inbox_list')}?view=open&cursor={cursor}").text
    assert "Person 34" in more and "Person 00" not in more


@pytest.mark.parametrize(
    "values",
    [
        "garbage",
        ["2026-02-31T10:00:00+00:00", 1],  # no such day
        ["0001-01-01T00:00:00+05:00", 1],  # before year 1 in UTC
        ["2026-01-01T10:00:00+00:00", 2**64],  # no such row id
        ["2026-01-01T10:00:00+00:00", True],
        [None, 1],
    ],
)
def test_a_bad_or_forged_cursor_is_a_clear_400(client, bob, conversation, values):
    cursor = values if isinstance(values, str) else base64.urlsafe_b64encode(json.dumps(values).encode()).decode()
    client.force_login(bob)
    response = client.get(f"{url('inbox_list')}?cursor={cursor}")
    assert response.status_code == 400
    thread = client.get(f"{url('conversation_thread', conversation.public_id)}?before={cursor}")
    assert thread.status_code == 400


def test_the_polled_list_answers_204_when_nothing_changed(client, bob, conversation):
    client.force_login(bob)
    first = client.get(url("inbox_list"))
    version = first.text.split("version=")[1].split("&")[0]
    assert client.get(f"{url('inbox_list')}?view=open&version={version}").status_code == 204
    MessageFactory(conversation=conversation, text="one more thing", sent_at=timezone.now())
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=timezone.now(), unread_count=2)
    assert client.get(f"{url('inbox_list')}?view=open&version={version}").status_code == 200


def test_a_new_brand_is_told_to_connect_an_account(client, alice):
    client.force_login(alice)
    page = client.get("/").text
    assert "Connect a Twitter account" in page


def test_an_agent_of_a_brand_without_accounts_is_told_to_ask(client, bob):
    client.force_login(bob)
    assert "Ask an owner or admin to connect one." in client.get("/").text


def test_a_brand_without_conversations_gets_its_dm_deep_link(client, alice, account):
    client.force_login(alice)
    page = client.get("/").text
    assert f"https://twitter.com/messages/compose?recipient_id={account.twitter_user_id}" in page


def test_someone_in_no_brand_sees_a_welcome(client):
    client.force_login(UserFactory())
    page = client.get("/")
    assert page.status_code == 200
    assert "not a member of any brand" in page.text


def test_the_inbox_needs_a_login(client):
    assert client.get("/").status_code == 302


def test_the_inbox_stays_flat_as_conversations_grow(client, bob, account, django_assert_max_num_queries):
    labels = [LabelFactory(brand=account.brand) for _ in range(3)]
    for n in range(40):
        conversation = ConversationFactory(account=account, assignee=bob if n % 2 else None)
        conversation.labels.set(labels)
        MessageFactory(conversation=conversation)
    client.force_login(bob)
    with django_assert_max_num_queries(16):
        assert client.get("/").status_code == 200


# --- a conversation ----------------------------------------------------------------------
def test_the_conversation_page_shows_the_whole_thread(client, bob, conversation, brand_a):
    profile_message = MessageFactory(
        conversation=conversation,
        direction="outbound",
        origin="agent",
        status="failed",
        external_id=None,
        text="We are on it",
        error="Twitter refused: this person does not accept Direct Messages from the account.",
        quick_replies=[{"label": "Thanks", "metadata": "thanks"}],
        buttons=[{"label": "Track", "url": "https://example.com/track"}],
    )
    tapped = MessageFactory(
        conversation=conversation, text="Thanks", quick_reply_response={"type": "options", "metadata": "thanks"}
    )
    image = Attachment.objects.create(
        brand=brand_a, message=tapped, kind="photo", content_type="image/png", state="stored"
    )
    image.file.save("x.png", ContentFile(PNG_1x1))
    client.force_login(bob)
    page = client.get(url("conversation", conversation.public_id)).text
    assert "Where is my order #1234?" in page
    assert "does not accept Direct Messages" in page and "Retry" in page
    assert ">Thanks</li>" in page  # the option offered
    assert "Tapped an option" in page and "thanks" in page
    assert 'href="https://example.com/track"' in page
    assert url("attachment_file", image.public_id) in page
    assert profile_message.text in page


def test_the_thread_marks_the_newest_reply_the_customer_read_as_seen(client, bob, conversation):
    for external_id in ("100", "200", "\u00b2"):  # "²" is no Twitter id: never compared
        MessageFactory(
            conversation=conversation, direction="outbound", origin="agent", status="sent", external_id=external_id
        )
    conversation.customer_last_read_event_id = "150"
    conversation.save()
    client.force_login(bob)
    page = client.get(url("conversation", conversation.public_id))
    assert page.status_code == 200
    assert page.text.count(">Seen<") == 1
    conversation.customer_last_read_event_id = "\u00b2"
    conversation.save()
    page = client.get(url("conversation", conversation.public_id))
    assert (page.status_code, page.text.count(">Seen<")) == (200, 0)


def test_customer_text_is_escaped(client, bob, account):
    evil = ConversationFactory(account=account, contact__name="<script>alert(1)</script>")
    MessageFactory(conversation=evil, text="<img src=x onerror=alert(2)>")
    client.force_login(bob)
    page = client.get(url("conversation", evil.public_id)).text
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x onerror=alert(2)>" not in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page


def test_opening_a_conversation_clears_its_unread_count(client, bob, conversation):
    Conversation.objects.filter(pk=conversation.pk).update(unread_count=3)
    client.force_login(bob)
    client.get(url("conversation", conversation.public_id))
    conversation.refresh_from_db()
    assert conversation.unread_count == 0


def test_the_thread_stays_flat_as_messages_grow(client, bob, conversation, django_assert_max_num_queries):
    for n in range(120):
        MessageFactory(conversation=conversation, text=f"message {n}", sent_at=timezone.now() + timedelta(seconds=n))
    client.force_login(bob)
    with django_assert_max_num_queries(12):
        page = client.get(url("conversation_thread", conversation.public_id))
    assert "message 119" in page.text and "message 50" not in page.text
    cursor = page.text.split("before=")[1].split('"')[0]
    older = client.get(f"{url('conversation_thread', conversation.public_id)}?before={cursor}").text
    assert "message 69" in older and "message 119" not in older


def test_the_polled_thread_answers_204_when_nothing_changed(client, bob, conversation):
    client.force_login(bob)
    first = client.get(url("conversation_thread", conversation.public_id)).text
    version = first.split("version=")[1].split('"')[0]
    assert client.get(f"{url('conversation_thread', conversation.public_id)}?version={version}").status_code == 204


def test_a_reply_is_queued_and_shown_at_once(client, bob, conversation):
    client.force_login(bob)
    response = client.post(
        url("conversation_reply", conversation.public_id),
        {
            "text": "On its way!",
            "quick_replies": "Thanks | | thanks",
            "buttons": "Track | https://example.com",
            "idempotency_key": "k1",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "roost:replied"
    assert "On its way!" in response.text and "Queued" in response.text
    sent = Message.objects.get(direction="outbound")
    assert sent.quick_replies == [{"label": "Thanks", "metadata": "thanks"}]
    assert sent.buttons == [{"label": "Track", "url": "https://example.com"}]
    conversation.refresh_from_db()
    assert conversation.assignee == bob  # the first reply assigns it to them
    again = client.post(
        url("conversation_reply", conversation.public_id), {"text": "On its way!", "idempotency_key": "k1"}
    )
    assert again.status_code == 200
    assert Message.objects.filter(direction="outbound").count() == 1  # a double submit sends once


def test_a_reply_with_an_image(client, bob, conversation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(bob)
    upload = SimpleUploadedFile("photo.png", PNG_1x1, content_type="image/png")
    response = client.post(url("conversation_reply", conversation.public_id), {"text": "", "attachment": upload})
    assert response.status_code == 200
    assert Message.objects.get(direction="outbound").attachments.get().content_type == "image/png"


def test_a_reply_breaking_limits_comes_back_with_the_reason_and_nothing_queued(client, bob, conversation):
    client.force_login(bob)
    response = client.post(url("conversation_reply", conversation.public_id), {"text": "hi", "quick_replies": "x" * 40})
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#composer"
    assert "at most 36 characters" in response.text
    assert 'value="hi"' in response.text or ">hi</textarea>" in response.text
    empty = client.post(url("conversation_reply", conversation.public_id), {"text": "   "})
    assert "Write something" in empty.text
    fake = client.post(
        url("conversation_reply", conversation.public_id),
        {"text": "hi", "attachment": ContentFile(b"%PDF-1.4", name="a.pdf")},
    )
    assert "only JPEG, PNG, GIF, WEBP images and MP4 videos" in fake.text
    assert not Message.objects.filter(direction="outbound").exists()


def test_status_assignee_and_labels_change_and_are_audited(client, bob, dana, brand_a, conversation):
    label = LabelFactory(brand=brand_a, name="refund")
    client.force_login(bob)
    update = url("conversation_update", conversation.public_id)
    assert client.post(update, {"status": "pending"}).status_code == 200
    assert client.post(update, {"assignee": str(dana.public_id)}).status_code == 200
    assert client.post(update, {"labels_submitted": "1", "labels": [str(label.public_id)]}).status_code == 200
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assignee, list(conversation.labels.all())) == ("pending", dana, [label])
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"conversation.status", "conversation.assigned", "conversation.labels"} <= actions
    assert client.post(update, {"status": "lost"}).status_code == 400


def test_assigning_to_someone_outside_the_brand_is_a_404(client, bob, charlie, conversation):
    client.force_login(bob)
    response = client.post(url("conversation_update", conversation.public_id), {"assignee": str(charlie.public_id)})
    assert response.status_code == 404
    conversation.refresh_from_db()
    assert conversation.assignee is None


def test_a_search_with_nul_is_searched_without_it(client, bob, conversation):
    client.force_login(bob)
    CannedResponse.objects.create(brand=conversation.brand, shortcut="thanks", title="Thanks", text="Thank you!")
    for path in ("/", url("inbox_list")):
        response = client.get(path, {"q": "jor\x00dan"})
        assert response.status_code == 200
        assert "Jordan Brinks" in response.text
    canned = client.get(url("inbox_canned"), {"q": "/tha\x00"})
    assert [result["shortcut"] for result in canned.json()["results"]] == ["thanks"]


def test_notes_are_added(client, bob, conversation):
    client.force_login(bob)
    response = client.post(url("conversation_note", conversation.public_id), {"text": "VIP customer"})
    assert "VIP customer" in response.text
    assert Note.objects.get().author == bob
    assert client.post(url("conversation_note", conversation.public_id), {"text": " "}).status_code == 400
    assert client.post(url("conversation_note", conversation.public_id), {"text": "a\x00b"}).status_code == 400
    assert Note.objects.count() == 1


def test_a_tweet_posted_by_an_earlier_attempt_shows_sent_and_says_so(client, bob, conversation):
    from engagement.services.send_outcomes import POSTED_EARLIER

    MessageFactory(conversation=conversation, direction="outbound", origin="agent", status="sent", error=POSTED_EARLIER)
    client.force_login(bob)
    page = client.get(url("conversation", conversation.public_id)).text
    assert "badge-sent" in page and "Posted by an earlier attempt" in page


def test_a_failed_reply_is_retried_from_the_thread(client, bob, conversation):
    failed = MessageFactory(
        conversation=conversation, direction="outbound", origin="agent", status="failed", external_id=None
    )
    client.force_login(bob)
    response = client.post(url("message_retry", conversation.public_id, failed.public_id))
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == "queued"


def test_typing_and_presence_tell_other_agents(client, bob, dana, conversation):
    client.force_login(dana)
    assert client.post(url("conversation_typing", conversation.public_id)).status_code == 204
    client.force_login(bob)
    response = client.post(url("conversation_presence", conversation.public_id))
    assert "is typing a reply" in response.text
    assert "dana" in response.text.lower()


def test_canned_responses_for_the_composer(client, bob, brand_a, brand_b):
    CannedResponse.objects.create(
        brand=brand_a, shortcut="refund", title="Refund policy", text="We refund within 30 days."
    )
    CannedResponse.objects.create(brand=brand_b, shortcut="reference", title="Theirs", text="not ours")
    client.force_login(bob)
    results = client.get(f"{url('inbox_canned')}?q=re").json()["results"]
    assert [r["shortcut"] for r in results] == ["refund"]


def test_notifications_for_assignments_and_customers_writing_again(client, bob, dana, conversation):
    since = (timezone.now() - timedelta(seconds=1)).isoformat()
    conversation_assign(conversation=conversation, assignee=bob, by=dana)
    MessageFactory(conversation=conversation, text="Hello again?")
    client.force_login(bob)
    notes = client.get(url("inbox_notifications"), {"since": since}).json()["notifications"]
    kinds = {note["kind"] for note in notes}
    assert kinds == {"assigned", "message"}
    assert all(note["url"] == f"/c/{conversation.public_id}" for note in notes)


# --- erasing a contact, the audit log ------------------------------------------------------
def test_an_admin_erases_a_contact_with_everything_theirs(
    client, dana, brand_a, conversation, django_capture_on_commit_callbacks
):
    attachment = Attachment.objects.create(
        brand=brand_a, message=conversation.messages.first(), kind="photo", state="stored", content_type="image/png"
    )
    attachment.file.save("y.png", ContentFile(PNG_1x1))
    path = attachment.file.name
    client.force_login(dana)
    contact = conversation.contact
    refused = client.post(url("contact_erase", contact.public_id), {"confirm": "nope"})
    assert refused.status_code == 302 and Contact.objects.filter(pk=contact.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("contact_erase", contact.public_id), {"confirm": "erase"})
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Message.objects.exists() and not Conversation.objects.exists()
    from django.core.files.storage import default_storage

    assert not default_storage.exists(path)
    assert AuditEvent.objects.get(action="contact.erased").actor == dana


def test_agents_cannot_erase_contacts_or_read_the_audit_log(client, bob, conversation):
    client.force_login(bob)
    assert client.post(url("contact_erase", conversation.contact.public_id), {"confirm": "erase"}).status_code == 403
    assert Contact.objects.exists()
    assert client.get(url("audit_log")).status_code == 403


def test_admins_read_the_audit_log(client, dana, bob, conversation):
    conversation_assign(conversation=conversation, assignee=bob, by=dana)
    client.force_login(dana)
    page = client.get(url("audit_log")).text
    assert "assigned the conversation with" in page


# --- the outsider ---------------------------------------------------------------------------
def test_the_outsider_gets_a_404_on_every_conversation_url(client, charlie, conversation, brand_a):
    message = conversation.messages.first()
    attachment = Attachment.objects.create(
        brand=brand_a, message=message, kind="photo", state="stored", content_type="image/png"
    )
    attachment.file.save("z.png", ContentFile(PNG_1x1))
    client.force_login(charlie)
    c = conversation.public_id
    for path, method in [
        (url("conversation", c), "get"),
        (url("conversation_thread", c), "get"),
        (url("conversation_reply", c), "post"),
        (url("conversation_typing", c), "post"),
        (url("conversation_presence", c), "post"),
        (url("conversation_update", c), "post"),
        (url("conversation_note", c), "post"),
        (url("message_retry", c, message.public_id), "post"),
        (url("attachment_file", attachment.public_id), "get"),
    ]:
        response = getattr(client, method)(path, {"text": "x", "status": "resolved"} if method == "post" else None)
        assert response.status_code == 404, path
    assert client.post(url("contact_erase", conversation.contact.public_id), {"confirm": "erase"}).status_code == 404
    assert "Jordan Brinks" not in client.get("/").text
    conversation.refresh_from_db()
    assert conversation.status == "open" and not Message.objects.filter(direction="outbound").exists()


def test_each_role_may_work_the_inbox(client, alice, bob, dana, conversation):
    for person in (alice, bob, dana):
        client.force_login(person)
        assert client.get(url("conversation", conversation.public_id)).status_code == 200


def test_a_member_of_two_brands_sees_the_current_ones_conversations(client, bob, brand_b, conversation):
    MembershipFactory(brand=brand_b, user=bob, role=Role.AGENT)
    theirs = ConversationFactory(account=TwitterAccountFactory(brand=brand_b), contact__name="Bolt Customer")
    client.force_login(bob)
    assert "Bolt Customer" not in client.get("/").text
    client.post(reverse("brand_switch"), {"brand": str(brand_b.public_id)})
    assert "Bolt Customer" in client.get("/").text
    assert client.get(url("conversation", conversation.public_id)).status_code == 404
    assert client.get(url("conversation", theirs.public_id)).status_code == 200
