"""Absence statistics per unit (its whole subtree) and absence type over a rolling 12 months.

Definitions (DOMAIN.md 1.8, Statistics Denmark):

- working day: Monday to Friday minus Danish public holidays and the organisation's extra days off
  (the same ``WorkCalendar`` as the advisories);
- possible hours of an employee: working days of the employment inside the window × weekly hours / 5;
- absence hours of a registration: its working days inside both the window and the employment
  × weekly hours / 5 × fraction (a part-time employee counts by their hours, a 0.5 registration half);
- absence percentage: absence hours / possible hours × 100;
- FTE ("årsværk"): possible hours / (7.4 × working days of the window) — a full-time employee employed
  the whole window is 1, someone on 18.5 hours half the window 0.25;
- days per FTE: absence days in full-time days ("dagsværk" of 7.4 hours) / FTE;
- calendar days: calendar days of absence inside the window and the employment;
- spells (per type): registrations of the type inside the window, where one that starts the day after
  the previous one of the same type and employee ends continues it;
- people (per type, and of the counting types together): distinct employees with absence of it inside
  the window and the employment. Internal: what a figure describes, for suppression (a figure about
  fewer than ``settings.ABSENCE_MIN_GROUP_SIZE`` people is hidden from those who may not see
  individual data, see ``suppress_small_groups``), never published.

Method: everything is computed in the database in three aggregate queries (population, absence,
Bradford), whatever the number of employees, registrations or units. Absence is read from the monthly
rollups (``AbsenceMonth``, kept by ``rollups.py`` on every write): per employee, type, fraction and
month the days as bits, so a window's days, working days (the policy's calendar as bits too), spells
and distinct people come from a few bit operations per row, for whole months and cut ones alike;
ongoing registrations (no last day yet) are read from the rows. ``reading_raw_rows()`` computes the
same figures from the registrations, the reference the tests compare with. Population and Bradford
are read from the employees and registrations. Dates become day numbers; the working days between two
day numbers are two subscripts into a constant array of cumulative working days of the period
(PostgreSQL), or closed-form weekday arithmetic minus a CASE over the few weekday holidays (SQLite).
Spells per type count the registrations that do not continue one of the type ending the day before,
Bradford spells come from a gaps-and-islands running sum. The queries group by (period, employee's
unit, type); rolling the figures up to every ancestor unit (by materialised path) happens in Python
over those few rows. Suppressed figures cost two more: the 24 months before ``as_of`` per unit and
type, whose people decide what neighbouring periods and the chart would give away.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import defaultdict, deque
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction

from apps.core import sql
from apps.organizations.models import Organization, OrgUnit

from .models import (
    AbsenceMonth,
    AbsenceRegistration,
    AbsenceType,
    AdvisoryPolicy,
    Employee,
    StatisticsSnapshot,
    StatisticsVersion,
)
from .rollups import day_bits, month_number, month_start
from .spells import WorkCalendar, add_months

EPOCH = date(1970, 1, 1)
FULL_TIME_WEEKLY_HOURS = Decimal("37")
FULL_TIME_DAY_HOURS = Decimal("7.4")
TYPE_CODES: list[str] = list(AbsenceType.values)
# The type code of the rows that describe several types together (see ``_absence_rows``).
ALL_TYPES = "*"
NUMBER_FIELDS = (
    "people",
    "spells",
    "calendar_days",
    "absence_hours",
    "absence_pct",
    "days_per_fte",
    "absence_days",
)


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


CACHE_SECONDS = 24 * 60 * 60
# Part of every cache key: raise it when what suppression hides changes, so that figures cached under
# the old rules are never served.
SUPPRESSION_RULES = 2


def statistics_version(organization_id: int) -> str:
    """The organisation's current statistics version (made on first use; ``bump_statistics_version``
    replaces it). A random token rather than a counter: a cache outlives a rolled-back database."""
    token = (
        StatisticsVersion.objects.filter(organization_id=organization_id)
        .values_list("token", flat=True)
        .first()
    )
    if token is None:
        try:
            with transaction.atomic():
                token = StatisticsVersion.objects.create(
                    organization_id=organization_id, token=uuid4().hex
                ).token
        except IntegrityError:  # made meanwhile by a concurrent request
            token = StatisticsVersion.objects.get(organization_id=organization_id).token
    return token


def bump_statistics_version(organization_id: int) -> None:
    """Call in the transaction of every write the figures depend on: later reads miss the cache. An
    UPDATE only: without a version row nothing was cached yet (and the organisation may be going)."""
    StatisticsVersion.objects.filter(organization_id=organization_id).update(token=uuid4().hex)


def _cached(kind: str, organization: Organization, compute, *parts) -> object:
    """``compute()``, cached under the organisation's statistics version and ``parts``."""
    raw = ":".join(str(part) for part in parts)
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    version = statistics_version(organization.pk)
    key = f"absence:{kind}:{SUPPRESSION_RULES}:{organization.pk}:{version}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _exempt_key(exempt_unit_ids: set[int] | None) -> str:
    return ",".join(str(pk) for pk in sorted(exempt_unit_ids or ()))


def _day(value: date) -> int:
    return (value - EPOCH).days


def policy_of(organization: Organization) -> AdvisoryPolicy:
    policy = AdvisoryPolicy.objects.filter(organization=organization).first()
    return policy or AdvisoryPolicy(organization=organization)


