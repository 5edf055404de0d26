from datetime import time

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()


def _danish() -> bool:
    return (get_language() or "").startswith("da")


@register.filter
def clock(value: time | None, where: str = "label") -> str:
    """A clock time as the agenda shows it, in Danish "Kl. 8.15"; the locale's time format otherwise.

    Danish writes "kl." with a small letter in running text ("Starter kl. 8.15"): pass ``"text"``
    there. The capital is for a time that stands alone, as in the agenda's time column.
    """
    if value is None:
        return ""
    if _danish():
        word = "kl." if where == "text" else "Kl."
        return f"{word} {value.hour}.{value.minute:02d}"
    return formats.time_format(value, "TIME_FORMAT")


@register.filter
def clock_range(start: time | None, end: time | None) -> str:
    """From-to in running text: "kl. 8.00–9.15" in Danish (one "kl." for both), "08:00–09:15" otherwise."""
    if start is None or end is None:
        return clock(start or end, "text")
    if _danish():
        return f"{clock(start, 'text')}–{end.hour}.{end.minute:02d}"
    return f"{clock(start)}–{clock(end)}"


@register.filter
def filesize_kb(value: int) -> str:
    return formats.number_format(max(1, round(value / 1024)))


@register.filter
def votes_for(votes_by_item: dict | None, item_pk: int) -> list:
    """The recorded votes of one item from a ``{item id: [votes]}`` mapping."""
    return (votes_by_item or {}).get(item_pk, [])
