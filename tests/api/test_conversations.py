"""GET /conversations (filters, pages), GET and PATCH /conversations/{id}."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from accounts.models import AuditEvent
from engagement.models import Conversation
from engagement.selectors.pagination import encode_cursor
from tests.api.conftest import error_fields
from tests.factories import (
    ContactFactory,
    ConversationFactory,
    LabelFactory,
    MessageFactory,
    TwitterAccountFactory,
)

pytestmark = pytest.mark.django_db


def ids(response) -> list[str]:
    return [item["id"] for item in response.json()["results"]]


# -- the list ------------------------------------------------------------------------------


def test_every_role_lists_the_brands_conversations_as_documented(api_as, member, conversation, bob):
    label = LabelFactory(brand=conversation.brand, name="vip")
    conversation.labels.add(label)
    Conversation.objects.filter(pk=conversation.pk).update(assignee=bob, unread_count=2)

    response = api_as(member).get("/conversations")

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    [item] = body["results"]
    contact, account = conversation.contact, conversation.account
    assert item == {
        "id": str(conversation.public_id),
        "status": "open",
        "kind": "direct_message",
        "assignee": str(bob.public_id),
        "labels": [{"id": str(label.public_id), "name": "vip"}],
        "account": {"id": str(account.public_id), "screen_name": "acme_help"},
        "contact": {
            "id": str(contact.public_id),
            "screen_name": contact.screen_name,
            "name": contact.name,
            "avatar_url": "",
        },
        "last_message_at": item["last_message_at"],
        "unread_count": 2,
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }
    assert datetime.fromisoformat(item["last_message_at"]) == conversation.last_message_at


def test_the_outsider_lists_none_of_another_brands_conversations(outsider, conversation, brand_b):
    theirs = ConversationFactory(account=TwitterAccountFactory(brand=brand_b))

    assert ids(outsider.get("/conversations")) == [str(theirs.public_id)]


def test_the_list_is_filtered_by_status_kind_and_text(api_as, bob, account_a):
    pending = ConversationFactory(account=account_a, status="pending")
    ConversationFactory(account=account_a)
    mention = ConversationFactory(account=account_a, kind="mention")
    spoken = ConversationFactory(account=account_a, contact=ContactFactory(brand=account_a.brand))
    MessageFactory(conversation=spoken, text="My order #4411 never came")
    api = api_as(bob)

    assert ids(api.get("/conversations", {"status": "pending"})) == [str(pending.public_id)]
    assert ids(api.get("/conversations", {"kind": "mention"})) == [str(mention.public_id)]
    assert ids(api.get("/conversations", {"q": "#4411"})) == [str(spoken.public_id)]


def test_the_list_is_filtered_by_assignee_label_and_account(api_as, bob, alice, account_a):
    vip = LabelFactory(brand=account_a.brand)
    alices = ConversationFactory(account=account_a, assignee=alice)
    alices.labels.add(vip)
    nobodys = ConversationFactory(account=account_a)
    other_account = ConversationFactory(account=TwitterAccountFactory(brand=account_a.brand))
    api = api_as(bob)

    assert ids(api.get("/conversations", {"assignee": str(alice.public_id)})) == [str(alices.public_id)]
    assert set(ids(api.get("/conversations", {"assignee": "none"}))) == {
        str(nobodys.public_id),
        str(other_account.public_id),
    }
    assert ids(api.get("/conversations", {"label": str(vip.public_id)})) == [str(alices.public_id)]
    assert ids(api.get("/conversations", {"account": str(other_account.account.public_id)})) == [
        str(other_account.public_id)
    ]


def test_filtering_by_another_brands_ids_matches_nothing(api_as, bob, conversation, charlie, brand_b):
    their_label = LabelFactory(brand=brand_b)
    their_account = TwitterAccountFactory(brand=brand_b)
    api = api_as(bob)

    for params in ({"assignee": str(charlie.public_id)}, {"label": str(their_label.public_id)}):
        assert ids(api.get("/conversations", params)) == []
    assert ids(api.get("/conversations", {"account": str(their_account.public_id)})) == []


def test_updated_after_gives_only_what_changed_since(api_as, bob, account_a):
    with time_machine.travel(datetime(2030, 1, 1, 9, 0, tzinfo=UTC), tick=False):
        ConversationFactory(account=account_a)
        changed = ConversationFactory(account=account_a)
    with time_machine.travel(datetime(2030, 1, 1, 10, 0, tzinfo=UTC), tick=False):
        changed.status = "pending"
        changed.save()
    api = api_as(bob)

    assert ids(api.get("/conversations", {"updated_after": "2030-01-01T09:30:00Z"})) == [str(changed.public_id)]
    # Without an offset the time is UTC; with one, it is honoured.
    assert ids(api.get("/conversations", {"updated_after": "2030-01-01T09:30:00"})) == [str(changed.public_id)]
    assert ids(api.get("/conversations", {"updated_after": "2030-01-01T11:30:00+02:00"})) == [str(changed.public_id)]
    assert ids(api.get("/conversations", {"updated_after": "2030-01-01T10:00:00Z"})) == []


def test_an_updated_at_passed_back_as_updated_after_does_not_repeat_the_conversation(api_as, bob, account_a):
    with time_machine.travel(datetime(2030, 1, 1, 9, 0, 0, 123456, tzinfo=UTC), tick=False):
        ConversationFactory(account=account_a)
    api = api_as(bob)
    [item] = api.get("/conversations").json()["results"]

    assert item["updated_at"] == "2030-01-01T09:00:00.123456Z"
    assert ids(api.get("/conversations", {"updated_after": item["updated_at"]})) == []


def test_pages_follow_next_links_through_every_conversation_once(api_as, bob, account_a):
    start = datetime(2030, 1, 1, tzinfo=UTC)
    everything = [
        ConversationFactory(account=account_a, status="pending", last_message_at=start + timedelta(minutes=n))
        for n in range(5)
    ]
    # Two at the same moment: the tie is broken by id, so neither is skipped nor repeated.
    everything[3].last_message_at = everything[2].last_message_at
    everything[3].save()
    ConversationFactory(account=account_a, status="open")  # filtered out on every page
    api = api_as(bob)

    seen, url, pages = [], "/conversations?status=pending&limit=2", 0
    while url:
        body = api.get(url).json()
        seen += [item["id"] for item in body["results"]]
        url, pages = body["next"], pages + 1
        if url:
            assert url.startswith("http://testserver/api/v1/conversations?")
            assert parse_qs(urlsplit(url).query)["status"] == ["pending"]
            assert parse_qs(urlsplit(url).query)["limit"] == ["2"]

    assert pages == 3
    assert sorted(seen) == sorted(str(c.public_id) for c in everything)
    assert len(seen) == len(set(seen))
    assert seen[0] == str(everything[4].public_id)  # newest activity first


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        encode_cursor(["2030-01-01T00:00:00+00:00"]),
        encode_cursor(["2030-13-45T00:00:00+00:00", 1]),  # decodes, but no such date
        encode_cursor(["0001-01-01T00:00:00+05:00", 1]),  # before year 1 in UTC
        encode_cursor(["2030-01-01T00:00:00+00:00", 2**70]),  # no such row id
        encode_cursor(["2030-01-01T00:00:00+00:00", "1"]),
    ],
)
def test_a_bad_cursor_is_a_400_naming_it(api_as, bob, conversation, cursor):
    response = api_as(bob).get("/conversations", {"cursor": cursor})

    assert response.status_code == 400
    assert list(error_fields(response)) == ["cursor"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"status": "closed"}, "status"),
        ({"kind": "tweet"}, "kind"),
        ({"assignee": "someone"}, "assignee"),
        ({"label": "not-a-uuid"}, "label"),
        ({"account": "42"}, "account"),
        ({"updated_after": "yesterday"}, "updated_after"),
        ({"updated_after": "0001-01-01T00:00:00+05:00"}, "updated_after"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_invalid_filters_are_a_400_naming_the_field(api_as, bob, conversation, params, field):
    response = api_as(bob).get("/conversations", params)

    assert response.status_code == 400
    assert list(error_fields(response)) == [field]


def test_a_page_holds_at_most_limit_conversations(api_as, bob, account_a):
    for _ in range(3):
        ConversationFactory(account=account_a)

    body = api_as(bob).get("/conversations", {"limit": 1}).json()

    assert len(body["results"]) == 1
    assert body["next"]


def test_listing_costs_the_same_queries_for_many_conversations(api_as, bob, account_a, django_assert_max_num_queries):
    label = LabelFactory(brand=account_a.brand)
    for _ in range(20):
        ConversationFactory(account=account_a, assignee=bob).labels.add(label)
    api = api_as(bob)

    # The token (and its last use), then the page and its labels: never one query per row.
    with django_assert_max_num_queries(6):
        assert len(api.get("/conversations").json()["results"]) == 20


# -- one conversation ----------------------------------------------------------------------


def test_every_role_gets_a_conversation(api_as, member, conversation):
    response = api_as(member).get(f"/conversations/{conversation.public_id}")

    assert response.status_code == 200
    assert response.json()["id"] == str(conversation.public_id)
    assert response.json()["contact"]["id"] == str(conversation.contact.public_id)


def test_the_outsider_gets_404_for_our_conversation(outsider, conversation):
    response = outsider.get(f"/conversations/{conversation.public_id}")

    assert response.status_code == 404
    assert error_fields(response) == {}


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "00000000-0000-0000-0000-000000000000"])
def test_a_malformed_or_unknown_id_is_404(api_as, bob, bad_id):
    assert api_as(bob).get(f"/conversations/{bad_id}").status_code == 404


# -- changing it ---------------------------------------------------------------------------


def test_every_role_changes_status_assignee_and_labels_at_once(api_as, member, conversation, dana):
    billing, vip = LabelFactory(brand=conversation.brand), LabelFactory(brand=conversation.brand, name="aaa-vip")

    response = api_as(member).patch(
        f"/conversations/{conversation.public_id}",
        {"status": "pending", "assignee": str(dana.public_id), "labels": [str(billing.public_id), str(vip.public_id)]},
    )

    assert response.status_code == 200
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assignee) == ("pending", dana)
    assert set(conversation.labels.all()) == {billing, vip}
    body = response.json()
    assert (body["status"], body["assignee"]) == ("pending", str(dana.public_id))
    assert [label["name"] for label in body["labels"]] == ["aaa-vip", billing.name]
    assert AuditEvent.objects.filter(actor=member, action="conversation.status").exists()


def test_assignee_me_is_the_tokens_member_and_null_unassigns(api_as, bob, conversation):
    api = api_as(bob)

    assert api.patch(f"/conversations/{conversation.public_id}", {"assignee": "me"}).json()["assignee"] == str(
        bob.public_id
    )
    assert api.patch(f"/conversations/{conversation.public_id}", {"assignee": None}).json()["assignee"] is None
    conversation.refresh_from_db()
    assert conversation.assignee is None


def test_fields_left_out_stay_as_they_are(api_as, bob, alice, conversation):
    label = LabelFactory(brand=conversation.brand)
    conversation.labels.add(label)
    Conversation.objects.filter(pk=conversation.pk).update(assignee=alice)

    response = api_as(bob).patch(f"/conversations/{conversation.public_id}", {"status": "resolved"})

    conversation.refresh_from_db()
    assert (conversation.status, conversation.assignee) == ("resolved", alice)
    assert list(conversation.labels.all()) == [label]
    assert response.json()["labels"] == [{"id": str(label.public_id), "name": label.name}]


def test_an_empty_label_list_removes_every_label(api_as, bob, conversation):
    conversation.labels.add(LabelFactory(brand=conversation.brand))

    api_as(bob).patch(f"/conversations/{conversation.public_id}", {"labels": []})

    assert not conversation.labels.exists()


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"status": "closed"}, ["status"]),
        ({"status": None}, ["status"]),
        ({"labels": None}, ["labels"]),
        ({"labels": ["not-a-uuid"]}, ["labels"]),
        ({"assignee": "nobody"}, ["assignee"]),
        ({"assignee": "00000000-0000-0000-0000-000000000000"}, ["assignee"]),
        ({"labels": ["00000000-0000-0000-0000-000000000000"]}, ["labels"]),
        ({"assigne": "me"}, ["assigne"]),
    ],
)
def test_one_bad_field_is_a_400_naming_it_and_nothing_changes(api_as, bob, conversation, change, fields):
    response = api_as(bob).patch(f"/conversations/{conversation.public_id}", {"status": "resolved", **change})

    assert response.status_code == 400
    assert sorted(error_fields(response)) == fields
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assignee) == ("open", None)
    assert not AuditEvent.objects.filter(action__startswith="conversation.").exists()


def test_several_bad_fields_are_named_together(api_as, bob, conversation):
    response = api_as(bob).patch(
        f"/conversations/{conversation.public_id}",
        {"assignee": "00000000-0000-0000-0000-000000000000", "labels": ["00000000-0000-0000-0000-000000000001"]},
    )

    assert response.status_code == 400
    assert sorted(error_fields(response)) == ["assignee", "labels"]


def test_another_brands_member_and_labels_cannot_be_set(api_as, bob, conversation, charlie, brand_b):
    theirs = LabelFactory(brand=brand_b)
    api = api_as(bob)

    assert (
        api.patch(f"/conversations/{conversation.public_id}", {"assignee": str(charlie.public_id)}).status_code == 400
    )
    assert api.patch(f"/conversations/{conversation.public_id}", {"labels": [str(theirs.public_id)]}).status_code == 400
    conversation.refresh_from_db()
    assert conversation.assignee is None
    assert not conversation.labels.exists()


def test_the_outsider_gets_404_changing_our_conversation_and_nothing_changes(outsider, conversation):
    response = outsider.patch(f"/conversations/{conversation.public_id}", {"status": "resolved"})

    assert response.status_code == 404
    conversation.refresh_from_db()
    assert conversation.status == "open"


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"resolved"'])
def test_a_body_that_is_not_a_json_object_is_a_400(api_as, bob, conversation, body):
    api = api_as(bob)
    response = api.client.patch(
        f"/api/v1/conversations/{conversation.public_id}",
        body,
        "application/json",
        headers={"Authorization": f"Bearer {api.secret}"},
    )

    assert response.status_code == 400
    error_fields(response)
