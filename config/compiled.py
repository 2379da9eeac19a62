"""ORM statements compiled to SQL once per process and run again with new values.

Django builds and compiles a query's SQL on every call. For the few statements that run for
every Direct Message (claiming a send, recording it, claiming a delivery, finding the next
reply) that cost more CPU than the database spent running them: a claim's UPDATE took about
2 ms of Python to build and a tenth of that to run. A compiled statement keeps the ORM
expression as the one source of the SQL: it is built once with stand-in values, compiled,
and from then on only the new values are bound into the same SQL, by position.

Only plain values are bound (ids, strings, datetimes), each passed as its own parameter and
used as it is (``now - DAY`` must be computed by the caller and passed in). Compiling checks
that every stand-in came through unchanged, so a statement that transforms one fails the
first time it runs, in tests, never silently at run time. Everything else in the statement
is fixed when it is first built: a setting read there would be read once, so pass it in.
A value may be None where it is assigned (``SET x = NULL``), never where it is compared.

On PostgreSQL each statement is also *prepared* once per connection (``PREPARE``, then
``EXECUTE`` with the values), so the database keeps its plan too: planning the send's load of
a message with its account, brand, conversation, contact and profile cost 1.2 ms of the
database's CPU against 0.1 ms to run it. A connection marked for a transaction-mode pooler
(``DISABLE_SERVER_SIDE_CURSORS``, as Django asks for PgBouncer) gets plain statements, since
the next transaction may run on another server session; a statement PostgreSQL cannot prepare
is run plainly too.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, InterfaceError, OperationalError, connections, router, transaction
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators
from django.db.models.sql import UpdateQuery

logger = logging.getLogger(__name__)

# Databases whose compilers run an UPDATE's filters in the statement itself (MySQL's would
# run a SELECT while compiling, which must not be cached).
_SUPPORTED_VENDORS = ("postgresql", "sqlite")


class CompileError(Exception):
    """The statement cannot be compiled once and reused (a programming error)."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    # For each position in ``params``: the name of the value bound there and whether it is
    # adapted as a datetime; None keeps the compiled constant.
    bindings: tuple[tuple[str, bool] | None, ...]
    # What a SELECT's compiler knew about its columns, to convert and build rows as the ORM
    # does: its select list, column count, model layout and annotation positions.
    select: tuple[Any, ...] = ()
    col_count: int = 0
    klass_info: dict[str, Any] | None = None
    annotation_col_map: dict[str, int] | None = None
    # PostgreSQL: the name it is prepared under and the PREPARE that does it.
    name: str = ""
    prepare_sql: str = ""


def _stand_in(kind: type, index: int) -> Any:
    # Values no real row or constant carries, inside every backend's integer range (Django
    # drops out-of-range integer lookups from the SQL).
    if kind is int:
        return -1_987_654_000 - index
    if kind is str:
        return f"\x1fcompiled-stand-in-{index}\x1f"
    if kind is datetime:
        return datetime(1901, 2, 3, 4, 5, 6, index + 1, tzinfo=UTC)
    raise CompileError(f"values of type {kind.__name__} cannot be bound; use int, str or datetime")