class WorkingDays:
    """Working days between two day numbers inside ``first``..``last``: where the database has arrays
    (PostgreSQL) two subscripts into a constant array of cumulative working days; elsewhere closed-form
    weekday arithmetic (5 per whole week plus the rest, capped at 5) minus one CASE counting the weekday
    holidays before a day.
    """

    def __init__(self, calendar: WorkCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self.first = _day(first)
        before, self.days_off = [0], []
        day = first
        while day <= last:
            working = calendar.is_working_day(day)
            before.append(before[-1] + working)
            if not working and day.weekday() < 5:
                self.days_off.append(_day(day))
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


@contextmanager
def _reporting_transaction():
    """One read transaction for the figures of a page (consistent between the queries). On PostgreSQL
    with enough memory that the hash joins and aggregates of a whole organisation need no temporary
    files, and without JIT compilation: the row estimates of the month spans are far too high, and
    compiling costs seconds where the queries themselves take a fraction of one."""
    if getattr(connection, "_absence_reporting", False):
        yield  # already inside one (the statistics page computes both its parts in one)
        return
    with transaction.atomic():
        sql.set_local(work_mem="64MB", jit="off")
        connection._absence_reporting = True
        try:
            yield
        finally:
            connection._absence_reporting = False


def _month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def _periods_cte(periods: list[Period]) -> str:
    values = ", ".join(
        f"({p.index}, {_day(p.start)}, {_day(p.end)}, {_month_number(p.start)})" for p in periods
    )
    return f"periods(idx, ps, pe, m) AS (VALUES {values})"


def _grouping(group_of: dict[int, int] | None) -> tuple[str, str, str]:
    """(CTE, join, unit column) that sum each unit's rows into its group's (``group_of``: unit id ->
    group unit id), or nothing: the rows stay per unit. Only integers from the database go in."""
    if not group_of:
        return "", "", "e.unit_id"
    values = ", ".join(f"({int(unit)}, {int(group)})" for unit, group in group_of.items())
    return f"grp(u, g) AS (VALUES {values}),", "JOIN grp ON grp.u = e.unit_id", "grp.g"


def _unit_filter(unit_ids: list[int] | None, params: list, alias: str = "e") -> tuple[str, str]:
    """The subtree as a list of unit ids (already loaded): PostgreSQL estimates ``unit_id IN (...)``
    from its statistics, where a join on ``path LIKE`` looked like one row and led to nested loops."""
    if unit_ids is None:
        return "", ""
    if not unit_ids:
        return "", "AND 1 = 0"
    params.extend(unit_ids)
    return "", f"AND {alias}.unit_id IN ({', '.join(['%s'] * len(unit_ids))})"


def _previous_cte(
    organization: Organization,
    first_end: date,
    last_end: date,
    unit_ids: list[int] | None,
    types: list[str] | None,
    params: list,
) -> str:
    """Registrations that may be continued by a later one: those of the scope ending in the window.

    For a subtree materialised, so that PostgreSQL joins it by hash: otherwise it takes nested index
    look-ups per registration, whose cost it underestimates there. For the whole organisation it
    hashes anyway, and materialising would only add a copy.
    """
    reg, emp = AbsenceRegistration._meta.db_table, Employee._meta.db_table
    params.extend([organization.pk, first_end, last_end])
    type_where = ""
    if types is not None:
        type_where = f"AND pr.absence_type IN ({', '.join(['%s'] * len(types))})" if types else "AND 1 = 0"
        params.extend(types)
    _join, unit_where = _unit_filter(unit_ids, params, alias="pe")
    materialized = sql.materialized() if unit_ids is not None else ""
    # Only table names computed here are interpolated; values go in as parameters.
    return f"""prev AS {materialized} (
            SELECT pr.employee_id, pr.absence_type, pr.end_date
            FROM {reg} pr JOIN {emp} pe ON pe.id = pr.employee_id
            WHERE pe.organization_id = %s AND pr.end_date >= %s AND pr.end_date <= %s
              {type_where} {unit_where}
        )"""  # noqa: S608


FAR = _day(date(9999, 12, 31))


def _absence_rows(days: WorkingDays, organization: Organization, periods: list[Period], unit_ids, **options):
    """(period, unit id, type, spells, calendar days, weekday count × weekly hours × fraction, people)
    per group, from the monthly rollups (``_rollup_absence_rows``), or inside ``reading_raw_rows()``
    from the registrations themselves (``_raw_absence_rows``: the reference the tests compare with)."""
    if _READ_RAW.get():
        return _raw_absence_rows(days, organization, periods, unit_ids, **options)
    return _rollup_absence_rows(days, organization, periods, unit_ids, **options)


_READ_RAW: ContextVar[bool] = ContextVar("absence_statistics_read_raw", default=False)


@contextmanager
def reading_raw_rows():
    """Compute the figures from the registrations instead of the rollups (tests compare the two)."""
    token = _READ_RAW.set(True)
    try:
        yield
    finally:
        _READ_RAW.reset(token)


def _segments(calendar: WorkCalendar, periods: list[Period]) -> str:
    """VALUES of (period index, month number, the period's days of the month as bits, those of them
    that are working days, the bit of the period's first day or 0): each period cut at month ends."""
    values = []
    for p in periods:
        day = p.start
        while day <= p.end:
            number = month_number(day)
            until = min(p.end, month_start(number + 1) - timedelta(days=1))
            days = day_bits(day.day, until.day)
            working = sum(
                1 << (d - 1)
                for d in range(day.day, until.day + 1)
                if calendar.is_working_day(day.replace(day=d))
            )
            first = 1 << (day.day - 1) if day == p.start else 0
            values.append(f"({p.index}, {number}, {days}, {working}, {first})")
            day = until + timedelta(days=1)
    return f"seg(idx, m, days, working, first) AS (VALUES {', '.join(values)})"


def _rollup_absence_rows(
    days: WorkingDays,
    organization: Organization,
    periods: list[Period],
    unit_ids: list[int] | None,
    *,
    types: list[str] | None = None,
    spells: bool = True,
    months: bool = False,
    group_of: dict[int, int] | None = None,
    people_types: list[str] | None = None,
):
    """What ``_raw_absence_rows`` gives, read from ``AbsenceMonth`` (ended registrations) and from the
    ongoing registrations (few: one per employee at most).

    A rollup row's part of a period is its day bits inside the period's part of the month. A
    registration starts a spell of the period when it does not continue an earlier one and its first
    day is in the period (``starts``), or when the period begins on a day it covers: it had begun
    earlier (the day is no row's first day), or it begins that day continuing one (``continued``).
    People are the distinct employees with any day in the period, counted over all its months at once.
    ``months`` is accepted for the raw function's sake: the rollups are by month anyway.
    """
    table, reg, emp = AbsenceMonth._meta.db_table, AbsenceRegistration._meta.db_table, Employee._meta.db_table
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    group_cte = _grouping(group_of)[0]
    rollup_unit, rollup_join = "am.unit_id", ""
    if group_of:
        rollup_unit, rollup_join = "grp.g", "JOIN grp ON grp.u = am.unit_id"
    # Parameters in the order their placeholders appear: prev, o, the rollup part of x, all types.
    params: list = []
    previous_cte = previous_join = ""
    if spells:
        previous_cte = (
            _previous_cte(organization, first - timedelta(days=1), last, unit_ids, types, params) + ","
        )
        day_before = sql.day_before("reg.start_date")
        previous_join = f"""
            LEFT JOIN prev ON prev.employee_id = reg.employee_id
                 AND prev.absence_type = reg.absence_type AND prev.end_date = {day_before}"""
    group_join, unit_column = _grouping(group_of)[1:]
    params.extend([organization.pk, last])
    open_type_where = ""
    if types is not None:
        open_type_where = (
            f"AND reg.absence_type IN ({', '.join(['%s'] * len(types))})" if types else "AND 1 = 0"
        )
        params.extend(types)
    _join, open_unit_where = _unit_filter(unit_ids, params)
    params.extend([organization.pk, month_number(first), month_number(last)])
    type_where = ""
    if types is not None:
        type_where = f"AND am.absence_type IN ({', '.join(['%s'] * len(types))})" if types else "AND 1 = 0"
        params.extend(types)
    _join, rollup_unit_where = _unit_filter(unit_ids, params, alias="am")
    if spells:
        new_spells = f"""{sql.popcount("am.starts & s.days")}
                   + CASE WHEN (am.continued & s.first) <> 0
                            OR (am.days & s.first & ~am.starts & ~am.continued) <> 0 THEN 1 ELSE 0 END"""
    else:
        new_spells = "0"
    rollup_part = f"""
            SELECT s.idx, {rollup_unit} AS unit_id, am.absence_type, am.employee_id,
                   {new_spells} AS spells,
                   {sql.popcount("am.days & s.days")} AS days,
                   {sql.popcount("am.days & s.working")} * am.hours AS hours
            FROM {table} am JOIN seg s ON s.m = am.month {rollup_join}
            WHERE am.organization_id = %s AND am.month >= %s AND am.month <= %s
              {type_where} {rollup_unit_where}"""  # noqa: S608 - table names and placeholders only
    wd = days.between("c.a", "c.b")
    all_types = ""
    if people_types:
        all_types = f"""
        UNION ALL
        SELECT x.idx, x.unit_id, '{ALL_TYPES}', 0, 0, 0, COUNT(DISTINCT x.employee_id)
        FROM x
        WHERE x.days > 0 AND x.absence_type IN ({", ".join(["%s"] * len(people_types))})
        GROUP BY x.idx, x.unit_id"""  # noqa: S608 - placeholders and a constant only
        params.extend(people_types)
    query = f"""
        WITH {_periods_cte(periods)}, {_segments(days.calendar, periods)}, {group_cte} {previous_cte}
        o AS (
            SELECT {unit_column} AS unit_id, reg.absence_type, reg.employee_id,
                   {sql.as_exact("e.weekly_hours")} * {sql.as_exact("reg.fraction")} AS hours,
                   {sql.day_number("reg.start_date")} AS rs,
                   {sql.day_number("e.employment_start")} AS es,
                   COALESCE({sql.day_number("e.employment_end")}, {FAR}) AS ee,
                   {"CASE WHEN prev.employee_id IS NULL THEN 0 ELSE 1 END" if spells else "0"} AS continues
            FROM {reg} reg JOIN {emp} e ON e.id = reg.employee_id
            {group_join}
            {previous_join}
            WHERE reg.end_date IS NULL AND e.organization_id = %s AND reg.start_date <= %s
              {open_type_where} {open_unit_where}
        ),
        c AS (
            SELECT p.idx, o.unit_id, o.absence_type, o.employee_id, o.hours,
                   CASE WHEN o.continues = 0 OR o.rs <= p.ps THEN 1 ELSE 0 END AS new_spell,
                   {sql.greatest("o.rs", "o.es", "p.ps")} AS a, {sql.least(str(FAR), "o.ee", "p.pe")} AS b
            FROM o CROSS JOIN periods p
        ),
        x AS (
            {rollup_part}
            UNION ALL
            SELECT c.idx, c.unit_id, c.absence_type, c.employee_id,
                   {"c.new_spell" if spells else "0"}, c.b - c.a + 1, {wd} * c.hours
            FROM c WHERE c.a <= c.b
        )
        SELECT x.idx, x.unit_id, x.absence_type, SUM(x.spells), SUM(x.days), SUM(x.hours),
               COUNT(DISTINCT x.employee_id)
        FROM x
        WHERE x.days > 0
        GROUP BY x.idx, x.unit_id, x.absence_type
        {all_types}
    """  # noqa: S608
    return sql.fetch(query, params)


def _raw_absence_rows(
    days: WorkingDays,
    organization: Organization,
    periods: list[Period],
    unit_ids: list[int] | None,
    *,
    types: list[str] | None = None,
    spells: bool = True,
    months: bool = False,
    group_of: dict[int, int] | None = None,
    people_types: list[str] | None = None,
):
    """(period, unit id, type, spells, calendar days, weekday count × weekly hours × fraction, people)
    per group; people are the distinct employees with absence of the type in the period.

    ``people_types``: also one row per (period, group) with type ``ALL_TYPES`` whose people are the
    distinct employees with absence of any of these types (the others' figures in it are 0): what a
    total over several types describes, where the people of the types may overlap.

    ``group_of``: sum the units' rows into groups in SQL (see ``_grouping``): thousands of units fewer.

    ``months``: the periods are calendar months; on PostgreSQL each registration is then paired only
    with the months it spans (generate_series), not compared with every period.

    ``spells=False`` (the monthly chart) leaves out the spell count and its self-join.
    """
    reg, emp = AbsenceRegistration._meta.db_table, Employee._meta.db_table
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    params: list = []
    previous_cte = previous_join = ""
    if spells:
        # A registration continues the previous one of its type when that ended the day before (there
        # is at most one: registrations of an employee never overlap). A hash join, not a window
        # function: no sort of every registration of the window.
        previous_cte = _previous_cte(organization, first - timedelta(days=1), last, unit_ids, types, params)
        previous_cte += ","
        day_before = sql.day_before("reg.start_date")
        previous_join = f"""
            LEFT JOIN prev ON prev.employee_id = reg.employee_id
                 AND prev.absence_type = reg.absence_type AND prev.end_date = {day_before}"""
        continues = "prev.employee_id IS NOT NULL"
        new_spell = "CASE WHEN r.continues = 0 OR r.rs <= p.ps THEN 1 ELSE 0 END"
    else:
        continues, new_spell = "1 = 0", "0"
    params.extend([organization.pk, last, first])
    type_where = ""
    if types is not None:
        type_where = f"AND reg.absence_type IN ({', '.join(['%s'] * len(types))})" if types else "AND 1 = 0"
        params.extend(types)
    unit_join, unit_where = _unit_filter(unit_ids, params)
    month_span, period_join = "", "FROM r JOIN periods p ON r.rs <= p.pe AND r.re >= p.ps"
    if len(periods) == 1:
        # WHERE already keeps the registrations of the one period; repeating it on the day numbers
        # only spoils PostgreSQL's row estimate (and with it the join plan).
        period_join = "FROM r CROSS JOIN periods p"
    months_join = sql.join_months("r.start_date", "r.end_date", first, last, alias="g") if months else None
    if months_join is not None:
        month_span = """
                   reg.start_date, reg.end_date,"""
        period_join = f"FROM r {months_join} JOIN periods p ON p.m = g.m"
    wd = days.between("c.a", "c.b")
    # Only table names and integers computed here are interpolated; values go in as parameters. The
    # clipping test (a <= b) sits inside the sums, not in WHERE, so that PostgreSQL estimates the row
    # count right and aggregates with a hash.
    group_cte, group_join, unit_column = _grouping(group_of)
    all_types = ""
    if people_types:
        all_types = f"""
        UNION ALL
        SELECT c.idx, c.unit_id, '{ALL_TYPES}', 0, 0, 0,
               COUNT(DISTINCT CASE WHEN c.a <= c.b THEN c.employee_id END)
        FROM c
        WHERE c.absence_type IN ({", ".join(["%s"] * len(people_types))})
        GROUP BY c.idx, c.unit_id"""  # noqa: S608 - placeholders and a constant only
        params.extend(people_types)
    query = f"""
        WITH {_periods_cte(periods)}, {group_cte} {previous_cte}
        r AS (
            SELECT {unit_column} AS unit_id, reg.absence_type, reg.employee_id,
                   {sql.as_exact("e.weekly_hours")} * {sql.as_exact("reg.fraction")}
                       AS hours,{month_span}
                   {sql.day_number("reg.start_date")} AS rs,
                   COALESCE({sql.day_number("reg.end_date")}, {FAR}) AS re,
                   {sql.day_number("e.employment_start")} AS es,
                   COALESCE({sql.day_number("e.employment_end")}, {FAR}) AS ee,
                   CASE WHEN {continues} THEN 1 ELSE 0 END AS continues
            FROM {reg} reg
            JOIN {emp} e ON e.id = reg.employee_id
            {group_join}
            {previous_join}
            {unit_join}
            WHERE e.organization_id = %s AND reg.start_date <= %s
              AND (reg.end_date IS NULL OR reg.end_date >= %s) {type_where} {unit_where}
        ),
        c AS (
            SELECT p.idx, r.unit_id, r.absence_type, r.employee_id, r.hours, {new_spell} AS new_spell,
                   {sql.greatest("r.rs", "r.es", "p.ps")} AS a,
                   {sql.least("r.re", "r.ee", "p.pe")} AS b
            {period_join}
        )
        SELECT c.idx, c.unit_id, c.absence_type,
               SUM(CASE WHEN c.a <= c.b THEN c.new_spell ELSE 0 END),
               SUM(CASE WHEN c.a <= c.b THEN c.b - c.a + 1 ELSE 0 END),
               SUM(CASE WHEN c.a <= c.b THEN {wd} * c.hours ELSE 0 END),
               COUNT(DISTINCT CASE WHEN c.a <= c.b THEN c.employee_id END)
        FROM c
        GROUP BY c.idx, c.unit_id, c.absence_type
        {all_types}
    """  # noqa: S608
    return sql.fetch(query, params)


def _population_rows(
    days: WorkingDays,
    organization: Organization,
    periods: list[Period],
    unit_ids: list[int] | None,
    group_of: dict[int, int] | None = None,
):
    """(period, unit id, employees, weekday count × weekly hours of the employment) per group.

    Employees are first summed per unit and employment clipped to the periods: most share the same
    clipped employment, so the periods are joined to a few hundred groups, not to every employee.
    """
    emp = Employee._meta.db_table
    first, last = _day(min(p.start for p in periods)), _day(max(p.end for p in periods))
    params: list = [organization.pk, max(p.end for p in periods), min(p.start for p in periods)]
    unit_join, unit_where = _unit_filter(unit_ids, params)
    wd = days.between("c.a", "c.b")
    # Only table names and integers computed here are interpolated; values go in as parameters.
    group_cte, group_join, unit_column = _grouping(group_of)
    query = f"""
        WITH {_periods_cte(periods)}, {group_cte}
        g AS (
            SELECT {unit_column} AS unit_id,
                   {sql.greatest(sql.day_number("e.employment_start"), str(first))} AS es,
                   {sql.least(f"COALESCE({sql.day_number('e.employment_end')}, {FAR})", str(last))} AS ee,
                   SUM({sql.as_float("e.weekly_hours")}) AS hours, COUNT(*) AS n
            FROM {emp} e {group_join} {unit_join}
            WHERE e.organization_id = %s AND e.employment_start <= %s
              AND (e.employment_end IS NULL OR e.employment_end >= %s) {unit_where}
            GROUP BY 1, 2, 3
        ),
        c AS (
            SELECT p.idx, g.unit_id, g.hours, g.n,
                   {sql.greatest("g.es", "p.ps")} AS a, {sql.least("g.ee", "p.pe")} AS b
            FROM g JOIN periods p ON g.es <= p.pe AND g.ee >= p.ps
        )
        SELECT c.idx, c.unit_id, SUM(c.n), SUM({wd} * c.hours)
        FROM c WHERE c.a <= c.b
        GROUP BY c.idx, c.unit_id
    """  # noqa: S608
    return sql.fetch(query, params)


BRADFORD_WINDOW_DAYS = 7 * 52


def bradford_window(as_of: date) -> tuple[date, date]:
    return as_of - timedelta(days=BRADFORD_WINDOW_DAYS - 1), as_of


def _bradford_rows(
    days: WorkingDays,
    organization: Organization,
    as_of: date,
    policy: AdvisoryPolicy,
    unit_ids: list[int] | None,
):
    """(unit id, band index, employees) for employees with a Bradford factor in band 1 or higher.

    B = S² × D over the 52 weeks ending on ``as_of`` (DOMAIN.md 1.7), spells of the policy's Bradford
    types joined as DOMAIN.md 1.3 says (touching, or with the setting on, separated only by non-working
    days): the same figures as ``selectors.bradford_scores``. S counts the registrations that do not
    continue an earlier one, D their days in the window plus joined gaps, per employee in one pass.
    ``sql`` must know the working days of the Bradford window.
    """
    types = policy.types_for("bradford")
    if not types or not policy.bradford_bands:
        return []
    reg, emp = AbsenceRegistration._meta.db_table, Employee._meta.db_table
    window_start, _end = bradford_window(as_of)
    ws, we = _day(window_start), _day(as_of)
    params: list = []
    previous_cte = ""
    type_list = ", ".join(["%s"] * len(types))
    if policy.join_across_non_working_days:
        # The previous registration by LAG(); it joins when the gap holds no working day. The gap's
        # days count as absence of the spell, as DOMAIN.md 1.3 joins them.
        previous = f"""LAG(COALESCE({sql.day_number("reg.end_date")}, {FAR})) OVER (
                       PARTITION BY reg.employee_id ORDER BY reg.start_date)"""
        previous_join = ""
        gap_days = days.between("(s.prev_end + 1)", "(s.rs - 1)")
        joined_gap = f"s.prev_end IS NOT NULL AND s.prev_end < s.rs - 1 AND {gap_days} = 0"
        continues = f"CASE WHEN s.prev_end >= s.rs - 1 OR ({joined_gap}) THEN 1 ELSE 0 END"
        extra_days = f"CASE WHEN {joined_gap} THEN s.rs - s.prev_end - 1 ELSE 0 END"
    else:
        # Touching registrations: the previous one ends the day before (at most one; no overlaps). A
        # hash join, no sort. A previous registration outside the window does not count: the spell
        # then starts (for the window) with this one.
        start = sql.day_number("reg.start_date")
        previous = f"CASE WHEN prev.employee_id IS NULL THEN NULL ELSE {start} - 1 END"
        day_before = sql.day_before("reg.start_date")
        previous_cte = _previous_cte(organization, window_start, as_of, unit_ids, types, params) + ","
        previous_join = f"""
            LEFT JOIN prev ON prev.employee_id = reg.employee_id AND prev.end_date = {day_before}"""
        continues = "CASE WHEN s.prev_end IS NOT NULL THEN 1 ELSE 0 END"
        extra_days = "0"
    params.extend([organization.pk, *types, as_of, window_start])
    unit_join, unit_where = _unit_filter(unit_ids, params)
    band_case = " ".join(
        f"WHEN p.spells * p.spells * p.days >= {int(limit)} THEN {index}"
        for index, limit in sorted(enumerate(policy.bradford_bands, start=1), key=lambda item: -item[0])
    )
    # Only table names and integers computed here are interpolated; values go in as parameters.
    query = f"""
        WITH {previous_cte} s AS (
            SELECT reg.employee_id, e.unit_id,
                   {sql.day_number("reg.start_date")} AS rs,
                   COALESCE({sql.day_number("reg.end_date")}, {FAR}) AS re,
                   {previous} AS prev_end
            FROM {reg} reg
            JOIN {emp} e ON e.id = reg.employee_id
            {previous_join}
            {unit_join}
            WHERE e.organization_id = %s AND reg.absence_type IN ({type_list})
              AND reg.start_date <= %s AND (reg.end_date IS NULL OR reg.end_date >= %s) {unit_where}
        ),
        p AS (
            SELECT s.employee_id, s.unit_id, SUM(1 - {continues}) AS spells,
                   SUM({sql.least("s.re", str(we))} - {sql.greatest("s.rs", str(ws))} + 1 + {extra_days})
                       AS days
            FROM s GROUP BY s.employee_id, s.unit_id
        )
        SELECT b.unit_id, b.band, COUNT(*) FROM (
            SELECT p.unit_id, CASE {band_case} ELSE 0 END AS band FROM p
        ) b
        WHERE b.band > 0
        GROUP BY b.unit_id, b.band
    """  # noqa: S608
    return sql.fetch(query, params)


# --- rolling up, suppression and the public functions ----------------------------------------------


def _round(value: Decimal | float | None, places: int = 1) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places))


