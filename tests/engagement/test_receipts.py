"""The brand's typing indicator and read receipts reach Twitter, throttled within its limits."""

from __future__ import annotations

import pytest

from engagement.models import Message
from engagement.services import receipts
from engagement.services.receipts import conversation_indicate_typing, conversation_mark_read
from sandbox.models import SandboxThreadState
from sandbox.services import customer_send_dm
from tests.helpers import wait_until

pytestmark = [pytest.mark.worker]


def brand_state(wired) -> SandboxThreadState | None:
    return SandboxThreadState.objects.filter(user=wired.twitter_account, other=wired.customer).first()


@pytest.mark.needs_wire("typing_indicator")
def test_typing_is_shown_to_the_customer_at_most_every_few_seconds(wired, celery_worker):
    assert conversation_indicate_typing(conversation=wired.conversation) is True
    wait_until(lambda: brand_state(wired) and brand_state(wired).typing_until, what="the typing indicator")
    assert conversation_indicate_typing(conversation=wired.conversation) is False  # throttled


@pytest.mark.needs_wire("read_receipts")
def test_opening_a_conversation_marks_the_newest_message_read_once(wired, celery_worker):
    dm = customer_send_dm(sender=wired.customer, recipient=wired.twitter_account, text="hello?")
    Message.objects.create(
        brand=wired.account.brand,
        account=wired.account,
        conversation=wired.conversation,
        direction="inbound",
        origin="customer",
        status="received",
        external_id=str(dm.id),
        text="hello?",
    )
    assert conversation_mark_read(conversation=wired.conversation) is True
    wait_until(lambda: brand_state(wired) and brand_state(wired).last_read_event_id == dm.id, what="the read receipt")
    wired.conversation.refresh_from_db()
    assert wired.conversation.brand_last_read_event_id == str(dm.id)
    assert conversation_mark_read(conversation=wired.conversation) is False  # nothing newer to mark


def test_the_accounts_window_is_never_exceeded(wired, monkeypatch):
    monkeypatch.setattr(receipts, "WINDOW_BUDGET", 2)
    monkeypatch.setattr(receipts, "TYPING_EVERY_SECONDS", 0)
    sent = [receipts._within_budget(wired.account.pk) for _ in range(4)]
    assert sent == [True, True, False, False]


def test_mentions_get_no_typing_indicator(wired):
    wired.conversation.kind = "mention"
    assert conversation_indicate_typing(conversation=wired.conversation) is False
