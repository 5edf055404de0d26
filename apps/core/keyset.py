"""Keyset pagination: pages of a long ordered list without OFFSET and without counting the list.

Django's ``Paginator`` counts the whole list and skips ``OFFSET`` rows to reach a page, so page 200 of
an HR queue reads 200 pages' rows. Here a page starts after (or ends before) the last row the user
saw: the link names that row by its primary key (the cursor: a number, so the address carries no name,
date or other personal data into browser histories and logs), and the query seeks to the row's sort
values through the ordering's index. The ordering must be ascending and end with the primary key; the
values of the ordering's fields may not be NULL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Model, Q, QuerySet


@dataclass(frozen=True)
class KeysetPage:
    object_list: list[Any]
    per_page: int
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _cursor(obj: Model) -> str:
    return str(obj.pk)


def _values(queryset: QuerySet, ordering: Sequence[str], cursor: str) -> list[Any] | None:
    """The sort values of the row the cursor names, if it is in ``queryset`` (else None: a row gone
    since, or one this user may not see, gives the first page and tells nothing)."""
    if not (cursor.isascii() and cursor.isdigit()) or len(cursor) > 18:
        return None
    row = queryset.filter(pk=int(cursor)).values_list(*ordering).first()
    return list(row) if row is not None else None


def _beyond(ordering: Sequence[str], values: Sequence[Any], lookup: str) -> Q:
    """Rows after (``gt``) or before (``lt``) ``values`` in the ordering."""
    conditions = []
    for index, field in enumerate(ordering):
        equal = dict(zip(ordering[:index], values[:index], strict=True))
        conditions.append(Q(**equal, **{f"{field}__{lookup}": values[index]}))
    return reduce(or_, conditions)


def keyset_page(
    queryset: QuerySet,
    ordering: Sequence[str],
    *,
    per_page: int,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """The page of ``queryset`` in ``ordering`` right after the cursor ``after``, right before the cursor
    ``before``, or the first page; a cursor that cannot be read gives the first page."""
    if ordering[-1] not in ("pk", "id"):
        raise ValueError("a keyset ordering ends with the primary key")
    after_values = _values(queryset, ordering, after) if after else None
    before_values = _values(queryset, ordering, before) if before and not after_values else None
    if before_values is not None:
        rows = list(
            queryset.filter(_beyond(ordering, before_values, "lt")).order_by(
                *(f"-{field}" for field in ordering)
            )[: per_page + 1]
        )
        more = len(rows) > per_page
        rows = rows[:per_page][::-1]
        return KeysetPage(
            object_list=rows,
            per_page=per_page,
            next_cursor=before,
            previous_cursor=_cursor(rows[0]) if more else None,
        )
    if after_values is not None:
        queryset = queryset.filter(_beyond(ordering, after_values, "gt"))
    rows = list(queryset.order_by(*ordering)[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    previous = None
    if after_values is not None:
        previous = _cursor(rows[0]) if rows else after
    return KeysetPage(
        object_list=rows,
        per_page=per_page,
        next_cursor=_cursor(rows[-1]) if more else None,
        previous_cursor=previous,
    )
