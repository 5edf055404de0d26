"""Pure date rules of the follow-up: working days, spell joining, due dates (DOMAIN.md 1.2-1.4).

No database access here, so the rules can be tested on their own and reused in bulk code.
"""

from __future__ import annotations

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


class WorkCalendar:
    """Mon-Fri minus Danish public holidays minus the organisation's extra days off."""

    def __init__(self, extra_days_off: Iterable[str] = ()) -> None:
        self.extra = {tuple(int(p) for p in str(value).split("-")) for value in extra_days_off}

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
        """Day n (1 = the first working day on or after start)."""
        day, seen = start, 0
        while True:
            if self.is_working_day(day):
                seen += 1
                if seen == n:
                    return day
            day += ONE_DAY

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


def contact_due_date(spell_start: date, day: int, *, working: bool, calendar: WorkCalendar) -> date:
    """Due date of contact day ``day``: calendar days by default, or working days (DOMAIN.md 1.2)."""
    if working:
        return calendar.nth_working_day(spell_start, day)
    return spell_start + timedelta(days=day - 1)


def calendar_due_date(spell_start: date, day: int) -> date:
    """Legal milestones always count calendar days from the first sick day (DOMAIN.md 1.4)."""
    return spell_start + timedelta(days=day - 1)


@dataclass(frozen=True)
class DueAdvisory:
    kind: str
    day: int
    due_date: date


def due_advisories(
    spell_start: date,
    spell_end: date | None,
    as_of: date,
    *,
    policy: AdvisoryPolicy,
    calendar: WorkCalendar,
    includes_work_injury: bool = False,
) -> list[DueAdvisory]:
    """Contact and legal advisories of one spell that are due on or before ``as_of``.

    A day the spell never reached (it ended before) gives no advisory.
    """
    limit = as_of if spell_end is None else min(as_of, spell_end)
    working = policy.day_counting == AdvisoryPolicy.DayCounting.WORKING
    result = []
    for day in sorted(set(policy.contact_days)):
        due = contact_due_date(spell_start, day, working=working, calendar=calendar)
        if due > limit:
            break
        result.append(DueAdvisory("contact", day, due))
    legal_days = set(LEGAL_MILESTONE_DAYS)
    if includes_work_injury:
        legal_days.add(policy.work_injury_report_days)
    for day in sorted(legal_days):
        due = calendar_due_date(spell_start, day)
        if due > limit:
            break
        result.append(DueAdvisory("legal", day, due))
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
    spells: list[tuple[int, date, date | None]], rules: list[dict], as_of: date
) -> list[tuple[int, int, date]]:
    """(spell id, rule number, due date) for every spell that makes a frequent-absence rule hold.

    Rules (DOMAIN.md 1.6): "spells" - at least N spells started within W months up to this spell's
    start; "days" - at least D calendar days of absence within W months, reached during this spell.
    A rule fires again only when the previous firing of the same rule is more than W months old, so
    one stretch of frequent absence gives one advisory per rule.
    """
    ordered = sorted((s for s in spells if s[1] <= as_of), key=lambda s: s[1])
    triggers: list[tuple[int, int, date]] = []
    for number, rule in enumerate(rules, start=1):
        months, count = int(rule["months"]), int(rule["count"])
        last_fired: date | None = None
        # Spells are disjoint and sorted, so the first spell that can reach into the window only moves
        # forward: ``first`` makes each rule one pass over the employee's spells.
        first = 0
        for index, (spell_id, start, end) in enumerate(ordered):
            due: date | None = None
            window_start = add_months(start, -months)
            if rule["kind"] == "spells":
                while ordered[first][1] <= window_start:
                    first += 1
                if index - first + 1 >= count:
                    due = start
            else:
                while first < index and (ordered[first][2] or as_of) <= window_start:
                    first += 1
                last = as_of if end is None else min(end, as_of)
                earlier = ordered[first:index]
                # The earlier spells' share only shrinks as the window moves on; skip the day-by-day
                # search when even the whole spell cannot reach the limit.
                bound = sum(
                    (min(e, start - ONE_DAY) - max(s, window_start + ONE_DAY)).days + 1
                    for _i, s, e in earlier
                )
                if bound + (last - start).days + 1 >= count:
                    day = start
                    while day <= last:
                        day_window_start = add_months(day, -months) + ONE_DAY
                        total = (day - max(start, day_window_start)).days + 1
                        for _id, s, e in earlier:
                            lo = max(s, day_window_start)
                            if e >= lo:
                                total += (e - lo).days + 1
                        if total >= count:
                            due = day
                            break
                        day += ONE_DAY
            if due is None:
                continue
            if last_fired is not None and due <= add_months(last_fired, months):
                continue
            triggers.append((spell_id, number, due))
            last_fired = due
    return triggers