def band_labels(bands: list[int]) -> list[str]:
    """ "0–50", "51–200", …, "601+" for the limits [51, 201, 401, 601]."""
    limits = [0, *[int(b) for b in bands]]
    labels = [f"{lo}\u2013{hi - 1}" for lo, hi in zip(limits, limits[1:], strict=False)]
    return [*labels, f"{limits[-1]}+"]


def _units_in_scope(organization: Organization, unit: OrgUnit | None) -> list[OrgUnit]:
    qs = unit.subtree() if unit is not None else OrgUnit.objects.filter(organization=organization)
    return list(qs.order_by("path"))


def _ancestors(path: str, paths: dict[str, int]) -> list[int]:
    steplen = OrgUnit.steplen
    return [paths[path[:end]] for end in range(steplen, len(path) + 1, steplen) if path[:end] in paths]


def _ancestry(units: list[OrgUnit]) -> dict[int, list[int]]:
    """Unit id -> the ids of the unit and its ancestors among ``units``: what a unit's sums add to."""
    paths = {u.path: u.pk for u in units}
    return {u.pk: _ancestors(u.path, paths) for u in units}


class _Figures:
    __slots__ = ("employees", "weekday_hours", "people", "spells", "calendar_days", "absence_weekday_hours")

    def __init__(self) -> None:
        self.employees = 0
        self.people = 0
        self.weekday_hours = Decimal(0)
        self.spells = 0
        self.calendar_days = 0
        self.absence_weekday_hours = Decimal(0)