class _Statement(ABC):
    # A query's values are all compared, and ``x = NULL`` matches nothing where the ORM would
    # have written ``x IS NULL``: None is refused there. An update may assign None.
    none_allowed = False

    def __init__(self, model: type[Model], build: Callable[..., Any], parameters: dict[str, type]) -> None:
        self._model = model
        self._build = build
        self._parameters = parameters
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    @abstractmethod
    def _to_sql(self, built: Any, alias: str) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        """The SQL, its parameters and what the compiler knew of its result columns."""

    def _bound(self, alias: str, values: dict[str, Any]) -> tuple[_Compiled, list[Any]] | None:
        """The statement and its parameters for these values; None where compiling is not
        supported (the caller then runs the ORM as it is)."""
        if values.keys() != self._parameters.keys():
            raise TypeError(f"expected the values {sorted(self._parameters)}, got {sorted(values)}")
        connection = connections[alias]
        if connection.vendor not in _SUPPORTED_VENDORS:
            return None
        compiled = self._compiled.get(alias) or self._compile(alias)
        if not self.none_allowed and None in values.values():
            raise TypeError(f"None cannot be compared in a compiled query: {values}")
        values = {name: _as(self._parameters[name], value) for name, value in values.items()}
        adapt = connection.ops.adapt_datetimefield_value
        params = [
            constant if binding is None else (adapt(values[binding[0]]) if binding[1] else values[binding[0]])
            for constant, binding in zip(compiled.params, compiled.bindings, strict=True)
        ]
        return compiled, params

    def _compile(self, alias: str) -> _Compiled:
        with self._lock:
            if alias in self._compiled:
                return self._compiled[alias]
            stand_ins = {name: _stand_in(kind, n) for n, (name, kind) in enumerate(self._parameters.items())}
            try:
                sql, params, columns = self._to_sql(self._build(**stand_ins), alias)
            except EmptyResultSet:
                raise CompileError("the statement matches nothing whatever its values") from None
            adapt = connections[alias].ops.adapt_datetimefield_value
            forms: dict[Any, tuple[str, bool]] = {}
            for name, value in stand_ins.items():
                forms[value] = (name, False)
                if isinstance(value, datetime):
                    forms[adapt(value)] = (name, True)
            bindings = tuple(forms.get(param) if _hashable(param) else None for param in params)
            missing = set(self._parameters) - {binding[0] for binding in bindings if binding is not None}
            if missing:
                raise CompileError(
                    f"{', '.join(sorted(missing))} did not reach the SQL unchanged; pass each value "
                    "as its own parameter, used as it is"
                )
            name = f"roost_compiled_{next(_names)}"
            _sql_by_name[name] = sql
            self._compiled[alias] = _Compiled(
                sql=sql,
                params=tuple(params),
                bindings=bindings,
                name=name,
                prepare_sql=self._prepare_sql(name, sql, bindings),
                **columns,
            )
            return self._compiled[alias]

    def _prepare_sql(self, name: str, sql: str, bindings: tuple[tuple[str, bool] | None, ...]) -> str:
        """PostgreSQL's ``PREPARE`` of this statement: numbered parameters, each bound value
        with a declared type (an id compared with an integer column as bigint, never
        narrowed), the statement's own constants typed by PostgreSQL from their context."""
        types = [_PARAMETER_TYPES[self._parameters[binding[0]]] if binding else "unknown" for binding in bindings]
        numbers = itertools.count(1)
        numbered = _PARAMETER_MARKER.sub(lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", sql)
        return f"PREPARE {name}({', '.join(types)}) AS {numbered}" if types else f"PREPARE {name} AS {numbered}"


_names = itertools.count(1)
_PARAMETER_TYPES = {int: "bigint", str: "text", datetime: "timestamptz"}
_PARAMETER_MARKER = re.compile(r"%%|%s")  # psycopg2's, and its escaped percent sign
_unpreparable: set[str] = set()
_sql_by_name: dict[str, str] = {}
# invalid_sql_statement_name ("prepared statement ... does not exist") and
# feature_not_supported ("cached plan must not change result type").
_PREPARED_STATEMENT_GONE = {"26000", "0A000"}


def executed_sql(sql: str) -> str:
    """The SQL behind a logged ``EXECUTE roost_compiled_N(...)`` (for reading query logs and
    counting queries in tests); any other SQL as it is."""
    if sql.startswith("EXECUTE roost_compiled_"):
        return _sql_by_name.get(sql.removeprefix("EXECUTE ").split("(")[0], sql)
    return sql


def _run(cursor: Any, alias: str, compiled: _Compiled, params: list[Any]) -> None:
    """Run a compiled statement: prepared on PostgreSQL where it can be, plainly otherwise."""
    if not _prepared(cursor, alias, compiled):
        cursor.execute(compiled.sql, params)
        return
    markers = ", ".join(["%s"] * len(params))
    try:
        cursor.execute(f"EXECUTE {compiled.name}({markers})" if params else f"EXECUTE {compiled.name}", params)
    except DatabaseError as error:
        if getattr(error.__cause__, "pgcode", None) not in _PREPARED_STATEMENT_GONE:
            raise
        # The session lost the statement, or its plan no longer fits the tables (a migration
        # while this process kept its connection): from now on it runs plainly.
        _unpreparable.add(compiled.name)
        logger.warning("compiled statement %s is run unprepared from now on: %s", compiled.name, error)
        if connections[alias].in_atomic_block:
            raise  # the failed EXECUTE aborted the transaction; the caller's retry runs it plainly
        cursor.execute(compiled.sql, params)  # autocommit: nothing was aborted, so now


def _prepared(cursor: Any, alias: str, compiled: _Compiled) -> bool:
    connection = connections[alias]
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
        or compiled.name in _unpreparable
    ):
        return False
    # What is prepared lives in the database session: a new connection (after a reconnect, or
    # CONN_MAX_AGE) starts with nothing prepared.
    session, names = getattr(connection, "_compiled_prepared", (None, set()))
    if session is not connection.connection:
        session, names = connection.connection, set()
        connection._compiled_prepared = (session, names)
    if compiled.name in names:
        return True
    try:
        # In a transaction, a failed PREPARE must not abort it: try it in a savepoint.
        with transaction.atomic(using=alias) if connection.in_atomic_block else contextlib.nullcontext():
            cursor.execute(compiled.prepare_sql)
    except (OperationalError, InterfaceError):
        raise  # the connection failed, not the statement: as the statement itself would
    except DatabaseError as error:
        _unpreparable.add(compiled.name)
        logger.warning("compiled statement %s is run unprepared: %s", compiled.name, error)
        return False
    names.add(compiled.name)
    return True


