"""Welcome messages with their single default rule (twitter-api.md §7) and custom profiles (§8)."""

from __future__ import annotations

import pytest

from sandbox.models import SandboxCustomProfile, SandboxWelcomeMessage
from tests.sandbox.support import PNG_1x1

WM = "direct_messages/welcome_messages"


def create_welcome(twitter, auth, text="Hi! How can we help?", **extra):
    body = {"welcome_message": {"name": "hello", "message_data": {"text": text, **extra}}}
    return twitter.call("POST", f"{WM}/new.json", auth=auth, json=body)


def test_a_welcome_message_up_to_9990_characters(twitter, brand_auth):
    assert create_welcome(twitter, brand_auth, text="w" * 9_990).status_code == 200
    too_long = create_welcome(twitter, brand_auth, text="w" * 9_991)
    assert (too_long.status_code, too_long.json()["errors"][0]["code"]) == (403, 354)
    assert SandboxWelcomeMessage.objects.count() == 1


def test_a_welcome_message_with_no_text_and_no_attachment_is_151(twitter, brand_auth):
    response = create_welcome(twitter, brand_auth, text="")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == 151
    assert not SandboxWelcomeMessage.objects.exists()


def test_create_show_update_list_and_destroy(twitter, brand_auth):
    options = {"type": "options", "options": [{"label": "Orders", "metadata": "orders"}]}
    created = create_welcome(twitter, brand_auth, quick_reply=options).json()
    welcome_id = created["welcome_message"]["id"]
    assert created["name"] == "hello"
    assert created["welcome_message"]["message_data"]["quick_reply"] == options
    shown = twitter.call("GET", f"{WM}/show.json", auth=brand_auth, params={"id": welcome_id}).json()
    assert shown["welcome_message"]["id"] == welcome_id
    updated = twitter.call(
        "PUT", f"{WM}/update.json", auth=brand_auth, params={"id": welcome_id}, json={"message_data": {"text": "New"}}
    ).json()
    # An atomic replace: the quick reply left out is gone.
    assert updated["welcome_message"]["message_data"]["text"] == "New"
    assert "quick_reply" not in updated["welcome_message"]["message_data"]
    listed = twitter.call("GET", f"{WM}/list.json", auth=brand_auth).json()
    assert [message["id"] for message in listed["welcome_messages"]] == [welcome_id]
    assert twitter.call("DELETE", f"{WM}/destroy.json", auth=brand_auth, params={"id": welcome_id}).status_code == 204
    assert twitter.call("GET", f"{WM}/list.json", auth=brand_auth).json() == {}


def test_one_default_rule_per_account(twitter, brand_auth):
    welcome_id = create_welcome(twitter, brand_auth).json()["welcome_message"]["id"]
    rule = {"welcome_message_rule": {"welcome_message_id": welcome_id}}
    created = twitter.call("POST", f"{WM}/rules/new.json", auth=brand_auth, json=rule)
    assert created.json()["welcome_message_rule"]["welcome_message_id"] == welcome_id
    second = twitter.call("POST", f"{WM}/rules/new.json", auth=brand_auth, json=rule)
    assert second.status_code == 403
    rules = twitter.call("GET", f"{WM}/rules/list.json", auth=brand_auth).json()["welcome_message_rules"]
    assert len(rules) == 1
    rule_id = rules[0]["id"]
    assert twitter.call("GET", f"{WM}/rules/show.json", auth=brand_auth, params={"id": rule_id}).status_code == 200
    assert (
        twitter.call("DELETE", f"{WM}/rules/destroy.json", auth=brand_auth, params={"id": rule_id}).status_code == 204
    )
    assert twitter.call("GET", f"{WM}/rules/list.json", auth=brand_auth).json() == {}
    assert twitter.call("POST", f"{WM}/rules/new.json", auth=brand_auth, json=rule).status_code == 200