def _figures(pop: _Figures, absence: _Figures | None, window_working_days: int) -> dict:
    """The published figures of one group from its raw sums (hours are weekday-count × weekly hours)."""
    possible_hours = pop.weekday_hours / 5
    fte = possible_hours / (FULL_TIME_DAY_HOURS * window_working_days) if window_working_days else Decimal(0)
    absence_hours = (absence.absence_weekday_hours / 5) if absence else Decimal(0)
    absence_days = absence_hours / FULL_TIME_DAY_HOURS
    return {
        "employees": pop.employees,
        "fte": _round(fte, 2),
        "people": absence.people if absence else 0,
        "spells": absence.spells if absence else 0,
        "calendar_days": absence.calendar_days if absence else 0,
        "absence_hours": _round(absence_hours, 1),
        "possible_hours": _round(possible_hours, 1),
        "absence_pct": _round(absence_hours / possible_hours * 100, 2) if possible_hours else None,
        "absence_days": _round(absence_days, 1),
        "days_per_fte": _round(absence_days / fte, 2) if fte else None,
    }


def _compute(
    organization: Organization,
    periods: list[Period],
    unit: OrgUnit | None,
    policy: AdvisoryPolicy,
    *,
    types: list[str] | None = None,
    spells: bool = True,
    months: bool = False,
    units: list[OrgUnit] | None = None,
    group_depth: int | None = None,
    people_types: list[str] | None = None,
):
    """Raw sums per (period, unit of the scope incl. its subtree) and per (period, unit, type); with
    ``people_types`` also per (period, unit, ``ALL_TYPES``): the people with absence of any of them.
    ``units``: those of the scope ordered by path, when the caller has them already. ``group_depth``:
    only the units down to that depth are wanted; the database sums deeper ones into their ancestor
    there (the sums of deeper units are then missing)."""
    calendar = WorkCalendar.for_policy(policy)
    days = WorkingDays(calendar, min(p.start for p in periods), max(p.end for p in periods))
    units = _units_in_scope(organization, unit) if units is None else units
    paths = {u.path: u.pk for u in units}
    ancestry = _ancestry(units)
    unit_ids = [u.pk for u in units] if unit is not None else None
    group_of = None
    if group_depth is not None:
        cut = OrgUnit.steplen * group_depth
        group_of = {u.pk: paths.get(u.path[:cut], u.pk) if u.depth > group_depth else u.pk for u in units}
    population: dict[tuple[int, int], _Figures] = defaultdict(_Figures)
    for idx, unit_id, count, weekday_hours in _population_rows(
        days, organization, periods, unit_ids, group_of
    ):
        for ancestor in ancestry.get(unit_id, ()):
            figures = population[(idx, ancestor)]
            figures.employees += int(count)
            figures.weekday_hours += Decimal(str(weekday_hours or 0))
    absence: dict[tuple[int, int, str], _Figures] = defaultdict(_Figures)
    for idx, unit_id, code, count, calendar_days, hours, people in _absence_rows(
        days,
        organization,
        periods,
        unit_ids,
        types=types,
        spells=spells,
        months=months,
        group_of=group_of,
        people_types=people_types,
    ):
        # An employee is in one unit: the people of the units below add up to the ancestor's.
        for ancestor in ancestry.get(unit_id, ()):
            figures = absence[(idx, ancestor, code)]
            figures.people += int(people)
            figures.spells += int(count)
            figures.calendar_days += int(calendar_days)
            figures.absence_weekday_hours += Decimal(str(hours or 0))
    working_days = {p.index: calendar.working_days(p.start, p.end) for p in periods}
    return units, population, absence, working_days, calendar


@dataclass
class _Sums:
    """The raw sums of one window, rolled up per unit (its whole subtree): what the published figures of
    the window are made from, live or frozen by the retention job (``StatisticsSnapshot``)."""

    working_days: int
    population: dict[int, _Figures]  # unit id -> employees and weekday hours
    # (unit id, type) -> people, spells, days, weekday hours of absence; (unit id, ALL_TYPES) -> the
    # people with absence of any of ``people_types``
    absence: dict[tuple[int, str], _Figures]
    bradford: dict[tuple[int, int], int]  # (unit id, band from 1) -> employees
    bands: list[int]  # the Bradford band limits the counts are for
    people_types: list[str]  # the types counting for the percentage when the sums were made


def _year_sums(
    organization: Organization,
    as_of: date,
    policy: AdvisoryPolicy,
    *,
    unit: OrgUnit | None = None,
    units: list[OrgUnit] | None = None,
) -> tuple[list[OrgUnit], _Sums]:
    """The units of the scope and their sums over the rolling year up to ``as_of``, from the rows."""
    counting = sorted(policy.types_for("percentage"))
    with _reporting_transaction():
        units, population, absence, working_days, calendar = _compute(
            organization, [rolling_year(as_of)], unit, policy, units=units, people_types=counting
        )
        bradford_rows = _bradford_rows(
            WorkingDays(calendar, *bradford_window(as_of)),
            organization,
            as_of,
            policy,
            [u.pk for u in units] if unit is not None else None,
        )
    bradford: dict[tuple[int, int], int] = defaultdict(int)
    ancestry = _ancestry(units)
    for unit_id, band, count in bradford_rows:
        for ancestor in ancestry.get(unit_id, ()):
            bradford[(ancestor, int(band))] += int(count)
    sums = _Sums(
        working_days=working_days[0],
        population={unit_id: figures for (_idx, unit_id), figures in population.items()},
        absence={(unit_id, code): figures for (_idx, unit_id, code), figures in absence.items()},
        bradford=dict(bradford),
        bands=list(policy.bradford_bands),
        people_types=counting,
    )
    return units, sums


def unit_statistics(
    organization: Organization,
    as_of: date,
    *,
    unit: OrgUnit | None = None,
    suppress: bool = True,
    exempt_unit_ids: set[int] | None = None,
) -> dict:
    """``_unit_statistics``, cached per organisation statistics version, ``as_of``, unit and suppression."""
    return _cached(
        "units",
        organization,
        lambda: _unit_statistics(
            organization, as_of, unit=unit, suppress=suppress, exempt_unit_ids=exempt_unit_ids
        ),
        as_of,
        unit.pk if unit is not None else "",
        suppress,
        _exempt_key(exempt_unit_ids) if suppress else "",
        settings.ABSENCE_MIN_GROUP_SIZE,
    )


