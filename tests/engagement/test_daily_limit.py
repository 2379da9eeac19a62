"""The 80% daily limit warning counts a day of sends only when the threshold could be near."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent
from engagement.models import Message
from engagement.services.daily_limit import dm_limit_check_after_send
from tests.factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db


def send(conversation) -> None:
    MessageFactory(
        conversation=conversation,
        direction=Message.Direction.OUTBOUND,
        origin=Message.Origin.AGENT,
        status=Message.Status.SENT,
        sent_at=timezone.now(),
    )
    dm_limit_check_after_send(account=conversation.account)


def counts_of_sends(queries) -> int:
    return sum(1 for query in queries if "COUNT(*)" in query["sql"] and "engagement_message" in query["sql"])


def warnings() -> int:
    return AuditEvent.objects.filter(action="account.dm_limit_warning").count()


def test_sends_far_from_the_threshold_are_not_counted_again(settings):
    settings.TWITTER_DM_DAILY_LIMIT = 10  # the warning comes at 8
    conversation = ConversationFactory()
    counted = []
    for _ in range(9):
        with CaptureQueriesContext(connection) as queries:
            send(conversation)
        counted.append(counts_of_sends(queries))
    # The first send counts 1 (7 to go); the 8th is the first that could reach 8; past the
    # threshold nothing is counted again for an hour.
    assert counted == [1, 0, 0, 0, 0, 0, 0, 1, 0]
    assert warnings() == 1


def test_a_send_in_another_conversation_of_the_account_uses_up_the_same_headroom(settings):
    settings.TWITTER_DM_DAILY_LIMIT = 5  # the warning comes at 4
    first = ConversationFactory()
    second = ConversationFactory(account=first.account)
    for conversation in (first, second, first):
        send(conversation)
    assert warnings() == 0
    send(second)
    assert warnings() == 1


def test_the_count_is_made_when_the_cache_is_down_and_sending_carries_on(settings, monkeypatch):
    from django.core.cache import cache

    settings.TWITTER_DM_DAILY_LIMIT = 1
    conversation = ConversationFactory()

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "decr", down)
    monkeypatch.setattr(cache, "set", down)
    monkeypatch.setattr(cache, "add", down)
    with CaptureQueriesContext(connection) as queries:
        send(conversation)  # no exception: the message is sent whatever the warning's fate
    assert counts_of_sends(queries) == 1
    assert warnings() == 0  # not given: it could not be recorded as given once
    monkeypatch.undo()
    send(conversation)
    assert warnings() == 1
