"""Recording a send's outcome when the echo got there first."""

from __future__ import annotations

from contextlib import nullcontext

import pytest

from engagement.models import Message
from tests.factories import MessageFactory


@pytest.mark.parametrize("in_a_transaction", [True, False], ids=["in-a-transaction", "autocommit"])
def test_a_send_whose_id_its_twin_already_took_from_the_echo_is_recorded_sent(in_a_transaction, transactional_db):
    """The echo can pair Twitter's id with a twin (same person, same text) before this send
    records it: the send is sent all the same, without claiming the id twice."""
    from django.db import transaction

    from engagement.services.send_outcomes import message_record_sent

    twin = MessageFactory(
        direction=Message.Direction.OUTBOUND, origin=Message.Origin.AGENT, status=Message.Status.SENT, external_id="42"
    )
    mine = MessageFactory(
        conversation=twin.conversation,
        direction=Message.Direction.OUTBOUND,
        origin=Message.Origin.AGENT,
        status=Message.Status.SENDING,
        external_id=None,
    )
    with transaction.atomic() if in_a_transaction else nullcontext():
        assert message_record_sent(mine, external_id="42", sent_at=None) == Message.Status.SENT
    mine.refresh_from_db()
    assert (mine.status, mine.external_id) == (Message.Status.SENT, None)
