"""The banners every page of a brand shows about its Twitter accounts: one Twitter no longer
accepts, and one whose DMs are not arriving because its subscription failed."""

from __future__ import annotations

import pytest

from accounts.context_processors import current_brand
from accounts.models import TwitterAccount
from tests.factories import TwitterAccountFactory

pytestmark = pytest.mark.django_db


def test_owners_and_admins_see_why_dms_are_not_arriving_and_where_to_retry(client, alice, dana, failed):
    for person in (alice, dana):
        client.force_login(person)

        page = client.get("/").text

        assert "DMs to @acme_help are not arriving:</strong> Twitter refused: no such webhook (code 34)." in page
        assert 'href="/settings/accounts">retry the subscription in Settings</a>' in page


def test_agents_see_it_too_and_are_told_to_ask_an_admin(client, bob, failed):
    client.force_login(bob)

    page = client.get("/").text

    assert "DMs to @acme_help are not arriving:" in page
    assert "Ask an owner or admin of Acme to retry it in Settings." in page
    assert 'href="/settings/accounts"' not in page


def test_the_outsider_sees_nothing_of_it(client, charlie, failed):
    client.force_login(charlie)

    page = client.get("/").text

    assert "are not arriving" not in page
    assert "acme_help" not in page


@pytest.mark.parametrize("state", ["subscribed", "pending", "not_subscribed"])
def test_no_banner_while_the_subscription_has_not_failed(client, bob, brand_a, state):
    TwitterAccountFactory(brand=brand_a, screen_name="acme_help", subscription_state=state)
    client.force_login(bob)
    assert "are not arriving" not in client.get("/").text


def test_an_account_waiting_for_reauthorisation_shows_that_banner_instead(client, bob, failed):
    TwitterAccount.objects.filter(pk=failed.pk).update(state=TwitterAccount.State.NEEDS_REAUTH)
    client.force_login(bob)

    page = client.get("/").text

    assert "@acme_help needs to be reconnected." in page
    assert "are not arriving" not in page


def test_both_banners_cost_one_query(rf, bob, brand_a, failed, django_assert_num_queries):
    TwitterAccountFactory(brand=brand_a, screen_name="acme_sales", state=TwitterAccount.State.NEEDS_REAUTH)
    request = rf.get("/")
    request.user, request.membership, request.brand = bob, bob.memberships.get(), brand_a
    context = current_brand(request)

    with django_assert_num_queries(1):
        not_subscribed = context["accounts_not_subscribed"]()
        needing_reauth = context["accounts_needing_reauth"]()

    assert [account.screen_name for account in not_subscribed] == ["acme_help"]
    assert [account.screen_name for account in needing_reauth] == ["acme_sales"]
