"""Statements compiled once run the ORM's own SQL with each call's values, on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config import compiled
from config.compiled import CompiledQuery, CompiledSave, CompiledUpdate, CompileError, executed_sql
from engagement.models import Message
from tests.factories import CustomProfileFactory, MessageFactory

pytestmark = pytest.mark.django_db


def _build_retry(message_id: int, now: datetime):
    due = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED, not_before__lte=now)
    return due, {"attempts": F("attempts") + 1, "claimed_at": now, "error": "retried"}


def statements_run(queries: CaptureQueriesContext) -> list[str]:
    """The statements that did the work: without PostgreSQL's one-off PREPARE (and the
    savepoint it is tried in)."""
    setup = ("PREPARE ", "SAVEPOINT ", "RELEASE SAVEPOINT ")
    return [query["sql"] for query in queries if not query["sql"].startswith(setup)]


def test_an_update_is_built_once_and_then_binds_each_calls_values():
    now = timezone.now()
    first = MessageFactory(status=Message.Status.QUEUED, not_before=now - timedelta(minutes=1))
    second = MessageFactory(status=Message.Status.QUEUED, not_before=now - timedelta(minutes=1))
    builds = []

    def counted(**values):
        builds.append(values)
        return _build_retry(**values)

    retry = CompiledUpdate(Message, counted, message_id=int, now=datetime)
    with CaptureQueriesContext(connection) as queries:
        assert retry.execute(message_id=first.pk, now=now) == 1
        assert retry.execute(message_id=second.pk, now=now + timedelta(seconds=5)) == 1

    assert len(builds) == 1  # the second call only bound its values
    assert len(statements_run(queries)) == 2  # one statement each, logged as Django logs its own
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, first.claimed_at, first.error) == (1, now, "retried")
    assert second.claimed_at == now + timedelta(seconds=5)


def test_an_update_changes_exactly_what_the_orm_would():
    now = timezone.now()
    due = MessageFactory(status=Message.Status.QUEUED, not_before=now - timedelta(seconds=1))
    later = MessageFactory(status=Message.Status.QUEUED, not_before=now + timedelta(hours=1))
    sent = MessageFactory(status=Message.Status.SENT, not_before=now - timedelta(seconds=1))
    retry = CompiledUpdate(Message, _build_retry, message_id=int, now=datetime)

    changed = [retry.execute(message_id=message.pk, now=now) for message in (due, later, sent)]

    assert changed == [1, 0, 0]  # the datetime bound in the filter compares as the ORM's does
    assert list(Message.objects.order_by("pk").values_list("attempts", flat=True)) == [1, 0, 0]


def test_rows_binds_values_and_returns_what_the_database_holds():
    queued = MessageFactory(status=Message.Status.QUEUED)
    MessageFactory(status=Message.Status.SENT, conversation=queued.conversation)
    next_queued = CompiledQuery(
        Message,
        lambda conversation_id, status: (
            Message.objects.filter(conversation_id=conversation_id, status=status).order_by("pk").values_list("pk")
        ),
        conversation_id=int,
        status=str,
    )

    assert next_queued.first_value(conversation_id=queued.conversation_id, status=Message.Status.QUEUED) == queued.pk
    assert next_queued.first_value(conversation_id=queued.conversation_id + 1000, status=Message.Status.QUEUED) is None
    assert next_queued.rows(conversation_id=queued.conversation_id, status=Message.Status.FAILED) == []


def test_a_value_the_statement_transforms_is_refused_when_it_first_runs():
    # ``now - 1 day`` reaches the SQL as another value: binding ``now`` there would be wrong.
    yesterday_rule = CompiledQuery(
        Message,
        lambda now: Message.objects.filter(created_at__gte=now - timedelta(days=1)).values_list("pk"),
        now=datetime,
    )

    with pytest.raises(CompileError, match="now did not reach the SQL unchanged"):
        yesterday_rule.rows(now=timezone.now())


def test_values_must_be_the_ones_declared():
    retry = CompiledUpdate(Message, _build_retry, message_id=int, now=datetime)

    with pytest.raises(TypeError, match="expected the values"):
        retry.execute(message_id=1)
    with pytest.raises(CompileError, match="cannot be bound"):
        CompiledQuery(Message, lambda ids: Message.objects.filter(pk__in=ids).values_list("pk"), ids=list).rows(ids=[1])


def test_objects_are_built_as_the_orm_builds_them_with_their_related_rows():
    profile = CustomProfileFactory()
    with_profile = MessageFactory(custom_profile=profile, quick_replies=[{"label": "Yes"}], sent_at=timezone.now())
    without = MessageFactory()
    to_send = CompiledQuery(
        Message,
        lambda message_id: Message.objects.select_related("conversation__contact", "custom_profile").filter(
            pk=message_id
        ),
        message_id=int,
    )

    found = to_send.first_object(message_id=with_profile.pk)
    plain = to_send.first_object(message_id=without.pk)

    expected = Message.objects.get(pk=with_profile.pk)
    assert (found.pk, found.sent_at, found.quick_replies) == (expected.pk, expected.sent_at, [{"label": "Yes"}])
    assert found.custom_profile.name == profile.name  # loaded with it, converted as the ORM does
    assert found.conversation.contact.twitter_user_id == with_profile.conversation.contact.twitter_user_id
    assert plain.custom_profile is None
    assert to_send.first_object(message_id=without.pk + 1000) is None
    with CaptureQueriesContext(connection) as queries:
        assert found.conversation.contact.pk == with_profile.conversation.contact_id
    assert len(queries) == 0  # the related rows came with the one statement


def test_values_are_prepared_as_their_fields_would_prepare_them():
    message = MessageFactory()
    by_external_id = CompiledQuery(
        Message,
        lambda account_id, external_id: Message.objects.filter(
            account_id=account_id, external_id=external_id
        ).values_list("pk"),
        account_id=int,
        external_id=str,
    )

    assert by_external_id.first_value(account_id=str(message.account_id), external_id=message.external_id) == (
        message.pk
    )
    assert by_external_id.first_value(account_id=message.account_id, external_id=int(message.external_id)) == (
        message.pk
    )


def test_a_query_refuses_none_which_sql_would_compare_as_unknown():
    by_external_id = CompiledQuery(
        Message,
        lambda external_id: Message.objects.filter(external_id=external_id).values_list("pk"),
        external_id=str,
    )

    with pytest.raises(TypeError, match="None cannot be compared"):
        by_external_id.rows(external_id=None)


def test_its_sql_can_be_embedded_in_a_statement_of_ones_own():
    MessageFactory(status=Message.Status.QUEUED)
    MessageFactory(status=Message.Status.SENT)
    queued = CompiledQuery(Message, lambda status: Message.objects.filter(status=status).values("pk"), status=str)
    inner, params = queued.sql_with_params(status=Message.Status.QUEUED)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({inner}) AS queued", params)  # noqa: S608 - Django's own SQL
        assert cursor.fetchone()[0] == 1


def test_a_compiled_save_writes_those_fields_as_save_would_and_nothing_else():
    message = MessageFactory(status=Message.Status.QUEUED, text="as written")
    record = CompiledSave(Message, "status", "sent_at", "custom_profile", "error")
    message.status = Message.Status.SENT
    message.sent_at = timezone.now()
    message.error = ""
    message.text = "changed in memory only"

    record.save(message)
    stored = Message.objects.get(pk=message.pk)
    assert (stored.status, stored.sent_at, stored.custom_profile_id) == (Message.Status.SENT, message.sent_at, None)
    assert stored.text == "as written"  # a field not named is not written


def test_a_compiled_save_of_a_deleted_row_raises_as_save_would():
    message = MessageFactory()
    Message.objects.filter(pk=message.pk).delete()
    with pytest.raises(DatabaseError, match="did not affect any rows"), transaction.atomic():
        message.save(update_fields=["status"])  # the ORM's answer
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        CompiledSave(Message, "status").save(message)


def test_one_compiled_save_is_kept_per_set_of_fields():
    assert CompiledSave.of(Message, "status", "error") is CompiledSave.of(Message, "status", "error")
    assert CompiledSave.of(Message, "status") is not CompiledSave.of(Message, "status", "error")


def test_an_id_beyond_the_databases_range_matches_nothing_as_in_the_orm():
    message = MessageFactory()
    by_id = CompiledQuery(Message, lambda message_id: Message.objects.filter(pk=message_id), message_id=int)
    ids = CompiledQuery(
        Message, lambda message_id: Message.objects.filter(pk=message_id).values_list("pk"), message_id=int
    )

    assert Message.objects.filter(pk=10**30).first() is None  # the ORM's answer
    assert by_id.objects(message_id=10**30) == []
    assert ids.rows(message_id=-(10**30)) == []
    assert by_id.first_object(message_id=message.pk).pk == message.pk


# --- PostgreSQL: prepared once per connection ----------------------------------------------
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
_BY_STATUS = CompiledQuery(
    Message,
    lambda status, since: Message.objects.filter(status=status, created_at__gte=since),
    status=str,
    since=datetime,
)


@on_postgresql
def test_on_postgresql_a_statement_is_prepared_once_and_then_executed():
    message = MessageFactory(status=Message.Status.QUEUED)
    since = timezone.now() - timedelta(minutes=5)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert [found.pk for found in _BY_STATUS.objects(status="queued", since=since)] == [message.pk]
    prepares = [query["sql"] for query in queries if query["sql"].startswith("PREPARE ")]
    assert len(prepares) <= 1  # once per connection: an earlier test may have prepared it
    name = _BY_STATUS._compiled["default"].name
    assert [sql.split("(")[0] for sql in statements_run(queries)] == [f"EXECUTE {name}"] * 3
    assert executed_sql(f"EXECUTE {name}('queued', now())") == _BY_STATUS._compiled["default"].sql
    assert executed_sql("SELECT 1") == "SELECT 1"


@on_postgresql
def test_a_new_connection_prepares_again():
    message = MessageFactory(status=Message.Status.QUEUED)
    since = timezone.now() - timedelta(minutes=5)
    assert _BY_STATUS.first_object(status="queued", since=since).pk == message.pk
    connection._compiled_prepared = (object(), set())  # as after a reconnect: a session that prepared nothing
    with CaptureQueriesContext(connection) as queries:
        assert _BY_STATUS.first_object(status="queued", since=since).pk == message.pk
    assert any(query["sql"].startswith("PREPARE ") for query in queries)


@on_postgresql
def test_behind_a_transaction_pooler_statements_are_not_prepared(settings):
    MessageFactory(status=Message.Status.QUEUED)
    since = timezone.now() - timedelta(minutes=5)
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        with CaptureQueriesContext(connection) as queries:
            assert len(_BY_STATUS.objects(status="queued", since=since)) == 1
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
    assert [query["sql"].split()[0] for query in queries] == ["SELECT"]


@on_postgresql
def test_a_statement_that_cannot_be_prepared_runs_plainly_in_the_same_transaction():
    by_id = CompiledQuery(
        Message, lambda message_id: Message.objects.filter(pk=message_id).values_list("pk"), message_id=int
    )
    message = MessageFactory()
    name = by_id._compile("default").name
    with connection.cursor() as cursor:  # the name is taken in this session: PREPARE will fail
        cursor.execute(f"PREPARE {name} AS SELECT 1")
    with transaction.atomic():
        assert by_id.rows(message_id=message.pk) == [(message.pk,)]
        assert by_id.rows(message_id=message.pk) == [(message.pk,)]  # and again, plainly
        assert Message.objects.filter(pk=message.pk).exists()  # the transaction is still usable
    assert name in compiled._unpreparable


def _prepared_then_lost() -> tuple[CompiledQuery, Message]:
    """A statement prepared in this session, then dropped from it as a pooler resetting the
    session would."""
    by_id = CompiledQuery(
        Message, lambda message_id: Message.objects.filter(pk=message_id).values_list("pk"), message_id=int
    )
    message = MessageFactory()
    assert by_id.rows(message_id=message.pk) == [(message.pk,)]  # prepared now
    with connection.cursor() as cursor:
        cursor.execute(f"DEALLOCATE {by_id._compiled['default'].name}")
    return by_id, message


@on_postgresql
def test_a_prepared_statement_the_session_lost_in_a_transaction_fails_once_then_runs_plainly():
    by_id, message = _prepared_then_lost()
    with pytest.raises(DatabaseError), transaction.atomic():
        by_id.rows(message_id=message.pk)
    assert by_id.rows(message_id=message.pk) == [(message.pk,)]
    assert by_id._compiled["default"].name in compiled._unpreparable


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_prepared_statement_the_session_lost_outside_a_transaction_runs_plainly_at_once():
    by_id, message = _prepared_then_lost()
    assert not connection.in_atomic_block
    assert by_id.rows(message_id=message.pk) == [(message.pk,)]  # autocommit: nothing to abort
    assert by_id._compiled["default"].name in compiled._unpreparable
