"""SQL that PostgreSQL and SQLite do not share: the one module that asks which database it talks to.

PostgreSQL runs production and CI, SQLite development and the quick tests. Code elsewhere writes SQL
both understand and comes here for the rest; every function gives the same result on both:

- expressions spelt differently: ``day_number``, ``day_before``, ``greatest``, ``least``, ``popcount``,
  ``as_float``, ``as_exact``;
- what PostgreSQL does faster its own way: COPY (``insert_rows``), an INSERT from arrays that skips
  rows already there (``insert_new_rows``), one array parameter for thousands of ids
  (``rows_for_ids``), a constant array to look numbers up in (``int_array``), a series of months to join
  (``join_months``) and a CTE computed once (``materialized``). The last three give nothing on SQLite,
  and the caller takes the portable way;
- what only PostgreSQL has: shared row locks (``lock_shared``), rows skipped while another transaction
  holds them (``delete_returning``), settings of one transaction (``set_local``), a bulk load without
  per-row triggers (``row_triggers_off``) and fresh planner statistics (``analyze``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from itertools import islice

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, models, transaction
from django.db.backends.signals import connection_created
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabase
from django.db.models import F, Lookup
from django.dispatch import receiver

BATCH = 2000  # rows per bulk_create where there is no COPY
IDS_PER_STATEMENT = 5000  # ids per IN list where there is no array parameter (SQLite's variable limit)
ARRAY_ROWS = 50000  # rows per INSERT from arrays


# The database ``fetch`` and ``set_local`` talk to: the default one, or inside ``reading_from`` another
# alias (a read replica, apps/core/replica.py).
_reading_alias: ContextVar[str] = ContextVar("sql_reading_alias", default=DEFAULT_DB_ALIAS)


def _column(model: type[models.Model], name: str) -> models.Field:
    """The concrete field ``name`` of ``model`` (a column, not a reverse relation)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column is not None
    return field


def postgresql() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def reading_from(alias: str) -> Iterator[None]:
    """``fetch`` and ``set_local`` inside use the database ``alias`` (the same kind as the default)."""
    token = _reading_alias.set(alias)
    try:
        yield
    finally:
        _reading_alias.reset(token)


def chunks(items: Sequence, size: int = IDS_PER_STATEMENT) -> Iterator[Sequence]:
    """``items`` in slices of ``size``: lists of ids short enough for one statement each."""
    for offset in range(0, len(items), size):
        yield items[offset : offset + size]


def fetch(query: str | models.QuerySet, params: Sequence = ()) -> list[tuple]:
    """The rows of a query, or of a ``values_list`` queryset, without the ORM's per-row work (tens of
    thousands of rows)."""
    if isinstance(query, models.QuerySet):
        query, params = query.query.sql_with_params()
    with connections[_reading_alias.get()].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


# --- expressions ------------------------------------------------------------------------------------


def day_number(column: str) -> str:
    """The date in ``column`` as days since 1970-01-01."""
    if postgresql():
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def day_before(column: str) -> str:
    """The day before the date in ``column``."""
    return f"{column} - 1" if postgresql() else f"date({column}, '-1 day')"


def greatest(*args: str) -> str:
    return f"{'GREATEST' if postgresql() else 'MAX'}({', '.join(args)})"


def least(*args: str) -> str:
    return f"{'LEAST' if postgresql() else 'MIN'}({', '.join(args)})"


def popcount(bits: str) -> str:
    """The number of 1 bits of a non-negative integer below 2**31 (SQLite: ``portal_popcount`` below)."""
    if postgresql():
        return f"bit_count(CAST({bits} AS bit(32)))"
    return f"portal_popcount({bits})"


def bit_or(bits: str) -> str:
    """The aggregate OR of the integers ``bits`` of a group (SQLite: ``portal_bit_or`` below)."""
    return f"BIT_OR({bits})" if postgresql() else f"portal_bit_or({bits})"


class _BitOr:
    """SQLite's aggregate for ``bit_or``: None for a group of only NULLs, as PostgreSQL's."""

    def __init__(self) -> None:
        self.value: int | None = None

    def step(self, bits: int | None) -> None:
        if bits is not None:
            self.value = bits if self.value is None else self.value | bits

    def finalize(self) -> int | None:
        return self.value


@receiver(connection_created, sender=SQLiteDatabase, dispatch_uid="portal_sqlite_popcount")
def _sqlite_functions(sender, connection, **kwargs) -> None:
    connection.connection.create_function(
        "portal_popcount", 1, lambda bits: None if bits is None else bin(bits).count("1"), deterministic=True
    )
    connection.connection.create_aggregate("portal_bit_or", 1, _BitOr)


def as_float(value: str) -> str:
    return f"CAST({value} AS {'DOUBLE PRECISION' if postgresql() else 'REAL'})"


def as_exact(value: str) -> str:
    """``value`` as a number summed without rounding where the database has one (PostgreSQL's NUMERIC)."""
    return f"CAST({value} AS {'NUMERIC' if postgresql() else 'REAL'})"


def materialized() -> str:
    """The keyword that makes PostgreSQL compute a CTE once instead of inlining it ("" elsewhere)."""
    return "MATERIALIZED" if postgresql() else ""


def int_array(values: Sequence[int]) -> str | None:
    """A constant array of integers to subscript (``array[i]``, from 1), or None where the database has
    no arrays (SQLite)."""
    if not postgresql():
        return None
    return "('{" + ",".join(str(int(value)) for value in values) + "}'::int[])"


