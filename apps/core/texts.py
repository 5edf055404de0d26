"""Messages kept to be read later, in the language of whoever reads them then.

A payroll file is checked by the worker in the uploader's language, and its job page is read by anyone
of HR, in theirs. So the reasons a row or file is refused are kept as what they say, not as text: a
message id (marked for translation, e.g. with ``gettext_noop``) with its values, which may be messages
themselves. ``text("line %(line)d: %(message)s", line=3, message=...)`` is a ``str`` in the active
language (it prints, compares and joins as the text it is) that also holds that data (``stored()``);
``say(data)`` gives stored data as text in the language active then. Values are the file's own text as
it is, numbers, or other messages: ``text``, ``label`` (a lazily translated label, by its message id),
``listed`` (quoted, with commas), ``joined`` (sentences one after another), ``number`` (with the
language's digit grouping), ``day`` (a date as the language writes it) and ``lower``. Text stored
before (a plain string) is said as it is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext


class Said(str):
    """A message as text in the language active when it was made, with what it says (``data``)."""

    data: Any

    def __new__(cls, data: Any) -> Said:
        self = super().__new__(cls, say(data))
        self.data = data
        return self


def stored(value: Any) -> Any:
    """``value`` as JSON that ``say`` reads: a message's data, anything else as it is."""
    return value.data if isinstance(value, Said) else value


def text(msgid: str, **values: Any) -> Said:
    """The message ``msgid`` (%-formatted with ``values`` when there are any). A value must be text, a
    whole number or a message: what a JSONField keeps as it is (a Decimal or a date would make saving
    the job fail far from here, so it is refused here)."""
    for name, value in values.items():
        if not isinstance(value, str | int):
            raise TypeError(f"{msgid!r}: value {name}={value!r} is not text, a whole number or a message")
    return Said({"text": msgid, "values": {name: stored(value) for name, value in values.items()}})


def label(lazy: Any) -> Said | str:
    """A label translated lazily (``gettext_lazy``), as its message id: said in the reader's language."""
    args = getattr(lazy, "_args", None)  # Django's lazy proxy keeps the call's arguments
    if args and len(args) == 1 and isinstance(args[0], str):
        return Said({"text": args[0]})
    return str(lazy)


def listed(items: list[Any]) -> Said:
    """The items quoted and separated by commas: “A”, “B”."""
    return Said({"listed": [stored(item) for item in items]})


def joined(*parts: Any) -> Said:
    """Sentences one after another."""
    return Said({"joined": [stored(part) for part in parts]})


def number(value: int) -> Said:
    return Said({"number": value})


def day(value: date) -> Said:
    """A date, said as the reader's language writes it (23.11.2026)."""
    return Said({"date": value.isoformat()})


def lower(value: Any) -> Said:
    return Said({"lower": stored(value)})


def reason(exc: BaseException) -> str:
    """The message an exception was raised with, as the message it is (``Said``) when it is one."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, Said) else str(exc)


def say(data: Any) -> str:
    """Stored message data as text in the active language (a plain string as it is)."""
    if isinstance(data, Said):
        data = data.data
    if not isinstance(data, dict):
        return "" if data is None else str(data)
    if "text" in data:
        translated = gettext(data["text"])
        values = {
            name: say(value) if isinstance(value, dict) else value
            for name, value in data.get("values", {}).items()
        }
        return translated % values if values else translated
    if "listed" in data:
        return ", ".join(f"“{say(item)}”" for item in data["listed"])
    if "joined" in data:
        return " ".join(say(part) for part in data["joined"])
    if "number" in data:
        return number_format(data["number"], force_grouping=True)
    if "date" in data:
        return date_format(date.fromisoformat(data["date"]), "SHORT_DATE_FORMAT")
    if "lower" in data:
        return say(data["lower"]).lower()
    return str(data)
