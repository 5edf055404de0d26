"""The periods the figures are given for: the rolling year, calendar months, the Bradford window, and
days as the day numbers the queries compare."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..spells import add_months

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class Period:
    index: int
    start: date
    end: date


def rolling_year(as_of: date) -> Period:
    """The 12 months up to and including ``as_of``."""
    return Period(0, add_months(as_of, -12) + timedelta(days=1), as_of)


def last_months(as_of: date, count: int = 24) -> list[Period]:
    """The ``count`` calendar months up to ``as_of`` (the last one ends at ``as_of``), oldest first."""
    first_of_month = as_of.replace(day=1)
    periods = []
    for back in range(count - 1, -1, -1):
        start = add_months(first_of_month, -back)
        end = min(add_months(start, 1) - timedelta(days=1), as_of)
        periods.append(Period(count - 1 - back, start, end))
    return periods


def whole_months_as_of(as_of: date) -> date:
    """The last day of the last whole month up to ``as_of``: the day the figures are given as of to
    a viewer who may not see individual data. Figures as of any day would give away one day's absence
    (the figures as of a day less those as of the day before)."""
    if (as_of + timedelta(days=1)).day == 1:
        return as_of
    return as_of.replace(day=1) - timedelta(days=1)


def epoch_day(value: date) -> int:
    """The day as a day number (days since 1970-01-01), as ``sql.day_number`` gives it in SQL."""
    return (value - EPOCH).days


FAR = epoch_day(date(9999, 12, 31))  # the last day of what has no last day


BRADFORD_WINDOW_DAYS = 7 * 52


def bradford_window(as_of: date) -> tuple[date, date]:
    return as_of - timedelta(days=BRADFORD_WINDOW_DAYS - 1), as_of


def last_day_of_month(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)
