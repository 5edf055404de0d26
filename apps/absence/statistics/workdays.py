"""The working days of the policy's calendar between two day numbers, as SQL."""

from __future__ import annotations

from datetime import date, timedelta

from apps.core import sql

from ..spells import WorkCalendar
from .periods import epoch_day


class WorkingDays:
    """Working days between two day numbers inside ``first``..``last``: where the database has arrays
    (PostgreSQL) two subscripts into a constant array of cumulative working days; elsewhere closed-form
    weekday arithmetic (5 per whole week plus the rest, capped at 5) minus one CASE counting the weekday
    holidays before a day.
    """

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self.first = epoch_day(first)
        before, self.days_off = [0], []
        day = first
        while day <= last:
            working = calendar.is_working_day(day)
            before.append(before[-1] + working)
            if not working and day.weekday() < 5:
                self.days_off.append(epoch_day(day))
            day += timedelta(days=1)
        self.before = sql.int_array(before)

    def _weekdays_before(self, n: str) -> str:
        # Weekdays among day numbers [-3, n): day -3 (1969-12-29) is a Monday, so shift by 3.
        m = f"({n} + 3)"
        return f"(5 * ({m} / 7) + {sql.least(f'({m} %% 7)', '5')})"

    def _days_off_before(self, n: str) -> str:
        if not self.days_off:
            return "0"
        whens = " ".join(
            f"WHEN {n} > {day} THEN {count}"
            for count, day in sorted(enumerate(self.days_off, start=1), key=lambda item: -item[0])
        )
        return f"(CASE {whens} ELSE 0 END)"

    def between(self, a: str, b: str) -> str:
        """Working days among day numbers a..b (both included, a <= b, both within first..last)."""
        if self.before is not None:
            return f"({self.before}[{b} - {self.first} + 2] - {self.before}[{a} - {self.first} + 1])"
        return (
            f"({self._weekdays_before(f'{b} + 1')} - {self._weekdays_before(a)}"
            f" - {self._days_off_before(f'{b} + 1')} + {self._days_off_before(a)})"
        )
