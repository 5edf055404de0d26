"""Keyset pagination: pages of a long ordered list without OFFSET and without counting the list.

Django's ``Paginator`` counts the whole list and skips ``OFFSET`` rows to reach a page, so page 200 of
an HR queue reads 200 pages' rows. Here a page starts after (or ends before) the last row the user
saw: the link carries that row's sort values (the cursor), and the query seeks to them through the
ordering's index. The ordering must be ascending and end with a unique field (``pk``); the values of
the ordering's fields may not be NULL.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
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


def _value(obj: Model, field: str) -> Any:
    for part in field.split("__"):
        obj = getattr(obj, part)
    return obj


def _encode(values: Sequence[Any]) -> str:
    tagged = []
    for value in values:
        if isinstance(value, datetime):
            tagged.append({"t": value.isoformat()})
        elif isinstance(value, date):
            tagged.append({"d": value.isoformat()})
        elif isinstance(value, Decimal):
            tagged.append({"n": str(value)})
        else:
            tagged.append(value)
    raw = json.dumps(tagged, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, width: int) -> list[Any] | None:
    """The cursor's values, or None for anything that is not a cursor of this ordering."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        tagged = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    if not isinstance(tagged, list) or len(tagged) != width:
        return None
    values: list[Any] = []
    for item in tagged:
        try:
            if isinstance(item, dict) and item.keys() == {"t"}:
                values.append(datetime.fromisoformat(item["t"]))
            elif isinstance(item, dict) and item.keys() == {"d"}:
                values.append(date.fromisoformat(item["d"]))
            elif isinstance(item, dict) and item.keys() == {"n"}:
                values.append(Decimal(item["n"]))
            elif isinstance(item, str | int) and not isinstance(item, bool):
                values.append(item)
            else:
                return None
        except (TypeError, ValueError, ArithmeticError):
            return None
    return values


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
    width = len(ordering)
    after_values = _decode(after, width) if after else None
    before_values = _decode(before, width) if before and not after_values else None
    if before_values is not None:
        rows = list(
            queryset.filter(_beyond(ordering, before_values, "lt")).order_by(
                *(f"-{field}" for field in ordering)
            )[: per_page + 1]
        )
        more = len(rows) > per_page
        rows = rows[:per_page][::-1]
        first_of_page = rows[0] if rows else None
        return KeysetPage(
            object_list=rows,
            per_page=per_page,
            next_cursor=before,
            previous_cursor=(
                _encode([_value(first_of_page, f) for f in ordering])
                if more and first_of_page is not None
                else None
            ),
        )
    if after_values is not None:
        queryset = queryset.filter(_beyond(ordering, after_values, "gt"))
    rows = list(queryset.order_by(*ordering)[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    previous = None
    if after_values is not None and rows:
        previous = _encode([_value(rows[0], f) for f in ordering])
    elif after_values is not None:
        previous = after
    return KeysetPage(
        object_list=rows,
        per_page=per_page,
        next_cursor=_encode([_value(rows[-1], f) for f in ordering]) if more else None,
        previous_cursor=previous,
    )
