"""Writing many rows at once: the one place that knows PostgreSQL's COPY.

``insert_rows`` streams rows into a model's table. On PostgreSQL it uses COPY (the floor the import
benchmark measures against); elsewhere (SQLite in development and the quick tests) the ORM's
``bulk_create`` in batches. Either way the rows are consumed as a stream, never held all at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from django.db import connection, models

BATCH = 2000


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples of values for ``fields``, attribute names such as ``employee_id``) into
    ``model``'s table; returns how many were inserted. No signals are sent, as with ``bulk_create``."""
    if connection.vendor == "postgresql":
        columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
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
        model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in batch])
        count += len(batch)
    return count