def _as(kind: type, value: Any) -> Any:
    # As the fields' own preparation would: an id given as "42" is bound as 42.
    if value is None or isinstance(value, kind):
        return value
    if kind in (int, str):
        return kind(value)
    raise TypeError(f"expected a {kind.__name__}, got {value!r}")


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class CompiledUpdate(_Statement):
    """``build(**values)`` returns ``(queryset, {field: new value or expression})``;
    ``execute(**values)`` runs that ``queryset.update(...)`` and returns the rows changed.
    Values may be None where they are assigned, never where the queryset compares them."""

    none_allowed = True

    def __init__(self, model: type[Model], build: Callable[..., tuple[QuerySet, dict[str, Any]]], **values: type):
        super().__init__(model, build, values)

    def _to_sql(self, built: tuple[QuerySet, dict[str, Any]], alias: str) -> tuple[str, tuple[Any, ...], dict]:
        queryset, changes = built
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(changes)
        if query.related_updates:
            raise CompileError("updates of a parent model's fields cannot be compiled once")
        query.annotations = {}  # as QuerySet.update: annotations must not reach the subqueries
        sql, params = query.get_compiler(alias).as_sql()
        return sql, params, {}

    def execute(self, **values: Any) -> int:
        alias = router.db_for_write(self._model)
        bound = self._bound(alias, values)
        if bound is None:
            queryset, changes = self._build(**values)
            return queryset.update(**changes)
        compiled, params = bound
        with transaction.mark_for_rollback_on_error(using=alias), connections[alias].cursor() as cursor:
            _run(cursor, alias, compiled, params)
            return cursor.rowcount


_KINDS = {"DateTimeField": datetime, "CharField": str, "TextField": str}


def _kind_of(field: Field) -> type:
    target = field.target_field if field.is_relation else field
    internal = target.get_internal_type()
    if internal in _KINDS:
        return _KINDS[internal]
    if internal.endswith(("IntegerField", "AutoField")):
        return int
    raise CompileError(f"{field.name}: a {internal} cannot be bound; use int, str or datetime fields")


class CompiledSave(CompiledUpdate):
    """``instance.save(update_fields=fields)``, compiled once: ``save(instance)`` writes those
    fields of that row (each through its ``pre_save``, as a save would) and, as a save would,
    raises ``DatabaseError`` when the row is gone. Without a model save's signals, which these
    rows have none of. ``CompiledSave.of(model, *fields)`` keeps one per set of fields, for a
    caller whose fields vary."""

    @classmethod
    @functools.cache
    def of(cls, model: type[Model], *fields: str) -> CompiledSave:
        return cls(model, *fields)

    def __init__(self, model: type[Model], *fields: str) -> None:
        self._fields = [model._meta.get_field(name) for name in fields]
        kinds = {field.attname: _kind_of(field) for field in self._fields}
        super().__init__(
            model,
            lambda pk, **values: (model._default_manager.filter(pk=pk), values),
            pk=int,
            **kinds,
        )

    def save(self, instance: Model) -> None:
        values = {field.attname: field.pre_save(instance, False) for field in self._fields}
        if not self.execute(pk=instance.pk, **values):
            raise DatabaseError("Save with update_fields did not affect any rows.")


