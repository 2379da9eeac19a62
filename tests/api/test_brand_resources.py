"""GET /accounts, /contacts/{id}, /custom-profiles and /canned-responses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import TwitterAccount
from engagement.models import CannedResponse, CustomProfile, SyncState
from tests.api.conftest import error_fields, png
from tests.factories import ContactFactory, CustomProfileFactory, TwitterAccountFactory

pytestmark = pytest.mark.django_db


def names(response, key: str) -> list[str]:
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    return [item[key] for item in body["results"]]


# -- accounts ------------------------------------------------------------------------------


def test_every_role_lists_the_brands_accounts_with_their_state_and_last_error(api_as, member, account_a, brand_a):
    broken = TwitterAccountFactory(
        brand=brand_a,
        screen_name="acme_old",
        state=TwitterAccount.State.NEEDS_REAUTH,
        subscription_state=TwitterAccount.SubscriptionState.FAILED,
        subscription_error="Twitter refused the subscription (code 348)",
        last_error="Twitter no longer accepts this token (code 89)",
        last_error_at=datetime(2030, 1, 1, 8, 0, tzinfo=UTC),
        needs_reauth_since=datetime(2030, 1, 1, 8, 0, tzinfo=UTC),
    )
    TwitterAccountFactory(
        brand=brand_a, screen_name="acme_gone", state=TwitterAccount.State.DISCONNECTED, disconnected_at=timezone.now()
    )

    response = api_as(member).get("/accounts")

    assert names(response, "screen_name") == ["acme_gone", "acme_help", "acme_old"]
    listed = {item["screen_name"]: item for item in response.json()["results"]}
    assert listed["acme_help"]["state"] == "active"
    assert listed["acme_gone"]["state"] == "disconnected"
    assert listed["acme_old"] == {
        "id": str(broken.public_id),
        "twitter_user_id": broken.twitter_user_id,
        "screen_name": "acme_old",
        "name": broken.name,
        "avatar_url": "",
        "state": "needs_reauth",
        "subscription_state": "failed",
        "subscription_error": "Twitter refused the subscription (code 348)",
        "last_error": "Twitter no longer accepts this token (code 89)",
        "last_error_at": "2030-01-01T08:00:00Z",
        "connected_at": listed["acme_old"]["connected_at"],
        "needs_reauth_since": "2030-01-01T08:00:00Z",
        "disconnected_at": None,
    }


def test_account_tokens_never_appear(api_as, bob, account_a):
    response = api_as(bob).get("/accounts")

    assert account_a.access_token not in response.text
    assert account_a.access_token_secret not in response.text


def test_the_outsider_lists_only_their_own_accounts(outsider, account_a, brand_b):
    TwitterAccountFactory(brand=brand_b, screen_name="bolt_help")

    assert names(outsider.get("/accounts"), "screen_name") == ["bolt_help"]


# -- contacts ------------------------------------------------------------------------------


def test_every_role_gets_a_contact(api_as, member, brand_a):
    contact = ContactFactory(
        brand=brand_a, screen_name="jordan", name="Jordan Brinks", location="Leeds", followers_count=12
    )

    response = api_as(member).get(f"/contacts/{contact.public_id}")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["screen_name"], body["name"], body["location"], body["followers_count"]) == (
        str(contact.public_id),
        "jordan",
        "Jordan Brinks",
        "Leeds",
        12,
    )
    assert body["twitter_user_id"] == contact.twitter_user_id


def test_the_outsider_gets_404_for_our_contact(outsider, brand_a):
    contact = ContactFactory(brand=brand_a)

    response = outsider.get(f"/contacts/{contact.public_id}")

    assert response.status_code == 404
    assert contact.screen_name not in response.text


def test_a_malformed_contact_id_is_404(api_as, bob):
    assert api_as(bob).get("/contacts/../accounts").status_code == 404
    assert api_as(bob).get("/contacts/nope").status_code == 404


# -- custom profiles -----------------------------------------------------------------------


def test_every_role_lists_custom_profiles_with_whether_they_are_usable(api_as, member, account_a):
    synced = CustomProfileFactory(account=account_a, name="Bob, Support", twitter_id="9", sync_state=SyncState.SYNCED)
    CustomProfileFactory(account=account_a, name="Ann, Sales")

    response = api_as(member).get("/custom-profiles")

    assert names(response, "name") == ["Ann, Sales", "Bob, Support"]
    item = response.json()["results"][1]
    assert item == {
        "id": str(synced.public_id),
        "name": "Bob, Support",
        "account": {"id": str(account_a.public_id), "screen_name": "acme_help"},
        "avatar_url": "",
        "sync_state": "synced",
        "sync_error": "",
        "created_at": item["created_at"],
    }


def test_custom_profiles_are_filtered_by_account(api_as, bob, account_a, brand_a):
    other = TwitterAccountFactory(brand=brand_a)
    CustomProfileFactory(account=account_a, name="Here")
    CustomProfileFactory(account=other, name="There")
    api = api_as(bob)

    assert names(api.get("/custom-profiles", {"account": str(other.public_id)}), "name") == ["There"]
    assert names(api.get("/custom-profiles", {"account": "00000000-0000-0000-0000-000000000000"}), "name") == []
    assert list(error_fields(api.get("/custom-profiles", {"account": "nope"}))) == ["account"]


def test_the_outsider_lists_none_of_our_custom_profiles(outsider, account_a):
    CustomProfileFactory(account=account_a, name="Ours")

    assert names(outsider.get("/custom-profiles"), "name") == []
    assert names(outsider.get("/custom-profiles", {"account": str(account_a.public_id)}), "name") == []


@pytest.mark.parametrize("role", ["alice", "dana"])
def test_owners_and_admins_create_a_custom_profile_that_syncs_later(request, api_as, role, account_a, private_files):
    response = api_as(request.getfixturevalue(role)).upload(
        "/custom-profiles", {"account_id": str(account_a.public_id), "name": " Jon C ", "avatar": png()}
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["sync_state"], body["account"]["id"]) == ("Jon C", "pending", str(account_a.public_id))
    profile = CustomProfile.objects.get()
    assert (profile.brand, profile.account, profile.avatar.read()[:4]) == (account_a.brand, account_a, b"\x89PNG")


def test_agents_cannot_create_custom_profiles(api_as, bob, account_a):
    response = api_as(bob).upload(
        "/custom-profiles", {"account_id": str(account_a.public_id), "name": "Jon", "avatar": png()}
    )

    assert response.status_code == 403
    assert not CustomProfile.objects.exists()


def test_the_outsider_cannot_create_a_profile_on_our_account(outsider, account_a):
    response = outsider.upload(
        "/custom-profiles", {"account_id": str(account_a.public_id), "name": "X", "avatar": png()}
    )

    assert list(error_fields(response)) == ["account_id"]
    assert not CustomProfile.objects.exists()


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"name": "n" * 49}, "name"),
        ({"name": ""}, "name"),
        ({"avatar": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")}, "avatar"),
        ({"avatar": None}, "avatar"),
        ({"account_id": "not-an-id"}, "account_id"),
    ],
)
def test_a_bad_custom_profile_is_refused_by_field(api_as, dana, account_a, fields, bad, private_files):
    body = {"account_id": str(account_a.public_id), "name": "Jon", "avatar": png(), **fields}
    response = api_as(dana).upload("/custom-profiles", {k: v for k, v in body.items() if v is not None})

    assert response.status_code == 400
    assert list(error_fields(response)) == [bad]
    assert not CustomProfile.objects.exists()


# -- canned responses ----------------------------------------------------------------------


@pytest.fixture
def canned(brand_a):
    return [
        CannedResponse.objects.create(
            brand=brand_a,
            shortcut="shipping",
            title="Shipping times",
            text="We ship in 2 days.",
            quick_replies=[{"label": "Track", "metadata": "track"}],
            buttons=[{"label": "Help", "url": "https://example.com/help"}],
        ),
        CannedResponse.objects.create(brand=brand_a, shortcut="refund", title="Refunds", text="Refunds take 5 days."),
    ]


def test_every_role_lists_canned_responses_by_shortcut(api_as, member, canned):
    response = api_as(member).get("/canned-responses")

    assert names(response, "shortcut") == ["refund", "shipping"]
    item = response.json()["results"][1]
    assert item == {
        "id": str(canned[0].public_id),
        "shortcut": "shipping",
        "title": "Shipping times",
        "text": "We ship in 2 days.",
        "quick_replies": [{"label": "Track", "description": "", "metadata": "track"}],
        "buttons": [{"label": "Help", "url": "https://example.com/help"}],
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
    }


def test_canned_responses_are_found_by_shortcut_prefix(api_as, bob, canned):
    assert names(api_as(bob).get("/canned-responses", {"q": "/ship"}), "shortcut") == ["shipping"]


def test_the_outsider_lists_none_of_our_canned_responses(outsider, canned):
    assert names(outsider.get("/canned-responses"), "shortcut") == []
