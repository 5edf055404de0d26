"""Moving a row of an ordered list one step up or down: agenda items, speakers, focus areas, goals,
initiatives, report sections and a theme-day table's themes all move the same way.

``moved`` works on any list (rows or plain ids); ``save_order`` writes a new order to the rows'
``position``; ``move_row`` does both for a row among its locked siblings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.db.models import Model, QuerySet

DIRECTIONS = ("up", "down")

T = TypeVar("T")
M = TypeVar("M", bound=Model)


def moved(items: Sequence[T], item: T, direction: str) -> list[T]:
    """A copy of ``items`` with ``item`` swapped with its neighbour above ("up") or below ("down"); at
    either end the order stays. ValueError when ``item`` is not in the list or the direction is unknown."""
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}")
    order = list(items)
    index = order.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return order


def save_order(rows: Sequence[Model], positions: Iterable[int] | None = None) -> None:
    """Give the rows, in this order, the positions 1..n (or the given ones), saving only those that change.

    Renumbering on every change means equal or missing positions never make a move do nothing.
    """
    changed = []
    for row, position in zip(rows, range(1, len(rows) + 1) if positions is None else positions, strict=True):
        if row.position != position:  # type: ignore[attr-defined]
            row.position = position  # type: ignore[attr-defined]
            changed.append(row)
    if changed:
        type(changed[0])._default_manager.bulk_update(changed, ["position"])


def move_row(siblings: QuerySet[M], row: M, direction: str) -> list[M]:
    """Swap ``row`` with its neighbour among ``siblings`` (locked for the transaction the caller holds)
    and renumber them 1..n. Returns the siblings in their new order."""
    order = moved(list(siblings.select_for_update().order_by("position", "pk")), row, direction)
    save_order(order)
    return order
