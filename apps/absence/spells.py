"""Pure date rules of the follow-up: working days, spell joining, due dates (DOMAIN.md 1.2-1.4).

No database access here, so the rules can be tested on their own and reused in bulk code.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

from .models import LEGAL_MILESTONE_DAYS, AdvisoryPolicy

ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    # The holidays package follows the law: Store Bededag is no longer a holiday from 2024.
    return frozenset(holidays.country_holidays("DK", years=year, language="en_US").keys())


def load_calendar() -> None:
    """Load the public holidays now, at a process's start: the first use imports the tables of every
    country the ``holidays`` package knows (about 0.3 s), which would otherwise fall on a user's first
    request in each web worker, or on its first statistics."""
    _public_holidays(date.today().year)


class WorkCalendar:
    """Mon-Fri minus Danish public holidays minus the organisation's extra days off."""

    def __init__(self, extra_days_off: Iterable[str] = ()) -> None:
        self.extra = {tuple(int(p) for p in str(value).split("-")) for value in extra_days_off}
        self._nth: dict[tuple[date, int], date] = {}

    @classmethod
    def for_policy(cls, policy: AdvisoryPolicy) -> WorkCalendar:
        return cls(policy.extra_days_off or ())

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        if (day.month, day.day) in self.extra:
            return False
        return day not in _public_holidays(day.year)

    def working_days(self, start: date, end: date) -> int:
        """Working days from start to end, both included."""
        count, day = 0, start
        while day <= end:
            count += self.is_working_day(day)
            day += ONE_DAY
        return count

    def nth_working_day(self, start: date, n: int) -> date:
        """Day n (1 = the first working day on or after start). Remembered: a sweep asks for the same
        few hundred starts thousands of times."""
        key = (start, n)
        if key not in self._nth:
            day, seen = start, 0
            while True:
                if self.is_working_day(day):
                    seen += 1
                    if seen == n:
                        break
                day += ONE_DAY
            self._nth[key] = day
        return self._nth[key]

    def only_non_working_between(self, last: date, next_start: date) -> bool:
        """True when every day strictly between ``last`` and ``next_start`` is a non-working day."""
        day = last + ONE_DAY
        while day < next_start:
            if self.is_working_day(day):
                return False
            day += ONE_DAY
        return True


@dataclass
class DerivedSpell:
    start: date
    end: date | None
    includes_work_injury: bool = False
    registration_ids: list[int] = field(default_factory=list)


def derive_spells(
    registrations: Iterable[tuple[int, str, date, date | None]],
    *,
    counting_types: Iterable[str],
    join_across_non_working_days: bool = False,
    calendar: WorkCalendar | None = None,
) -> list[DerivedSpell]:
    """Spells of one employee from (id, type, start, end) rows, DOMAIN.md 1.3.

    Registrations of counting types that touch (the next starts the day after the previous ends) or
    overlap are one spell; with ``join_across_non_working_days`` a gap made only of non-working days
    joins them too. An ongoing registration (end None) makes the spell ongoing.
    """
    counting = set(counting_types)
    rows = sorted((r for r in registrations if r[1] in counting), key=lambda r: (r[2], r[0]))
    spells: list[DerivedSpell] = []
    for reg_id, absence_type, start, end in rows:
        current = spells[-1] if spells else None
        joins = False
        if current is not None:
            if current.end is None or start <= current.end + ONE_DAY:
                joins = True
            elif join_across_non_working_days and calendar is not None:
                joins = calendar.only_non_working_between(current.end, start)
        if joins and current is not None:
            if current.end is not None:
                current.end = None if end is None else max(current.end, end)
            current.includes_work_injury |= absence_type == "work_injury"
            current.registration_ids.append(reg_id)
        else:
            spells.append(DerivedSpell(start, end, absence_type == "work_injury", [reg_id]))
    return spells