def _unit_statistics(
    organization: Organization,
    as_of: date,
    *,
    unit: OrgUnit | None = None,
    suppress: bool = True,
    exempt_unit_ids: set[int] | None = None,
    policy: AdvisoryPolicy | None = None,
    units: list[OrgUnit] | None = None,
    frozen_from: date | None | Literal["ask"] = "ask",
) -> dict:
    """Figures per unit (its whole subtree) and absence type over the 12 months up to ``as_of``.

    Plain data for the page, the CSV export, the command and the annual report::

        {"as_of", "requested_as_of", "window_start", "window_end", "min_group_size", "band_labels": [...],
         "units": [{"unit_id", "parent_id", "code", "name", "depth", "suppressed",
                    "employees", "fte", "possible_hours",
                    "types": [{"absence_type", "label", "counts_for_percentage", "suppressed",
                               "employees", "fte", "people", "spells", "calendar_days",
                               "absence_hours", "possible_hours", "absence_pct", "absence_days",
                               "days_per_fte"}, ...],
                    "total": {... the same, over the types that count for the percentage; its
                              people had absence of any of them},
                    "bradford": {"suppressed", "employees", "bands": [count or None, ...]}}, ...]}

    ``as_of`` is the day asked for (``requested_as_of``) unless retention has deleted rows of that
    window and the day is no month end: then the month end before it (see ``_frozen_year``).

    ``people`` is the number of distinct employees the figures of a type (or the total) describe:
    internal, for suppression; never published (it is None where the figures are hidden).

    ``unit``: only that unit and the units below it. ``suppress``: figures describing fewer than
    ``settings.ABSENCE_MIN_GROUP_SIZE`` employees are None and the group is marked ``suppressed``
    (see ``suppress_small_groups``), except in the units of ``exempt_unit_ids``.
    """
    if unit is not None and suppress:
        return _part_of_whole(organization, as_of, unit, exempt_unit_ids, units)
    policy = policy or policy_of(organization)
    counting = set(policy.types_for("percentage"))
    if frozen_from == "ask":
        frozen_from = raw_data_from(organization.pk)
    requested = as_of
    frozen = _frozen_year(organization, as_of, frozen_from, sorted(counting))
    if frozen is None:
        units, sums = _year_sums(organization, as_of, policy, unit=unit, units=units)
    else:  # the window begins before the individual rows still kept (retention)
        as_of, sums = frozen
        units = _units_in_scope(organization, unit) if units is None else units
    window = rolling_year(as_of)
    paths = {u.path: u.pk for u in units}
    labels = dict(AbsenceType.choices)
    band_names = band_labels(sums.bands)
    base_depth = units[0].depth if units else 1
    rows = []
    for u in units:
        pop = sums.population.get(u.pk, _Figures())
        types = []
        total = _Figures()
        for code in TYPE_CODES:
            raw = sums.absence.get((u.pk, code))
            figures = _figures(pop, raw, sums.working_days)
            types.append(
                {
                    "absence_type": code,
                    "label": labels[code],
                    "counts_for_percentage": code in counting,
                    "suppressed": False,
                    **figures,
                }
            )
            if raw is not None and code in counting:
                total.spells += raw.spells
                total.calendar_days += raw.calendar_days
                total.absence_weekday_hours += raw.absence_weekday_hours
        all_types = sums.absence.get((u.pk, ALL_TYPES))
        total.people = all_types.people if all_types is not None else 0
        counts = [sums.bradford.get((u.pk, band), 0) for band in range(1, len(band_names))]
        rows.append(
            {
                "unit_id": u.pk,
                "parent_id": paths.get(u.path[: -OrgUnit.steplen]),
                "code": u.code,
                "name": u.name,
                "depth": u.depth - base_depth,
                "suppressed": False,
                "employees": pop.employees,
                "fte": _figures(pop, None, sums.working_days)["fte"],
                "possible_hours": _round(pop.weekday_hours / 5, 1),
                "types": types,
                "total": {"suppressed": False, **_figures(pop, total, sums.working_days)},
                "bradford": {
                    "suppressed": False,
                    "employees": pop.employees,
                    "bands": [max(pop.employees - sum(counts), 0), *counts],
                },
            }
        )
    result = {
        "as_of": as_of,
        "requested_as_of": requested,
        "window_start": window.start,
        "window_end": window.end,
        "working_days": sums.working_days,
        "min_group_size": settings.ABSENCE_MIN_GROUP_SIZE,
        "band_labels": band_names,
        "units": rows,
    }
    if suppress:
        exempt = exempt_unit_ids or set()
        also_hide = set()
        if any(u.pk not in exempt for u in units):
            with _reporting_transaction():
                also_hide = _period_cells(organization, as_of, policy, units, exempt, frozen_from)
        suppress_small_groups(result, exempt_unit_ids=exempt, also_hide=also_hide)
    return result


def _period_cells(
    organization: Organization,
    as_of: date,
    policy: AdvisoryPolicy,
    units: list[OrgUnit],
    exempt: set[int],
    frozen_from: date | None,
) -> set[tuple]:
    """The cells of the rolling year up to ``as_of`` that the neighbouring periods would give away
    (``period_cells`` over the 24 calendar months up to ``as_of``, for every unit and type). Months
    that begin before ``frozen_from`` (retention deleted rows of them) have their counts frozen."""
    periods = last_months(as_of, 24)
    counting = sorted(policy.types_for("percentage"))
    frozen = _frozen_months(organization, periods, frozen_from, counting)
    live = [p for p in periods if p.index not in frozen]
    ancestry = _ancestry(units)
    # Only the counts are wanted: summed up the tree as plain integers. ``period_cells`` looks at the
    # chart points of the year's months only (the last 12): their employees and hidden points.
    year_months = periods[12:]
    employees: dict[tuple[int, int], int] = defaultdict(int)
    people: dict[tuple[int, int, str], int] = defaultdict(int)
    if live:
        days = WorkingDays(WorkCalendar.for_policy(policy), live[0].start, live[-1].end)
        live_year = [p for p in live if p.index >= year_months[0].index]
        for idx, unit_id, count, _hours in (
            _population_rows(days, organization, live_year, None) if live_year else []
        ):
            for ancestor in ancestry.get(unit_id, ()):
                employees[(idx, ancestor)] += int(count)
        rows = _absence_rows(days, organization, live, None, spells=False, months=True, people_types=counting)
        for idx, unit_id, code, _spells, _days, _hours, count in rows:
            for ancestor in ancestry.get(unit_id, ()):
                people[(idx, ancestor, code)] += int(count)
    for index, sums in frozen.items():  # rolled up already
        for unit_id, figures in sums.population.items():
            employees[(index, unit_id)] = figures.employees
        for (unit_id, code), figures in sums.absence.items():
            people[(index, unit_id, code)] = figures.people
    hidden_months = _hidden_months(units, year_months, employees, people, exempt)
    return period_cells(people, hidden_months, [u.pk for u in units if u.pk not in exempt])


def period_cells(
    people: dict[tuple[int, int, str], int], hidden_months: set[tuple[int, int]], unit_ids: list[int]
) -> set[tuple]:
    """Cells ("type", unit, code) of the rolling year ending with the last of 24 calendar months
    (indexes 0-23) to hide, lest the figures of the year one month earlier (or later) give away one
    month's absence of a few people. ``people``: (month index, unit, type or ALL_TYPES) -> the
    employees with absence of it that month; ``hidden_months``: the (month, unit) chart points hidden.

    The year's figures less those of the year one month earlier are the last month's figures less
    those of the month dropped out (12 months before it): what the people absent in those two months
    did. A type's year is hidden when those people may be fewer than the limit (neither month alone
    holds as many; the two could be the same people). When neither month had anyone, the figures
    are those of the month before, and so is the decision: the same comparison a month further back.
    Compared with any earlier month-end the difference then holds one of these changes, whole. The
    total of the counting types is shown month by month in the chart: its year is hidden when one of
    its 12 months is, or the year less the shown months would give that month away.
    """
    limit = settings.ABSENCE_MIN_GROUP_SIZE
    last = 23
    cells = set()
    codes = sorted({key[2] for key in people if key[2] != ALL_TYPES})
    for unit_id in unit_ids:
        if any((month, unit_id) in hidden_months for month in range(last - 11, last + 1)):
            cells.add(("type", unit_id, ALL_TYPES))
        for code in codes:
            month = last
            while month >= 12:
                now, dropped = (
                    people.get((month, unit_id, code), 0),
                    people.get((month - 12, unit_id, code), 0),
                )
                if now or dropped:
                    if max(now, dropped) < limit:
                        cells.add(("type", unit_id, code))
                    break
                month -= 1
    return cells


def _part_of_whole(
    organization: Organization,
    as_of: date,
    unit: OrgUnit,
    exempt_unit_ids: set[int] | None,
    units: list[OrgUnit] | None,
) -> dict:
    """The figures of ``unit`` and the units below it, suppressed as in the whole organisation's.

    Suppression is decided over the whole organisation: decided over the subtree alone, a unit's page
    could show a figure that its parent's page hides to protect a sibling, and the two pages together
    would give the hidden figure away.
    """
    whole = unit_statistics(organization, as_of, exempt_unit_ids=exempt_unit_ids)
    if units is None:
        units = list(OrgUnit.objects.filter(organization=organization, path__startswith=unit.path))
    depth = {u.pk: u.depth - unit.depth for u in units if u.path.startswith(unit.path)}
    # New dicts for what changes (depth, the top's parent); the figures are shared, never changed.
    rows = [
        {
            **row,
            "depth": depth[row["unit_id"]],
            "parent_id": None if row["unit_id"] == unit.pk else row["parent_id"],
        }
        for row in whole["units"]
        if row["unit_id"] in depth
    ]
    return {**whole, "units": rows}