class CompiledQuery(_Statement):
    """``build(**values)`` returns a queryset: of models (``select_related`` included) for
    ``objects()``, or a ``values_list()`` (not flat) for ``rows()``. Rows are converted and
    models built as the ORM builds them."""

    def __init__(self, model: type[Model], build: Callable[..., QuerySet], **values: type):
        super().__init__(model, build, values)

    def _to_sql(self, built: QuerySet, alias: str) -> tuple[str, tuple[Any, ...], dict]:
        if built._prefetch_related_lookups or built._known_related_objects:
            raise CompileError("querysets that prefetch or carry related objects cannot be compiled once")
        compiler = built.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        columns = {
            "select": tuple(compiler.select),
            "col_count": compiler.col_count,
            "klass_info": compiler.klass_info,
            "annotation_col_map": compiler.annotation_col_map,
        }
        return sql, params, columns

    def _fetch(self, alias: str, compiled: _Compiled, params: list[Any]) -> list[list[Any]]:
        connection = connections[alias]
        with connection.cursor() as cursor:
            _run(cursor, alias, compiled, params)
            fetched = cursor.fetchall()
        # Django's own conversions (a datetime from SQLite's text, a JSON field's value).
        converters = []
        for position, (expression, _, _) in enumerate(compiled.select[: compiled.col_count]):
            functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if functions:
                converters.append((position, functions, expression))
        rows = []
        for fetched_row in fetched:
            row = list(fetched_row[: compiled.col_count])
            for position, functions, expression in converters:
                value = row[position]
                for convert in functions:
                    value = convert(value, expression, connection)
                row[position] = value
            rows.append(row)
        return rows

    def _matches_nothing(self, alias: str, values: dict[str, Any]) -> bool:
        # An id beyond the database's integer range (a forged "recipient_id", say) equals no
        # row: the ORM leaves such a lookup out of the SQL, and binding it would be an error.
        low, high = connections[alias].ops.integer_field_range("BigIntegerField")
        return any(
            self._parameters[name] is int and not low <= int(value) <= high
            for name, value in values.items()
            if value is not None
        )

    def rows(self, **values: Any) -> list[tuple[Any, ...]]:
        alias = router.db_for_read(self._model)
        bound = self._bound(alias, values)
        if bound is None:
            return [tuple(row) for row in self._build(**values)]
        if self._matches_nothing(alias, values):
            return []
        return [tuple(row) for row in self._fetch(alias, *bound)]

    def sql_with_params(self, **values: Any) -> tuple[str, list[Any]]:
        """The SQL and its parameters, to embed in a statement of the caller's own."""
        alias = router.db_for_read(self._model)
        bound = self._bound(alias, values)
        if bound is None:
            sql, params = self._build(**values).query.sql_with_params()
            return sql, list(params)
        compiled, params = bound
        return compiled.sql, params

    def first_value(self, **values: Any) -> Any:
        """The first column of the first row, or None."""
        found = self.rows(**values)
        return found[0][0] if found else None

    def objects(self, **values: Any) -> list[Model]:
        alias = router.db_for_read(self._model)
        bound = self._bound(alias, values)
        if bound is None:
            return list(self._build(**values))
        if self._matches_nothing(alias, values):
            return []
        compiled, params = bound
        klass_info, select = compiled.klass_info, compiled.select
        model = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        attnames = [column[0].target.attname for column in select[first:last]]
        populators = get_related_populators(klass_info, list(select), alias)
        objects = []
        for row in self._fetch(alias, compiled, params):
            instance = model.from_db(alias, attnames, row[first:last])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in (compiled.annotation_col_map or {}).items():
                setattr(instance, name, row[position])
            objects.append(instance)
        return objects

    def first_object(self, **values: Any) -> Model | None:
        found = self.objects(**values)
        return found[0] if found else None
