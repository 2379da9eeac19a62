"""Every member of a brand sees a banner while one of its accounts is at 80% of Twitter's daily
Direct Message limit; other brands' members never do, and a page pays a cache read for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import TwitterAccount
from engagement.models import Message
from engagement.services.daily_limit import dm_limit_check_after_send
from tests.factories import ConversationFactory, MessageFactory, TwitterAccountFactory

pytestmark = pytest.mark.django_db

BANNER = "@acme_help has used 80% of its daily Direct Message limit"


@pytest.fixture(autouse=True)
def limit_of_ten(settings):
    settings.TWITTER_DM_DAILY_LIMIT = 10  # the banner comes at 8


@pytest.fixture
def conversation(brand_a):
    return ConversationFactory(account=TwitterAccountFactory(brand=brand_a, screen_name="acme_help"))


def sent(conversation, count: int, *, hours_ago: float = 1) -> None:
    for _ in range(count):
        MessageFactory(
            conversation=conversation,
            direction=Message.Direction.OUTBOUND,
            origin=Message.Origin.AGENT,
            status=Message.Status.SENT,
            sent_at=timezone.now() - timedelta(hours=hours_ago),
        )


def inbox(client, user) -> str:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("member", ["alice", "bob", "dana"])  # owner, agent, admin
def test_every_member_sees_the_account_at_80_percent_and_how_much_it_has_sent(request, client, conversation, member):
    sent(conversation, 8)
    page = inbox(client, request.getfixturevalue(member))
    assert BANNER in page
    assert "(8 of the 10 Twitter allows per 24 hours)" in page


def test_below_80_percent_there_is_no_banner(client, bob, conversation):
    sent(conversation, 7)
    assert "daily Direct Message limit" not in inbox(client, bob)


def test_sends_older_than_a_day_and_public_tweets_do_not_count(client, bob, conversation):
    sent(conversation, 4, hours_ago=25)
    sent(ConversationFactory(account=conversation.account, kind="mention"), 4)
    sent(conversation, 7)
    assert "daily Direct Message limit" not in inbox(client, bob)


def test_a_disconnected_account_has_no_banner(client, bob, conversation):
    sent(conversation, 10)
    TwitterAccount.objects.filter(pk=conversation.account_id).update(state=TwitterAccount.State.DISCONNECTED)
    assert "daily Direct Message limit" not in inbox(client, bob)


def test_the_outsider_never_sees_our_accounts_usage(client, charlie, conversation):
    sent(conversation, 10)
    assert "acme_help" not in inbox(client, charlie)


def test_the_banner_shows_as_soon_as_a_send_reaches_80_percent(client, bob, conversation):
    sent(conversation, 7)
    assert "daily Direct Message limit" not in inbox(client, bob)  # remembered for a minute
    sent(conversation, 1)
    dm_limit_check_after_send(account=conversation.account)
    assert BANNER in inbox(client, bob)


def test_pages_read_the_banner_from_the_cache_after_the_first(client, bob, conversation):
    sent(conversation, 8)
    inbox(client, bob)
    with CaptureQueriesContext(connection) as queries:
        assert BANNER in inbox(client, bob)
    assert not [query for query in queries if "COUNT(" in query["sql"] and "engagement_message" in query["sql"]]