def _hide_group(group: dict) -> None:
    group["suppressed"] = True
    for name in NUMBER_FIELDS:
        group[name] = None


def _small(people: int, employees: int, limit: int) -> bool:
    """Whether figures describing ``people`` (of a group of ``employees``) point at individuals: a
    figure about 1 to limit - 1 people does, and so does a 0 of a group that small ("none of these 3")."""
    return 0 < people < limit or (people == 0 and 0 < employees < limit)


def suppress_small_groups(
    result: dict, *, exempt_unit_ids: set[int] | None = None, also_hide: set[tuple] | None = None
) -> dict:
    """Hide every figure that describes fewer than ``settings.ABSENCE_MIN_GROUP_SIZE`` people, in place.

    A cell is a unit's figures of one absence type, its total (the types that count for the
    percentage) or one Bradford band. The figures of a type describe the people who had absence of
    that type in the window (``people``: distinct employees), whatever the type: "partial sick leave:
    1 spell, 35 days" in a unit of 29 is about one person, and is hidden. The total describes the
    people with absence of any counting type; a band describes the employees in it. A cell is hidden
    when it describes between 1 and limit - 1 people, and every figure of a unit with between 1 and
    limit - 1 employees is hidden (a 0 of so few says something about each of them too). The number of
    employees and FTE of a unit stay visible: they say nothing about anyone's absence. Units in
    ``exempt_unit_ids`` (those the viewer may see individual data of: HR, the unit's leaders) are left
    as they are.

    Hidden figures must not be recoverable by subtraction either (secondary suppression). The figures
    add up in four ways: a unit is its sub-units plus the employees placed directly in it, and so is
    each of its Bradford bands, each absence type and its total; a unit's bands add up to its
    employees; and its total is the sum of the types that count for the percentage (whose people may
    overlap: one person can have had both). In each such sum nothing hidden may be left alone (it could
    be worked out), and what the hidden parts describe together may not be a small group; where it
    would, the smallest visible part (else the sum itself) is hidden too, until nothing changes.
    tests/absence/test_suppression_audit.py attacks the result with every subtraction these sums allow.

    ``also_hide``: cells ("type", unit id, absence type or ALL_TYPES) hidden for a reason found
    elsewhere (``period_cells``: what the neighbouring periods would give away), with the same
    secondary suppression.
    """
    limit = result["min_group_size"]
    exempt = exempt_unit_ids or set()
    rows = result["units"]
    by_id = {row["unit_id"]: row for row in rows}
    counts = {row["unit_id"]: list(row["bradford"]["bands"]) for row in rows}
    children: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        if row.get("parent_id") in by_id:
            children[row["parent_id"]].append(row)

    # People per unit and absence type, and with any counting type (the total, ALL_TYPES).
    people = {
        row["unit_id"]: {
            **{t["absence_type"]: t["people"] or 0 for t in row["types"]},
            ALL_TYPES: row["total"]["people"] or 0,
        }
        for row in rows
    }
    counting = [t["absence_type"] for t in rows[0]["types"] if t.get("counts_for_percentage")] if rows else []

    # A cell is ("row", unit) - the unit as a whole, describing its employees -, ("band", unit, band)
    # or ("type", unit, code) - the figures of one type (or ALL_TYPES: the total), describing its people.
    def size(cell: tuple) -> tuple[int, int]:
        """(people the cell describes, employees of the group it is about)."""
        if cell[0] == "row":
            return by_id[cell[1]]["employees"], by_id[cell[1]]["employees"]
        if cell[0] == "type":
            return people[cell[1]][cell[2]], by_id[cell[1]]["employees"]
        return counts[cell[1]][cell[2]], counts[cell[1]][cell[2]]

    # Sums: (unit whose sum it is, the total or None when always shown, the parts, the part not shown
    # anywhere - the directly placed employees - as (people, employees), or None when there is none,
    # whether the parts' people may overlap).
    Sum = tuple[int, tuple | None, list[tuple], tuple[int, int] | None, bool]
    sums: list[Sum] = []
    for row in rows:
        unit_id, kids = row["unit_id"], children.get(row["unit_id"], [])
        bands = [("band", unit_id, b) for b in range(len(counts[unit_id]))]
        sums.append((unit_id, None, bands, None, False))
        total = ("type", unit_id, ALL_TYPES)
        sums.append((unit_id, total, [("type", unit_id, code) for code in counting], None, True))
        if not kids:
            continue
        direct = row["employees"] - sum(k["employees"] for k in kids)
        for code, count in people[unit_id].items():
            rest = count - sum(people[k["unit_id"]].get(code, 0) for k in kids)
            parts = [("type", k["unit_id"], code) for k in kids]
            sums.append((unit_id, ("type", unit_id, code), parts, (rest, direct) if direct else None, False))
        parts = [("row", k["unit_id"]) for k in kids]
        sums.append((unit_id, ("row", unit_id), parts, (direct, direct) if direct else None, False))
        for band, count in enumerate(counts[unit_id]):
            rest = count - sum(counts[k["unit_id"]][band] for k in kids)
            parts = [("band", k["unit_id"], band) for k in kids]
            # With nobody placed directly in the unit, everyone knows that part is 0.
            sums.append((unit_id, ("band", unit_id, band), parts, (rest, rest) if direct else None, False))
    sums_of: dict[tuple, list[int]] = defaultdict(list)  # cell -> the sums it is in
    for index, (_unit_id, total, parts, _direct, _overlap) in enumerate(sums):
        for cell in [total, *parts] if total is not None else parts:
            sums_of[cell].append(index)

    hidden: set[tuple] = set()
    # Sums to look at (again). Those of whole units first: hiding a sub-unit there protects all its
    # figures at once, where the sums of single types or bands would otherwise hide the totals first.
    row_sums = {i for i, (_u, total, *_rest) in enumerate(sums) if total is not None and total[0] == "row"}
    waiting = deque([i for i in range(len(sums)) if i not in row_sums] + sorted(row_sums))

    def hide(cell: tuple) -> None:
        cells = [cell]
        if cell[0] == "row":
            cells += [("band", cell[1], band) for band in range(len(counts[cell[1]]))]
            cells += [("type", cell[1], code) for code in people[cell[1]]]
        for each in cells:
            if each not in hidden:
                hidden.add(each)
                later = sums_of[each]
                # Unit sums go last in the list, so they are taken first.
                waiting.extendleft(i for i in later if i not in row_sums)
                waiting.extend(i for i in later if i in row_sums)

    for row in rows:
        unit_id = row["unit_id"]
        if unit_id in exempt:
            continue
        if _small(row["employees"], row["employees"], limit):
            hide(("row", unit_id))
        for band, count in enumerate(counts[unit_id]):
            if _small(count, count, limit):
                hide(("band", unit_id, band))
        for code, count in people[unit_id].items():
            if _small(count, row["employees"], limit):
                hide(("type", unit_id, code))
    for cell in also_hide or ():
        if cell[1] in by_id and cell[1] not in exempt:
            hide(cell)

    def may_hide(cell: tuple) -> bool:
        return cell not in hidden and cell[1] not in exempt

    while waiting:
        unit_id, total, parts, direct, overlap = sums[waiting.pop()]
        if unit_id in exempt:
            continue  # the viewer may see everything below it anyway
        hidden_parts = [part for part in parts if part in hidden]
        unknown = (total in hidden) + len(hidden_parts) + (direct is not None)
        if unknown == 0:
            continue
        if unknown == 1:
            # The one unknown can be worked out: harmless only for the unshown part, if not small.
            need = direct is None or _small(*direct, limit)
        elif total not in hidden:
            sizes = [size(part) for part in hidden_parts] + ([direct] if direct else [])
            if overlap:  # the types of one unit: together at least as many people as the largest
                together = (max(p for p, _e in sizes), by_id[unit_id]["employees"])
            else:  # different people: they add up
                together = (sum(p for p, _e in sizes), sum(e for _p, e in sizes))
            need = _small(*together, limit)
        else:
            need = False
        if not need:
            continue
        open_parts = [part for part in parts if may_hide(part)]
        # A part that describes someone: hiding an empty one protects nothing once it is known empty.
        nonzero = [part for part in open_parts if size(part)[0] > 0]
        if nonzero:
            hide(min(nonzero, key=lambda part: (size(part), part)))
        elif total is not None and may_hide(total):
            hide(total)
        elif open_parts:
            hide(min(open_parts))

    for row in rows:
        unit_id = row["unit_id"]
        if ("row", unit_id) in hidden:  # its types and bands are hidden with it (``hide``)
            row["suppressed"] = True
        if ("type", unit_id, ALL_TYPES) in hidden:
            _hide_group(row["total"])
        for group in row["types"]:
            if ("type", unit_id, group["absence_type"]) in hidden:
                _hide_group(group)
        bands = counts[unit_id]
        shown = [("band", unit_id, band) not in hidden for band in range(len(bands))]
        row["bradford"]["suppressed"] = not all(shown)
        row["bradford"]["bands"] = [count if ok else None for ok, count in zip(shown, bands, strict=True)]
    return result


