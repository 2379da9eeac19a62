"""In the Django admin a non-superuser sees and does only what their role allows, in their brand."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import Membership, TwitterAccount
from tests.factories import (
    ContactFactory,
    ConversationFactory,
    LabelFactory,
    MembershipFactory,
    TwitterAccountFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def changelist(model: str) -> str:
    return reverse(f"admin:{model.replace('.', '_')}_changelist")


def change(model: str, pk: int) -> str:
    return reverse(f"admin:{model.replace('.', '_')}_change", args=[pk])


def test_an_owner_sees_only_their_brands_rows(client, alice, brand_a, brand_b):
    ours = ContactFactory(brand=brand_a, screen_name="our_customer")
    ContactFactory(brand=brand_b, screen_name="their_customer")
    client.force_login(alice)
    response = client.get(changelist("engagement.contact"))
    assert response.status_code == 200
    assert ours.screen_name in response.text
    assert "their_customer" not in response.text


def test_another_brands_row_is_not_found_for_an_owner(client, alice, brand_b):
    theirs = ConversationFactory(account=TwitterAccountFactory(brand=brand_b))
    client.force_login(alice)
    response = client.get(change("engagement.conversation", theirs.pk), follow=True)
    assert "doesn’t exist" in response.text
    assert str(theirs.contact) not in response.text


def test_the_outsider_cannot_change_our_row_by_posting(client, charlie, brand_a):
    ours = ConversationFactory(account=TwitterAccountFactory(brand=brand_a))
    client.force_login(charlie)
    client.post(change("engagement.conversation", ours.pk), {"status": "resolved", "bot_active": "on"})
    ours.refresh_from_db()
    assert ours.status == "open"


def test_an_agent_may_not_open_admin_only_models(client, bob):
    client.force_login(bob)
    assert client.get(changelist("accounts.twitteraccount")).status_code == 403
    assert client.get(changelist("accounts.membership")).status_code == 403
    assert client.get(changelist("engagement.botrule")).status_code == 403


def test_an_agent_may_read_conversations_and_canned_responses(client, bob):
    client.force_login(bob)
    assert client.get(changelist("engagement.conversation")).status_code == 200
    assert client.get(changelist("engagement.cannedresponse")).status_code == 200


def test_an_admin_manages_settings_but_not_the_brand_itself(client, dana, brand_a):
    client.force_login(dana)
    assert client.get(changelist("engagement.botrule")).status_code == 200
    assert client.get(reverse("admin:engagement_label_add")).status_code == 200
    assert client.get(change("accounts.brand", brand_a.pk)).status_code == 200  # may view
    response = client.post(change("accounts.brand", brand_a.pk), {"name": "Renamed", "timezone": "UTC"})
    assert response.status_code == 403
    brand_a.refresh_from_db()
    assert brand_a.name == "Acme"


def test_forms_offer_only_the_current_brands_rows(client, dana, brand_a, brand_b):
    ours = LabelFactory(brand=brand_a, name="vip")
    LabelFactory(brand=brand_b, name="their-label")
    TwitterAccountFactory(brand=brand_b, screen_name="their_account")
    TwitterAccountFactory(brand=brand_a, screen_name="our_account")
    client.force_login(dana)
    response = client.get(reverse("admin:engagement_botrule_add"))
    assert "our_account" in response.text
    assert "their_account" not in response.text
    assert ours.name in response.text
    assert "their-label" not in response.text
    assert 'name="brand"' not in response.text


def test_new_rows_land_in_the_current_brand(client, dana, brand_a):
    client.force_login(dana)
    response = client.post(reverse("admin:engagement_label_add"), {"name": "refund", "color": "#ff0000"})
    assert response.status_code == 302
    assert brand_a.labels.get().name == "refund"


def test_a_chosen_row_from_another_brand_is_refused(client, dana, brand_a, brand_b):
    their_label = LabelFactory(brand=brand_b)
    account = TwitterAccountFactory(brand=brand_a)
    client.force_login(dana)
    response = client.post(
        reverse("admin:engagement_botrule_add"),
        {
            "name": "x",
            "trigger": "keywords",
            "keywords": "hi",
            "priority": 1,
            "add_label": their_label.pk,
            "account": account.pk,
            "enabled": "on",
            "response_quick_replies": "[]",
            "response_buttons": "[]",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not brand_a.bot_rules.exists()


def test_a_person_without_a_membership_cannot_enter_the_admin(client):
    stranger = UserFactory(is_staff=True)
    client.force_login(stranger)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_global_django_permissions_grant_nothing(client, bob):
    bob.is_staff = True
    bob.save()
    bob.user_permissions.set(Permission.objects.all())
    client.force_login(bob)
    assert client.get(changelist("accounts.twitteraccount")).status_code == 403
    assert client.get(changelist("webhooks.webhookevent")).status_code == 403
    assert client.get(changelist("accounts.user")).status_code == 403


def test_the_current_brand_decides_what_a_member_of_two_brands_sees(client, alice, brand_b):
    MembershipFactory(brand=brand_b, user=alice, role="agent")
    TwitterAccountFactory(brand=brand_b, screen_name="bolt_account")
    client.force_login(alice)
    client.post(reverse("brand_switch"), {"brand": str(brand_b.public_id)})
    # As an agent of Bolt, Alice no longer manages accounts there.
    assert client.get(changelist("accounts.twitteraccount")).status_code == 403


def test_superusers_see_every_brand(client, brand_a, brand_b):
    root = UserFactory(is_superuser=True, is_staff=True)
    TwitterAccountFactory(brand=brand_a, screen_name="acme_care")
    TwitterAccountFactory(brand=brand_b, screen_name="bolt_care")
    client.force_login(root)
    response = client.get(changelist("accounts.twitteraccount"))
    assert "acme_care" in response.text
    assert "bolt_care" in response.text


def test_tokens_are_never_shown_in_the_admin(client, alice, brand_a):
    account = TwitterAccountFactory(brand=brand_a, access_token="1111-SuperSecretTokenValue9876")
    client.force_login(alice)
    response = client.get(change("accounts.twitteraccount", account.pk))
    assert response.status_code == 200
    assert "SuperSecretTokenValue" not in response.text
    assert "••••9876" in response.text
    assert TwitterAccount.objects.get(pk=account.pk).access_token.endswith("9876")
    assert Membership.objects.filter(user=alice).exists()


def test_a_member_signs_in_to_the_admin_on_the_sites_sign_in_page(client, dana):
    """Members are not staff: the admin's own form would refuse them (and skip 2FA)."""
    dana.set_password("a long enough password")
    dana.save()
    to_login = client.get(reverse("admin:index"), follow=True)
    assert to_login.redirect_chain[-1][0] == f"{reverse('account_login')}?next=%2Fadmin%2F"
    signed_in = client.post(
        to_login.redirect_chain[-1][0],
        {"login": dana.email, "password": "a long enough password"},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == reverse("admin:index")
    assert "Site administration" in signed_in.text or "Settings and records" in signed_in.text


def test_the_admin_login_sends_a_signed_in_stranger_nowhere_else(client):
    stranger = UserFactory()
    client.force_login(stranger)
    response = client.get(reverse("admin:login"))
    assert response.status_code == 403  # said plainly, not a redirect loop
    assert "not a member of one" in response.text


def test_the_admins_own_form_never_takes_a_password(client):
    """It would sign a staff member in without their second factor."""
    staffer = UserFactory(username="staffer", email="staffer@example.com", is_staff=True, is_superuser=True)
    staffer.set_password("a long enough password")
    staffer.save()
    stranger = UserFactory()
    client.force_login(stranger)
    response = client.post(reverse("admin:login"), {"username": "staffer", "password": "a long enough password"})
    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(stranger.pk)  # still the stranger, not the staffer