def join_months(start: str, end: str, first: date, last: date, *, alias: str) -> str | None:
    """A join giving each row one row per calendar month that its dates ``start``..``end`` (columns; a
    NULL end: ``last``) span within ``first``..``last``, numbered year × 12 + month - 1 in ``alias.m``.
    Cheaper than comparing every row with every month; None where the database has no series (SQLite):
    compare them then."""
    if not postgresql():
        return None

    def month(day: str) -> str:
        return f"CAST(EXTRACT(YEAR FROM {day}) * 12 + EXTRACT(MONTH FROM {day}) - 1 AS INTEGER)"

    first_day, last_day = f"DATE '{first.isoformat()}'", f"DATE '{last.isoformat()}'"
    months = (
        month(f"GREATEST({start}, {first_day})"),
        month(f"LEAST(COALESCE({end}, {last_day}), {last_day})"),
    )
    return f"CROSS JOIN LATERAL generate_series({months[0]}, {months[1]}) AS {alias}(m)"


# --- statements -------------------------------------------------------------------------------------


def _int_array_literal(ids: Iterable[int]) -> str:
    """Thousands of ids as one PostgreSQL array literal: much cheaper to send than a list parameter,
    which psycopg adapts element by element."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


class _AnyOf(Lookup):
    """``column = ANY(array)``, the ids as one array literal."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*params, _int_array_literal(self.rhs)]


def rows_for_ids(queryset: models.QuerySet, field: str, ids: Iterable[int]) -> list[tuple]:
    """The rows of a ``values_list`` queryset whose ``field`` is one of ``ids`` (thousands): on
    PostgreSQL one statement with the ids as one array parameter, a list of thousands costing more to
    send and to plan; elsewhere one statement per slice of ids, in the order of the ids."""
    ids = sorted(ids)
    if postgresql():
        return fetch(queryset.filter(_AnyOf(F(field), ids)))
    rows: list[tuple] = []
    for chunk in chunks(ids):
        rows.extend(fetch(queryset.filter(**{f"{field}__in": chunk})))
    return rows


def lock_shared(queryset: models.QuerySet) -> None:
    """Lock the queryset's rows against writers until the transaction ends, letting other readers that
    lock them shared through (PostgreSQL's FOR SHARE). SQLite runs one writer at a time anyway, and
    outside a transaction a lock would end with its statement: nothing is done then."""
    if not (postgresql() and connection.in_atomic_block):
        return
    sql, params = queryset.values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} FOR SHARE", params)


def delete_returning(queryset: models.QuerySet, *columns: str) -> list[tuple]:
    """Delete the queryset's rows that no other transaction holds (SKIP LOCKED where the database locks
    rows) and return their ``columns``."""
    model = queryset.model
    table, pk = (
        connection.ops.quote_name(model._meta.db_table),
        connection.ops.quote_name(model._meta.pk.column),
    )
    sql, params = queryset.select_for_update(skip_locked=True).values("pk").query.sql_with_params()
    returning = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({sql}) RETURNING {returning}", params)  # noqa: S608
        return cursor.fetchall()


def set_local(**settings: str) -> None:
    """Set PostgreSQL settings for the rest of the transaction (``SET LOCAL``); other databases have
    none."""
    if not postgresql():
        return
    with connections[_reading_alias.get()].cursor() as cursor:
        for name, value in settings.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


@contextmanager
def row_triggers_off() -> Iterator[bool]:
    """For a bulk load inside a transaction: on PostgreSQL, where the role may (a superuser, as in
    development, CI and the compose file's database), no per-row triggers until the block ends: no
    foreign-key checks and no trigger-kept rules, so the caller checks what they would have. Yields
    whether they are off; elsewhere, or without the right, every row is checked as usual."""
    off = False
    if postgresql():
        try:
            with transaction.atomic():  # a refusal rolls back to here and leaves the transaction usable
                set_local(session_replication_role="replica")
            off = True
        except DatabaseError:
            off = False
    yield off  # on an error the transaction rolls back, and the setting with it
    if off:
        set_local(session_replication_role="origin")


def analyze(*tables: type[models.Model]) -> None:
    """Fresh planner statistics for tables just filled in bulk (PostgreSQL; SQLite plans without)."""
    if not postgresql():
        return
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples of values for ``fields``, attribute names such as ``employee_id``) into
    ``model``'s table; returns how many were inserted. No signals are sent, as with ``bulk_create``.

    On PostgreSQL with COPY (the floor the import benchmark measures against); elsewhere the ORM's
    ``bulk_create`` in batches. Either way the rows are consumed as a stream, never held all at once.
    """
    if postgresql():
        columns = ", ".join(connection.ops.quote_name(_column(model, f).column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        count = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    count = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        model._default_manager.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in batch])
        count += len(batch)
    return count


def insert_new_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence], *, unique: Sequence[str]
) -> int:
    """Insert ``rows`` (as ``insert_rows``) except those that would repeat a row on the unique
    ``unique`` columns; returns how many were new.

    On PostgreSQL one INSERT of arrays per ARRAY_ROWS rows with ON CONFLICT DO NOTHING: the ORM's
    per-object ``bulk_create`` costs far more at scale. Elsewhere ``bulk_create`` ignoring conflicts,
    the new rows counted in the table.
    """
    if not postgresql():
        before = model._default_manager.count()
        model._default_manager.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows],
            batch_size=5000,
            ignore_conflicts=True,
        )
        return model._default_manager.count() - before
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(_column(model, f).column) for f in fields)
    arrays = ", ".join(f"%s::{_column(model, f).db_type(connection)}[]" for f in fields)
    conflict = ", ".join(quote(_column(model, f).column) for f in unique)
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}) ON CONFLICT ({conflict}) DO NOTHING"  # noqa: S608
    )
    created = 0
    with connection.cursor() as cursor:
        for chunk in chunks(rows, ARRAY_ROWS):
            cursor.execute(sql, [[row[i] for row in chunk] for i in range(len(fields))])
            created += cursor.rowcount
    return created