def monthly_series(
    organization: Organization,
    as_of: date,
    *,
    unit: OrgUnit | None = None,
    months: int = 24,
    suppress: bool = True,
    exempt_unit_ids: set[int] | None = None,
) -> list[dict]:
    """``_monthly_series``, cached like ``unit_statistics``."""
    return _cached(
        "months",
        organization,
        lambda: _monthly_series(
            organization, as_of, unit=unit, months=months, suppress=suppress, exempt_unit_ids=exempt_unit_ids
        ),
        as_of,
        unit.pk if unit is not None else "",
        months,
        suppress,
        _exempt_key(exempt_unit_ids) if suppress else "",
        settings.ABSENCE_MIN_GROUP_SIZE,
    )


def page_figures(
    organization: Organization,
    as_of: date,
    *,
    unit: OrgUnit | None = None,
    exempt_unit_ids: set[int] | None = None,
    org_units: list[OrgUnit] | None = None,
) -> tuple[dict, list[dict]]:
    """``unit_statistics`` (of ``unit`` and the units directly below it only) and ``monthly_series`` of
    the statistics page: one small cache entry, and on a miss one reporting transaction reading the
    policy and the units once. ``org_units``: the organisation's units ordered by path, when the caller
    has them."""

    def compute() -> tuple[dict, list[dict]]:
        policy = policy_of(organization)
        units = None
        if org_units is not None:
            units = [u for u in org_units if unit is None or u.path.startswith(unit.path)]
        frozen_from = raw_data_from(organization.pk)
        with _reporting_transaction():
            stats = _unit_statistics(
                organization,
                as_of,
                unit=unit,
                exempt_unit_ids=exempt_unit_ids,
                policy=policy,
                units=units,
                frozen_from=frozen_from,
            )
            charts = _monthly_series(
                organization,
                as_of,
                unit=unit,
                exempt_unit_ids=exempt_unit_ids,
                policy=policy,
                units=units,
                org_units=org_units,
                frozen_from=frozen_from,
            )
        # The page shows the unit and the units directly below (suppression needed all of them).
        stats["units"] = [row for row in stats["units"] if row["depth"] <= 1]
        return stats, charts

    return _cached(
        "page",
        organization,
        compute,
        as_of,
        unit.pk if unit is not None else "",
        _exempt_key(exempt_unit_ids),
        settings.ABSENCE_MIN_GROUP_SIZE,
    )


def _monthly_series(
    organization: Organization,
    as_of: date,
    *,
    unit: OrgUnit | None = None,
    months: int = 24,
    suppress: bool = True,
    exempt_unit_ids: set[int] | None = None,
    policy: AdvisoryPolicy | None = None,
    units: list[OrgUnit] | None = None,
    org_units: list[OrgUnit] | None = None,
    frozen_from: date | None | Literal["ask"] = "ask",
) -> list[dict]:
    """Month by month for the last ``months`` months: the absence percentage and absence days (in
    full-time days) of the types that count for the percentage, per chart unit. ``units``: those of
    the scope, ``org_units``: all of the organisation, ordered by path, when the caller has them.

    Chart units are ``unit`` (or the organisation's top units) and the units directly below. Returns
    ``[{"unit_id", "code", "name", "months": [{"month", "employees", "suppressed", "absence_pct",
    "absence_days"}, ...]}, ...]``. A month whose figures describe fewer than
    ``settings.ABSENCE_MIN_GROUP_SIZE`` people (those with absence of a counting type that month, or
    the employees when none had any) is suppressed unless the unit is in ``exempt_unit_ids``.
    """
    policy = policy or policy_of(organization)
    as_of, frozen_from = _effective_as_of(organization, as_of, frozen_from)
    periods = last_months(as_of, months)
    counting = set(policy.types_for("percentage"))
    top_depth = unit.depth if unit is not None else 1
    exempt = exempt_unit_ids or set()
    if suppress:
        if org_units is None:
            org_units = list(OrgUnit.objects.filter(organization=organization).order_by("path"))
        # Which months to hide is decided over the whole organisation (as ``_part_of_whole`` does for
        # the year): decided per page, a unit's page could show a month its parent's page hides to
        # protect a sibling. Nothing to decide for a viewer who may see every unit in full.
        suppress = any(u.pk not in exempt for u in org_units)
        if suppress:
            units = org_units
    # Months that begin before the individual rows still kept (retention) come frozen, whole months,
    # with every unit's sums and people (what suppression decides by).
    frozen = _frozen_months(organization, periods, frozen_from, sorted(counting))
    live = [p for p in periods if p.index not in frozen]
    population: dict[tuple[int, int], _Figures] = {}
    absence: dict[tuple[int, int, str], _Figures] = {}
    working_days: dict[int, int] = {}
    if live:
        with _reporting_transaction():
            units, population, absence, working_days, _calendar = _compute(
                organization,
                live,
                None if suppress else unit,
                policy,
                types=sorted(counting),
                spells=False,
                months=True,
                units=units,
                # Without suppression only the chart units are wanted: the top units and those right below.
                group_depth=None if suppress else top_depth + 1,
                people_types=sorted(counting),
            )
    elif units is None:
        units = _units_in_scope(organization, unit)
    for index, sums in frozen.items():
        population.update(((index, unit_id), figures) for unit_id, figures in sums.population.items())
        absence.update(((index, unit_id, code), figures) for (unit_id, code), figures in sums.absence.items())
        working_days[index] = sums.working_days
    hidden: set[tuple[int, int]] = set()
    if suppress:
        employees = {key: figures.employees for key, figures in population.items()}
        people = {key: figures.people for key, figures in absence.items()}
        hidden = _hidden_months(units, periods, employees, people, exempt)
    chart_units = [
        u
        for u in units
        if u.depth in (top_depth, top_depth + 1) and (unit is None or u.path.startswith(unit.path))
    ]
    charts = []
    for chart_unit in chart_units:
        series = []
        for p in periods:
            pop = population.get((p.index, chart_unit.pk), _Figures())
            total = _Figures()
            for code in counting:
                raw = absence.get((p.index, chart_unit.pk, code))
                if raw:
                    total.absence_weekday_hours += raw.absence_weekday_hours
            figures = _figures(pop, total, working_days[p.index])
            suppressed = (p.index, chart_unit.pk) in hidden
            series.append(
                {
                    "month": p.start,
                    "employees": pop.employees,
                    "suppressed": suppressed,
                    "absence_pct": None if suppressed else figures["absence_pct"],
                    "absence_days": None if suppressed else figures["absence_days"],
                }
            )
        charts.append(
            {
                "unit_id": chart_unit.pk,
                "path": chart_unit.path,
                "code": chart_unit.code,
                "name": chart_unit.name,
                "months": series,
            }
        )
    for chart in charts:
        del chart["path"]
    return charts


def _hidden_months(
    units: list[OrgUnit],
    periods: list[Period],
    employees: dict[tuple[int, int], int],
    people: dict[tuple[int, int, str], int],
    exempt: set[int],
) -> set[tuple[int, int]]:
    """(period index, unit id) of the month points to hide: month by month the rule of
    ``suppress_small_groups`` over the whole unit tree, a month's figures describing the people with
    absence of a counting type in it (``people`` of ALL_TYPES; its employees when none had any)."""
    steplen = OrgUnit.steplen
    paths = {u.path: u.pk for u in units}
    hidden = set()
    for p in periods:
        rows = []
        for u in units:
            rows.append(
                {
                    "unit_id": u.pk,
                    "parent_id": paths.get(u.path[:-steplen]),
                    "employees": employees.get((p.index, u.pk), 0),
                    "suppressed": False,
                    "types": [],
                    "total": {"people": people.get((p.index, u.pk, ALL_TYPES), 0), "suppressed": False},
                    "bradford": {"bands": []},
                }
            )
        suppress_small_groups(
            {"min_group_size": settings.ABSENCE_MIN_GROUP_SIZE, "units": rows}, exempt_unit_ids=exempt
        )
        hidden |= {(p.index, row["unit_id"]) for row in rows if row["total"]["suppressed"]}
    return hidden


CSV_COLUMNS = [
    "unit_code",
    "absence_type",
    "employees",
    "fte",
    "spells",
    "calendar_days",
    "absence_hours",
    "possible_hours",
    "absence_pct",
    "days_per_fte",
]


def _csv_value(value) -> str:
    return "" if value is None else str(value)


def csv_rows(stats: dict) -> list[list[str]]:
    """The rows of DESIGN.md's absence_stats CSV (suppressed figures are empty cells).

    After a unit's type rows comes its ``bradford`` row: ``employees`` holds "band:count" pairs joined
    by ";" (e.g. "0-50:40;51-200:5;201-400:0;401-600:1;601+:0"), the other figure columns are empty.
    """
    rows = []
    for unit in stats["units"]:
        for group in unit["types"]:
            rows.append(
                [unit["code"], group["absence_type"], *(_csv_value(group[c]) for c in CSV_COLUMNS[2:])]
            )
        bands = ";".join(
            f"{label.replace(chr(0x2013), '-')}:{_csv_value(count)}"
            for label, count in zip(stats["band_labels"], unit["bradford"]["bands"], strict=True)
        )
        rows.append([unit["code"], "bradford", bands, *[""] * (len(CSV_COLUMNS) - 3)])
    return rows


