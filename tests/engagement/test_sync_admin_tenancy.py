"""Welcome messages, default rules and custom profiles in the admin, brand by brand and role by
role: Charlie (owner of brand B) cannot see, open, change, delete or act on brand A's; Bob
(an agent) has no access; admins and owners of brand A do."""

from __future__ import annotations

import pytest

from accounts.models import TwitterAccount
from engagement.models import CustomProfile, WelcomeMessage, WelcomeMessageRule
from tests.engagement.support import admin_url, png
from tests.factories import CustomProfileFactory, TwitterAccountFactory

pytestmark = pytest.mark.django_db

MODELS = [WelcomeMessage, WelcomeMessageRule, CustomProfile]


@pytest.fixture
def ours(brand_a):
    account = TwitterAccountFactory(brand=brand_a, screen_name="our_account")
    message = WelcomeMessage.objects.create(
        brand=brand_a, account=account, name="our welcome", text="Hi", twitter_id="111", sync_state="synced"
    )
    rule = WelcomeMessageRule.objects.create(
        brand=brand_a, account=account, welcome_message=message, twitter_id="222", sync_state="synced"
    )
    profile = CustomProfileFactory(account=account, name="Our Ana", twitter_id="333", sync_state="synced")
    return {WelcomeMessage: message, WelcomeMessageRule: rule, CustomProfile: profile}


@pytest.mark.parametrize("model", MODELS)
def test_the_outsider_does_not_see_our_rows(client, charlie, ours, model):
    client.force_login(charlie)
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert "our_account" not in response.text
    assert str(ours[model]) not in response.text


@pytest.mark.parametrize("model", MODELS)
def test_the_outsider_cannot_open_our_row(client, charlie, ours, model):
    client.force_login(charlie)
    response = client.get(admin_url(model, "change", ours[model].pk), follow=True)
    assert "doesn’t exist" in response.text
    assert "our_account" not in response.text


def test_the_outsider_cannot_change_our_welcome_message(client, charlie, ours):
    message = ours[WelcomeMessage]
    client.force_login(charlie)
    client.post(admin_url(WelcomeMessage, "change", message.pk), {"name": "hacked", "text": "hacked"})
    message.refresh_from_db()
    assert (message.name, message.text, message.sync_state) == ("our welcome", "Hi", "synced")


@pytest.mark.parametrize("model", MODELS)
def test_the_outsider_cannot_delete_our_row(client, charlie, ours, model):
    client.force_login(charlie)
    client.post(admin_url(model, "delete", ours[model].pk), {"post": "yes"})
    client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [ours[model].pk], "post": "yes"},
    )
    row = model.objects.get(pk=ours[model].pk)
    assert row.sync_state == "synced"


@pytest.mark.parametrize(
    ("model", "action"),
    [(WelcomeMessage, "make_default"), (WelcomeMessage, "sync_again"), (CustomProfile, "sync_again")],
)
def test_the_outsider_cannot_act_on_our_rows(client, charlie, brand_b, ours, model, action):
    row = ours[model]
    model.objects.filter(pk=row.pk).update(sync_state="failed")
    client.force_login(charlie)
    client.post(admin_url(model, "changelist"), {"action": action, "_selected_action": [row.pk]})
    assert model.objects.get(pk=row.pk).sync_state == "failed"
    assert WelcomeMessageRule.objects.get().welcome_message == ours[WelcomeMessage]


@pytest.mark.parametrize("model", MODELS)
def test_an_agent_has_no_access(client, bob, ours, model):
    client.force_login(bob)
    assert client.get(admin_url(model, "changelist")).status_code == 403
    assert client.get(admin_url(model, "change", ours[model].pk)).status_code == 403


@pytest.mark.parametrize("model", [WelcomeMessage, CustomProfile])
def test_an_agent_cannot_add(client, bob, brand_a, model):
    account = TwitterAccountFactory(brand=brand_a)
    client.force_login(bob)
    assert client.get(admin_url(model, "add")).status_code == 403
    client.post(admin_url(model, "add"), {"account": account.pk, "name": "x", "text": "x", "avatar": png()})
    assert not model.objects.exists()


@pytest.mark.parametrize("user", ["alice", "dana"])
@pytest.mark.parametrize("model", MODELS)
def test_owners_and_admins_manage_them(client, request, ours, model, user):
    client.force_login(request.getfixturevalue(user))
    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "change", ours[model].pk)).status_code == 200


@pytest.mark.wire_1_1  # on v2 welcome messages are read-only: there is no add form
@pytest.mark.parametrize("model", [WelcomeMessage, CustomProfile])
def test_forms_offer_only_the_current_brands_connected_accounts(client, dana, brand_a, brand_b, model):
    TwitterAccountFactory(brand=brand_a, screen_name="our_account")
    TwitterAccountFactory(brand=brand_a, screen_name="our_old_account", state=TwitterAccount.State.DISCONNECTED)
    TwitterAccountFactory(brand=brand_b, screen_name="their_account")
    client.force_login(dana)
    page = client.get(admin_url(model, "add")).text
    assert "our_account" in page
    assert "our_old_account" not in page
    assert "their_account" not in page
    assert 'name="brand"' not in page


@pytest.mark.wire_1_1  # on v2 welcome messages are read-only: there is no add form
@pytest.mark.parametrize("model", [WelcomeMessage, CustomProfile])
def test_another_brands_account_is_refused(client, dana, brand_b, model):
    theirs = TwitterAccountFactory(brand=brand_b)
    client.force_login(dana)
    response = client.post(
        admin_url(model, "add"), {"account": theirs.pk, "name": "sneaky", "text": "Hi", "avatar": png()}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not model.objects.exists()


def test_rules_are_set_with_make_default_not_added_by_hand(client, dana):
    client.force_login(dana)
    assert client.get(admin_url(WelcomeMessageRule, "add")).status_code == 403


@pytest.mark.parametrize("model", [WelcomeMessage, CustomProfile])
def test_a_row_being_deleted_can_be_viewed_but_not_changed(client, dana, ours, model):
    row = ours[model]
    model.objects.filter(pk=row.pk).update(sync_state="deleting")
    client.force_login(dana)
    page = client.get(admin_url(model, "change", row.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    client.post(admin_url(model, "change", row.pk), {"name": "changed", "text": "changed"})
    assert model.objects.get(pk=row.pk).name == row.name