class DayPlan:
    """A policy's contact days and legal milestones, worked out once and applied to many spells."""

    def __init__(self, policy: AdvisoryPolicy, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.working = policy.day_counting == AdvisoryPolicy.DayCounting.WORKING
        self.contact = tuple((day, timedelta(days=day - 1)) for day in sorted(set(policy.contact_days)))
        legal = set(LEGAL_MILESTONE_DAYS)
        self.legal = tuple((day, timedelta(days=day - 1)) for day in sorted(legal))
        self.legal_injury = tuple(
            (day, timedelta(days=day - 1)) for day in sorted(legal | {policy.work_injury_report_days})
        )

    def due(
        self, spell_start: date, spell_end: date | None, as_of: date, includes_work_injury: bool = False
    ) -> list[tuple[str, int, date]]:
        """(kind, day, due date) of the spell's advisories due on or before ``as_of``. A day the spell
        never reached (it ended before) gives none. Contact days count calendar days or working days
        (DOMAIN.md 1.2); legal milestones always count calendar days from the first day (1.4)."""
        limit = as_of if spell_end is None or spell_end > as_of else spell_end
        result = []
        for day, offset in self.contact:
            due = self.calendar.nth_working_day(spell_start, day) if self.working else spell_start + offset
            if due > limit:
                break
            result.append(("contact", day, due))
        for day, offset in self.legal_injury if includes_work_injury else self.legal:
            due = spell_start + offset
            if due > limit:
                break
            result.append(("legal", day, due))
        return result


@lru_cache(maxsize=1 << 16)
def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months (the last day of a shorter month when it has no such day). Cached:
    the sweep asks for the same few thousand dates about a million times at 50,000 employees."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def frequent_triggers(
    spells: list[tuple[int, date, date | None]],
    rules: list[dict],
    as_of: date,
    *,
    after: date | None = None,
    fired: dict[int, list[date]] | None = None,
) -> list[tuple[int, int, date]]:
    """(spell id, rule number, due date) for every spell that makes a frequent-absence rule hold.

    Rules (DOMAIN.md 1.6): "spells" - at least N spells started within W months up to this spell's
    start; "days" - at least D calendar days of absence within W months, reached during this spell.
    A rule fires again only when the previous firing of the same rule is more than W months old, so
    one stretch of frequent absence gives one advisory per rule. ``fired``: rule number -> due dates
    (ascending) of earlier firings known from elsewhere (the advisories made so far), which count as
    previous firings too. ``after``: only firings due after this day are wanted; a rule that cannot
    hold after it is not followed through the employee's history (the firings returned may still
    include earlier ones).

    Spells are disjoint and sorted, so a window only ever cuts into its first spell: with running
    totals of the spells' lengths every window sum is a subtraction, and each rule is one pass.
    """
    ordered = sorted((s for s in spells if s[1] <= as_of), key=lambda s: s[1])
    totals = [0]  # totals[i]: calendar days of ordered[:i]
    for _id, start, end in ordered:
        totals.append(totals[-1] + ((as_of if end is None else min(end, as_of)) - start).days + 1)
    triggers: list[tuple[int, int, date]] = []
    for number, rule in enumerate(rules, start=1):
        kind, months, count = rule["kind"], int(rule["months"]), int(rule["count"])
        if (len(ordered) if kind == "spells" else totals[-1]) < count:
            continue  # not even all of the spells together reach the rule
        if after is not None and not _holds_after(ordered, totals, kind, months, count, as_of, after):
            continue
        last_fired: date | None = None
        known = (fired or {}).get(number, [])
        first = 0  # the first spell that can reach into the window; only moves forward
        for index in range(len(ordered)):
            due, first = _rule_due(ordered, totals, kind, months, count, as_of, index, first)
            if due is None:
                continue
            before = bisect_left(known, due)  # known[before - 1]: the last known firing before this day
            if before and (last_fired is None or known[before - 1] > last_fired):
                last_fired = known[before - 1]
            if last_fired is not None and due <= add_months(last_fired, months):
                continue
            triggers.append((ordered[index][0], number, due))
            last_fired = due
    return triggers


def _rule_due(
    ordered: list[tuple[int, date, date | None]],
    totals: list[int],
    kind: str,
    months: int,
    count: int,
    as_of: date,
    index: int,
    first: int,
) -> tuple[date | None, int]:
    """The day spell ``index`` makes the rule hold (None: it does not), leaving aside earlier firings;
    and the first spell that reaches into its window, searched from ``first`` on."""
    _spell_id, start, end = ordered[index]
    window_start = add_months(start, -months)
    if kind == "spells":
        while ordered[first][1] <= window_start:
            first += 1
        return (start if index - first + 1 >= count else None), first
    while first < index and (ordered[first][2] or as_of) <= window_start:
        first += 1
    last = as_of if end is None else min(end, as_of)
    # Days of the earlier spells after window_start: the window sum is largest at the start.
    bound = totals[index] - totals[first]
    if first < index:
        bound -= max(0, (window_start - ordered[first][1]).days + 1)
    if bound + (last - start).days + 1 < count:
        return None, first
    return _days_rule_reached(ordered, totals, first, index, months, count, last), first


def _holds_after(
    ordered: list[tuple[int, date, date | None]],
    totals: list[int],
    kind: str,
    months: int,
    count: int,
    as_of: date,
    after: date,
) -> bool:
    """Whether the rule, earlier firings aside, holds on a day after ``after``: only the last spells
    can, so this is cheap next to following the rule through the whole history."""
    for index in range(len(ordered) - 1, -1, -1):
        end = ordered[index][2]
        if (as_of if end is None else min(end, as_of)) <= after:
            return False  # the spells are disjoint: every earlier one ended earlier still
        due, _first = _rule_due(ordered, totals, kind, months, count, as_of, index, 0)
        if due is not None and due > after:
            return True
    return False


def _days_rule_reached(
    ordered: list[tuple[int, date, date | None]],
    totals: list[int],
    first: int,
    index: int,
    months: int,
    count: int,
    last: date,
) -> date | None:
    """The first day of spell ``index`` (up to ``last``) on which the days in the window of ``months``
    months ending that day reach ``count``, or None."""
    start = ordered[index][1]
    day, cut = start, first
    while day <= last:
        window_from = add_months(day, -months) + ONE_DAY
        while cut < index and (ordered[cut][2] or last) < window_from:
            cut += 1
        total = (day - max(start, window_from)).days + 1
        if cut < index:
            total += totals[index] - totals[cut] - max(0, (window_from - ordered[cut][1]).days)
        if total >= count:
            return day
        day += ONE_DAY
    return None