def test_the_owner_must_allow_dms_from_anyone(twitter, brand, brand_auth):
    brand.accepts_dms_from_anyone = False
    brand.save()
    response = create_welcome(twitter, brand_auth)
    assert response.json() == {"errors": [{"code": 214, "message": "Owner must allow dms from anyone."}]}


def test_welcome_message_media_must_be_shared(twitter, brand_auth):
    def upload(shared):
        return twitter.call(
            "POST",
            "media/upload.json",
            auth=brand_auth,
            files={"media": ("a.png", PNG_1x1)},
            data={"media_category": "dm_image", "shared": shared},
        ).json()["media_id_string"]

    private = upload("false")
    attachment = {"type": "media", "media": {"id": private}}
    assert create_welcome(twitter, brand_auth, attachment=attachment).json()["errors"][0]["code"] == 324
    attachment["media"]["id"] = upload("true")
    assert create_welcome(twitter, brand_auth, attachment=attachment).status_code == 200


# --- custom profiles --------------------------------------------------------------------------
@pytest.fixture
def avatar_id(twitter, brand_auth) -> str:
    return twitter.call(
        "POST",
        "media/upload.json",
        auth=brand_auth,
        files={"media": ("a.png", PNG_1x1)},
        data={"media_category": "dm_image", "shared": "true"},
    ).json()["media_id_string"]


def create_profile(twitter, auth, name, avatar_id):
    body = {"custom_profile": {"name": name, "avatar": {"media": {"id": avatar_id}}}}
    return twitter.call("POST", "custom_profiles/new.json", auth=auth, json=body)


def test_a_custom_profile_name_is_at_most_48_characters(twitter, brand_auth, avatar_id):
    assert create_profile(twitter, brand_auth, "n" * 48, avatar_id).status_code == 200
    too_long = create_profile(twitter, brand_auth, "n" * 49, avatar_id)
    assert (too_long.status_code, too_long.json()["errors"][0]["code"]) == (400, 44)
    assert SandboxCustomProfile.objects.count() == 1


def test_a_custom_profile_needs_an_avatar(twitter, brand_auth):
    body = {"custom_profile": {"name": "Jon"}}
    response = twitter.call("POST", "custom_profiles/new.json", auth=brand_auth, json=body)
    assert (response.status_code, response.json()["errors"][0]["code"]) == (400, 38)


def test_profiles_are_shown_listed_used_and_destroyed_twice(twitter, brand_auth, avatar_id, customer):
    import requests

    profile = create_profile(twitter, brand_auth, "Jon C, Partner Engineer", avatar_id).json()["custom_profile"]
    avatar_url = profile["avatar"]["media"]["url"]
    assert requests.get(avatar_url, timeout=10).content == PNG_1x1  # public, like pbs.twimg.com
    shown = twitter.call("GET", f"custom_profiles/{profile['id']}.json", auth=brand_auth).json()
    assert shown["custom_profile"]["name"] == "Jon C, Partner Engineer"
    listed = twitter.call("GET", "custom_profiles/list.json", auth=brand_auth).json()
    assert [item["id"] for item in listed["custom_profiles"]] == [profile["id"]]
    event = {
        "type": "message_create",
        "message_create": {
            "target": {"recipient_id": str(customer.id)},
            "message_data": {"text": "Hi, I'm Jon"},
            "custom_profile_id": profile["id"],
        },
    }
    sent = twitter.call("POST", "direct_messages/events/new.json", auth=brand_auth, json={"event": event})
    assert sent.json()["event"]["message_create"]["custom_profile_id"] == profile["id"]
    destroy = {"id": profile["id"]}
    assert twitter.call("DELETE", "custom_profiles/destroy.json", auth=brand_auth, params=destroy).status_code == 204
    assert twitter.call("DELETE", "custom_profiles/destroy.json", auth=brand_auth, params=destroy).status_code == 204
    missing = twitter.call("GET", f"custom_profiles/{profile['id']}.json", auth=brand_auth)
    assert (missing.status_code, missing.json()["errors"][0]["code"]) == (404, 34)