# --- figures frozen by the retention job -----------------------------------------------------------
#
# Before the retention job deletes individual rows, it freezes the sums of every period the deletion
# would change (``snapshots_to_freeze``): the rolling year up to every month end and every calendar
# month whose window begins before the new cut-off. A window that begins before the organisation's
# ``raw_data_from`` is then read from those sums and published by the same code as live sums, so every
# figure stays as it was. A rolling year up to a day that is no month end there is shown up to the
# nearest earlier month end instead (the result's ``as_of`` then differs from ``requested_as_of``).

YEAR, MONTH = StatisticsSnapshot.Kind.YEAR, StatisticsSnapshot.Kind.MONTH


def raw_data_from(organization_id: int) -> date | None:
    """The first day the individual rows are complete from: the retention job deleted the rows that
    ended earlier (None: it never deleted any)."""
    return (
        StatisticsVersion.objects.filter(organization_id=organization_id)
        .values_list("raw_data_from", flat=True)
        .first()
    )


def _is_frozen(as_of: date, frozen_from: date | None) -> bool:
    return frozen_from is not None and rolling_year(as_of).start < frozen_from


def _frozen_year(
    organization: Organization, as_of: date, frozen_from: date | None | Literal["ask"], counting: list[str]
) -> tuple[date, _Sums] | None:
    """(month end, frozen sums) for a rolling year up to ``as_of`` that begins before the rows still
    kept (``frozen_from``, the organisation's ``raw_data_from``; "ask": look it up): ``as_of`` itself
    when it is a month end, else the nearest earlier one. None when the rows are complete for the
    window, or when nothing was frozen that early (no deleted row was in it). ``counting``: the types
    that count for the percentage now (see ``_sums_from_json``)."""
    if frozen_from == "ask":
        frozen_from = raw_data_from(organization.pk)
    if not _is_frozen(as_of, frozen_from):
        return None
    snapshot = (
        StatisticsSnapshot.objects.filter(organization=organization, kind=YEAR, period__lte=as_of)
        .order_by("-period")
        .only("period", "figures")
        .first()
    )
    return None if snapshot is None else (snapshot.period, _sums_from_json(snapshot.figures, counting))


def _effective_as_of(
    organization: Organization, as_of: date, frozen_from: date | None | Literal["ask"]
) -> tuple[date, date | None]:
    """(the day the figures for ``as_of`` are given up to - see ``_frozen_year`` -, ``raw_data_from``)."""
    if frozen_from == "ask":
        frozen_from = raw_data_from(organization.pk)
    if not _is_frozen(as_of, frozen_from):
        return as_of, frozen_from
    period = (
        StatisticsSnapshot.objects.filter(organization=organization, kind=YEAR, period__lte=as_of)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return period or as_of, frozen_from


def _frozen_months(
    organization: Organization, periods: list[Period], frozen_from: date | None, counting: list[str]
) -> dict[int, _Sums]:
    """Frozen sums of the months among ``periods`` that begin before ``frozen_from``, by period index.
    A month without a snapshot there held no deleted row (the frozen months run without a gap up to
    the cut-off from the first one a deletion changed): its rows are all there."""
    old = [p for p in periods if frozen_from is not None and p.start < frozen_from]
    if not old:
        return {}
    stored = dict(
        StatisticsSnapshot.objects.filter(
            organization=organization, kind=MONTH, period__in=[p.start for p in old]
        ).values_list("period", "figures")
    )
    return {p.index: _sums_from_json(stored[p.start], counting) for p in old if p.start in stored}


def _sums_to_json(sums: _Sums) -> dict:
    """Aggregates only; Decimals as strings, so that they come back exactly (the same digits).

    Per unit and type (and ``ALL_TYPES``) also the number of distinct people the figures describe:
    what suppression decides by, so that the figures read back are hidden as they were. Counts per
    unit only, never who they are."""
    absence: dict[str, dict] = defaultdict(dict)
    for (unit_id, code), figures in sums.absence.items():
        absence[str(unit_id)][code] = [
            figures.spells,
            figures.calendar_days,
            str(figures.absence_weekday_hours),
            figures.people,
        ]
    bradford: dict[str, dict] = defaultdict(dict)
    for (unit_id, band), count in sums.bradford.items():
        bradford[str(unit_id)][str(band)] = count
    return {
        "working_days": sums.working_days,
        "bands": list(sums.bands),
        "population": {
            str(unit_id): [figures.employees, str(figures.weekday_hours)]
            for unit_id, figures in sums.population.items()
        },
        "absence": absence,
        "bradford": bradford,
        "people_types": list(sums.people_types),
    }


def _sums_from_json(data: dict, counting: list[str]) -> _Sums:
    """The sums frozen by ``_sums_to_json``. ``counting``: the types that count for the percentage now.
    When they are not those the snapshot counted the people of any of (``ALL_TYPES``) for, those people
    are unknown: the most people of one of the types stand in, never more than were (suppression then
    hides at least what the exact count would)."""
    population = {}
    for unit_id, (employees, weekday_hours) in data["population"].items():
        figures = population[int(unit_id)] = _Figures()
        figures.employees, figures.weekday_hours = employees, Decimal(weekday_hours)
    absence = {}
    for unit_id, types in data["absence"].items():
        for code, (spells, calendar_days, hours, people) in types.items():
            figures = absence[(int(unit_id), code)] = _Figures()
            figures.spells, figures.calendar_days = spells, calendar_days
            figures.absence_weekday_hours = Decimal(hours)
            figures.people = people
    if sorted(data["people_types"]) != sorted(counting):
        for unit_id in {unit_id for unit_id, _code in absence}:
            figures = absence.setdefault((unit_id, ALL_TYPES), _Figures())
            people = [absence[(unit_id, code)].people for code in counting if (unit_id, code) in absence]
            figures.people = max(people, default=0)
    bradford = {
        (int(unit_id), int(band)): count
        for unit_id, bands in data["bradford"].items()
        for band, count in bands.items()
    }
    return _Sums(data["working_days"], population, absence, bradford, data["bands"], list(counting))


def anyone_employed_by(organization: Organization, as_of: date) -> bool:
    """Whether anyone had started in the organisation by ``as_of``, also when retention has deleted
    them since (a frozen month end knows how many had)."""
    if _is_frozen(as_of, raw_data_from(organization.pk)):
        started = (
            StatisticsSnapshot.objects.filter(organization=organization, kind=YEAR, period=as_of)
            .values_list("figures__employees_started", flat=True)
            .first()
        )
        if started is not None:
            return started > 0
    return Employee.objects.filter(organization=organization, employment_start__lte=as_of).exists()


def _month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


def snapshots_to_freeze(
    organization: Organization, cutoff: date, first: date | None
) -> list[StatisticsSnapshot]:
    """Unsaved snapshots of the periods that deleting the rows ending before ``cutoff`` (and the
    employees who left before it) would change and that are not frozen yet, computed from the rows.

    ``first``: the first day a row about to be deleted covers (None: none is). The periods are those
    that begin before ``cutoff`` and end on or after ``first`` or the first day an earlier run froze:
    the rolling years up to every month end (from the one before, which holds no deleted row, so that
    an earlier day has a month end to fall back to) and the calendar months. Earlier periods do not
    change. Periods frozen by an earlier run stay as they are: their rows may be gone already.
    """
    frozen = set(StatisticsSnapshot.objects.filter(organization=organization).values_list("kind", "period"))
    earliest = min((period for kind, period in frozen if kind == YEAR), default=None)
    starts = [day for day in (first, earliest and earliest + timedelta(days=1)) if day is not None]
    if not starts:
        return []
    since = min(starts).replace(day=1)
    policy = policy_of(organization)
    counting = sorted(policy.types_for("percentage"))
    units = _units_in_scope(organization, None)
    # How many had started by a month end (the annual report has no section without anyone).
    starts_sorted = sorted(
        Employee.objects.filter(organization=organization).values_list("employment_start", flat=True)
    )
    snapshots = []
    month_end = since - timedelta(days=1)
    while rolling_year(month_end).start < cutoff:
        if (YEAR, month_end) not in frozen:
            _units, sums = _year_sums(organization, month_end, policy, units=units)
            started = bisect_right(starts_sorted, month_end)
            snapshots.append(
                StatisticsSnapshot(
                    organization=organization,
                    kind=YEAR,
                    period=month_end,
                    figures={**_sums_to_json(sums), "employees_started": started},
                )
            )
        month_end = _month_end(month_end + timedelta(days=1))
    months, month = [], since
    while month < cutoff:
        if (MONTH, month) not in frozen:
            months.append(Period(len(months), month, _month_end(month)))
        month = add_months(month, 1)
    for chunk in range(0, len(months), 24):
        periods = months[chunk : chunk + 24]
        with _reporting_transaction():
            _units, population, absence, working_days, _calendar = _compute(
                organization,
                periods,
                None,
                policy,
                spells=False,
                months=True,
                units=units,
                people_types=counting,
            )
        for p in periods:
            sums = _Sums(
                working_days=working_days[p.index],
                population={u: f for (idx, u), f in population.items() if idx == p.index},
                absence={(u, code): f for (idx, u, code), f in absence.items() if idx == p.index},
                bradford={},
                bands=list(policy.bradford_bands),
                people_types=counting,
            )
            snapshots.append(
                StatisticsSnapshot(
                    organization=organization, kind=MONTH, period=p.start, figures=_sums_to_json(sums)
                )
            )
    return snapshots
