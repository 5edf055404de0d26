"""Dates and years that are probably typing mistakes: asked about, or refused.

Every organisation sets a window around today (``Organization.date_window_years_back`` and
``date_window_years_ahead``, 5 and 5 by default). A date or year outside it is saved only after the
user ticks "Yes, this date is right" and saves again (the form keeps everything typed, so this works
without JavaScript). A year outside ``EARLIEST_YEAR``-``LATEST_YEAR`` is refused outright: no meeting,
fund event or strategy period of this portal falls there, and a year like 99999 (a stray keystroke in
a date field) cannot even be stored in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
CONFIRM_FIELD = "confirm_dates"


def _shift(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year + years, day=28)


def absurd_year_message() -> str:
    return _("The year must be between %(first)d and %(last)d.") % {
        "first": EARLIEST_YEAR,
        "last": LATEST_YEAR,
    }


def is_absurd_year(year: int) -> bool:
    return not EARLIEST_YEAR <= year <= LATEST_YEAR


@dataclass(frozen=True)
class DateWindow:
    years_back: int
    years_ahead: int
    today: date

    @classmethod
    def for_organization(cls, organization, today: date | None = None) -> DateWindow:
        return cls(
            years_back=organization.date_window_years_back,
            years_ahead=organization.date_window_years_ahead,
            today=today or timezone.localdate(),
        )

    @property
    def first(self) -> date:
        return _shift(self.today, -self.years_back)

    @property
    def last(self) -> date:
        return _shift(self.today, self.years_ahead)

    def contains(self, value: date | int) -> bool:
        """A date, or a year (a plan's period), inside the window."""
        if isinstance(value, datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, date):
            return self.first <= value <= self.last
        return self.first.year <= value <= self.last.year

    def warning(self, value: date | int) -> str:
        """Why ``value`` needs a confirmation (it is outside the window)."""
        if isinstance(value, datetime):
            value = value.date()
        year = value.year if isinstance(value, date) else value
        if (value < self.first) if isinstance(value, date) else (year < self.first.year):
            return ngettext(
                "This is more than %(years)d year in the past. Check it, and if it is right, tick "
                "“Yes, this date is right” and save again.",
                "This is more than %(years)d years in the past. Check it, and if it is right, tick "
                "“Yes, this date is right” and save again.",
                self.years_back,
            ) % {"years": self.years_back}
        return ngettext(
            "This is more than %(years)d year ahead. Check it, and if it is right, tick "
            "“Yes, this date is right” and save again.",
            "This is more than %(years)d years ahead. Check it, and if it is right, tick "
            "“Yes, this date is right” and save again.",
            self.years_ahead,
        ) % {"years": self.years_ahead}


def window_field() -> forms.BooleanField:
    return forms.BooleanField(label=gettext_lazy("Yes, this date is right"), required=False)


class DateWindowMixin:
    """A form whose ``window_fields`` (dates or years) are checked against the organisation's window.

    Put it first among the bases. The form provides ``window_organization()``. Outside the window the
    field gets a warning and the form a "Yes, this date is right" checkbox (``confirm_dates``, shown only
    then); an absurd year is an error that no checkbox lifts. ``cleaned_data`` never carries the
    checkbox, so views can pass it on to services unchanged.
    """

    window_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:  # type: ignore[attr-defined]
            # Read on every save; removed again after validation unless a date needs confirming.
            confirm = window_field()
            confirm.widget.attrs["class"] = "form-checkbox"
            self.fields[CONFIRM_FIELD] = confirm  # type: ignore[attr-defined]
        for name in self.window_fields:
            field = self.fields[name]  # type: ignore[attr-defined]
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = gettext_lazy(
                    "Enter a real date with a four-digit year between 1900 and 2200."
                )
                field.widget.attrs.setdefault("min", f"{EARLIEST_YEAR}-01-01")
                field.widget.attrs.setdefault("max", f"{LATEST_YEAR}-12-31")
            elif isinstance(field, forms.IntegerField):
                # The database's bounds (a small integer's 32767) would speak of numbers, not years:
                # the shared year check below says it in words.
                field.validators = [
                    v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)
                ]
                field.widget.attrs.update(min=EARLIEST_YEAR, max=LATEST_YEAR)
        self.dates_to_confirm: list[str] = []

    def window_organization(self):
        raise NotImplementedError

    def clean(self):
        data = super().clean()  # type: ignore[misc]
        confirmed = data.pop(CONFIRM_FIELD, False)
        window = DateWindow.for_organization(self.window_organization())
        for name in self.window_fields:
            value = data.get(name)
            if value is None or value == "":
                continue
            year = value.year if isinstance(value, date) else value
            if is_absurd_year(year):
                self.add_error(name, absurd_year_message())  # type: ignore[attr-defined]
                continue
            warning = self.window_warning(name, value, window, data)
            if warning:
                self.dates_to_confirm.append(name)
                if not confirmed:
                    self.add_error(name, warning)  # type: ignore[attr-defined]
        return data

    def window_warning(self, name: str, value: date | int, window: DateWindow, data: dict) -> str | None:
        """Why ``value`` needs confirming, or None. Forms with related fields may refine it."""
        return None if window.contains(value) else window.warning(value)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        if not self.dates_to_confirm:
            self.fields.pop(CONFIRM_FIELD, None)  # type: ignore[attr-defined]

    @property
    def asks_date_confirmation(self) -> bool:
        return CONFIRM_FIELD in self.fields  # type: ignore[attr-defined]
