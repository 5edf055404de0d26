"""Monthly rollups of units (``AbsenceUnitMonth``): the employees' monthly rollups (``AbsenceMonth``)
summed per unit, type and calendar month, which the month-by-month figures read (the chart) and the
whole months of the rolling year; their people a row per unit, type and year (``AbsenceUnitYear``),
for the 24 months whose people decide what suppression hides around the rolling year; with them the
months with absence per employee, type and year (``AbsencePersonYear``), which the rolling year's
distinct people are counted from.

They are kept from ``AbsenceMonth``, never from the registrations: every write that refreshes an
employee's monthly rows refreshes the units those rows were and are in (``rollups.rollups_refresh``),
an employee deleted refreshes their unit, and ``rollups_rebuild`` rebuilds both. Their hours count
the working days of one calendar, and their type ``*`` the people of one set of types counting for the
percentage: both the policy's when they were made. ``rollups_key`` names the two; the organisation's
``StatisticsVersion.unit_rollups`` holds the key they were made for, a policy saved with another
rebuilds them, and the statistics read them only under the key of the policy in force (otherwise,
and for organisations that never had them built, they read ``AbsenceMonth`` as before).

Writes of one organisation are serialised on its ``StatisticsVersion`` row, which every write the
statistics depend on updates anyway (``bump_statistics_version``).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from uuid import uuid4

import holidays
from django.db import connection, transaction
from django.db.models import Max, Min

from apps.core import sql
from apps.organizations.models import Organization

from .models import (
    AbsenceMonth,
    AbsencePersonYear,
    AbsenceUnitMonth,
    AbsenceUnitYear,
    AdvisoryPolicy,
    StatisticsVersion,
)
from .rollups import month_start
from .selectors import policy_for
from .spells import WorkCalendar

# Raise when what the rows hold changes: rollups made under the old format are not read again.
FORMAT = 2
ALL_COUNTING = "*"


def rollups_key(counting: Iterable[str], calendar: WorkCalendar) -> str:
    """The key of unit rollups made with these counting types and this calendar (the public holidays of
    the installed ``holidays`` release, the organisation's extra days off)."""
    raw = json.dumps([FORMAT, holidays.__version__, sorted(counting), sorted(calendar.extra)])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def policy_key(policy: AdvisoryPolicy) -> str:
    return rollups_key(policy.types_for("percentage"), WorkCalendar.for_policy(policy))


def _stamp(organization_id: int, *, lock: bool) -> str | None:
    """The key the organisation's unit rollups were made for ("" or None: there are none)."""
    versions = StatisticsVersion.objects.filter(organization_id=organization_id)
    if lock and connection.vendor == "postgresql":
        versions = versions.select_for_update()
    return versions.values_list("unit_rollups", flat=True).first()


def units_key(organization_id: int) -> str:
    """The key the organisation's unit rollups were made for ("": there are none)."""
    return _stamp(organization_id, lock=False) or ""


def _working_bits(calendar: WorkCalendar, first: int, last: int) -> str:
    """VALUES of (month number, its working days as bits) for the months ``first``..``last``."""
    values = []
    for number in range(first, last + 1):
        start = month_start(number)
        bits, day = 0, start
        while day.month == start.month:
            if calendar.is_working_day(day):
                bits |= 1 << (day.day - 1)
            day += timedelta(days=1)
        values.append(f"({number}, {bits})")
    return ", ".join(values)


def _insert(organization_id: int, policy: AdvisoryPolicy, unit_ids: list[int] | None) -> int:
    """Sum the organisation's ``AbsenceMonth`` rows (of ``unit_ids`` only, unless None) into unit rows
    and into the employees' years (``AbsencePersonYear``); returns the number of unit rows."""
    months = AbsenceMonth.objects.filter(organization_id=organization_id)
    if unit_ids is not None:
        months = months.filter(unit_id__in=unit_ids)
    bounds = months.aggregate(first=Min("month"), last=Max("month"))
    if bounds["first"] is None:
        return 0
    counting = policy.types_for("percentage")
    unit_in = f"unit_id IN ({', '.join(['%s'] * len(unit_ids))})" if unit_ids is not None else ""
    unit_where = f"AND am.{unit_in}" if unit_in else ""
    scope = [organization_id, *(unit_ids or [])]
    counting_where = (
        f"AND am.absence_type IN ({', '.join(['%s'] * len(counting))})" if counting else "AND 1 = 0"
    )
    calendar = WorkCalendar.for_policy(policy)
    table, months_table = AbsenceUnitMonth._meta.db_table, AbsenceMonth._meta.db_table
    # A whole month's spells: the registrations beginning in it that continue none (``starts``), and
    # one more when the month's first day is covered by one that began earlier or continues one (as the
    # statistics' rollup query counts them for a period beginning on the 1st). Only table names and
    # integers computed here are interpolated; values go in as parameters.
    query = f"""
        WITH cal(m, working) AS (VALUES {_working_bits(calendar, bounds["first"], bounds["last"])})
        INSERT INTO {table} (organization_id, unit_id, absence_type, month, people, spells, starts, days,
                             hours)
        SELECT am.organization_id, am.unit_id, am.absence_type, am.month, COUNT(DISTINCT am.employee_id),
               SUM({sql.popcount("am.starts")}
                   + CASE WHEN (am.continued & 1) <> 0 OR (am.days & 1 & ~am.starts & ~am.continued) <> 0
                          THEN 1 ELSE 0 END),
               SUM({sql.popcount("am.starts")}),
               SUM({sql.popcount("am.days")}), SUM({sql.popcount("am.days & cal.working")} * am.hours)
        FROM {months_table} am JOIN cal ON cal.m = am.month
        WHERE am.organization_id = %s {unit_where}
        GROUP BY am.organization_id, am.unit_id, am.absence_type, am.month
        UNION ALL
        SELECT am.organization_id, am.unit_id, '{ALL_COUNTING}', am.month, COUNT(DISTINCT am.employee_id),
               0, 0, 0, 0
        FROM {months_table} am
        WHERE am.organization_id = %s {unit_where} {counting_where}
        GROUP BY am.organization_id, am.unit_id, am.month
    """  # noqa: S608
    # Each month row marks its month in the row of its year (bits 12..23) and of the year after (bits
    # 0..11); an employee's rows are all in their one unit.
    years = f"""
        INSERT INTO {AbsencePersonYear._meta.db_table}
            (organization_id, unit_id, employee_id, absence_type, year, months)
        SELECT t.organization_id, MAX(t.unit_id), t.employee_id, t.absence_type, t.year,
               {sql.bit_or("t.bits")}
        FROM (
            SELECT am.organization_id, am.unit_id, am.employee_id, am.absence_type,
                   am.month / 12 + k.later AS year, 1 << (am.month %% 12 + 12 - 12 * k.later) AS bits
            FROM {months_table} am CROSS JOIN (SELECT 0 AS later UNION ALL SELECT 1) k
            WHERE am.organization_id = %s {unit_where}
            UNION ALL
            SELECT am.organization_id, am.unit_id, am.employee_id, '{ALL_COUNTING}',
                   am.month / 12 + k.later, 1 << (am.month %% 12 + 12 - 12 * k.later)
            FROM {months_table} am CROSS JOIN (SELECT 0 AS later UNION ALL SELECT 1) k
            WHERE am.organization_id = %s {unit_where} {counting_where}
        ) t
        GROUP BY t.organization_id, t.employee_id, t.absence_type, t.year
    """  # noqa: S608
    unit_years = unit_years_sql(f"AND um.{unit_in}" if unit_in else "")
    with connection.cursor() as cursor:
        cursor.execute(query, [*scope, *scope, *counting])
        written = cursor.rowcount
        cursor.execute(years, [*scope, *scope, *counting])
        cursor.execute(unit_years, scope)
    return written


def unit_years_sql(unit_where: str = "") -> str:
    """The INSERT of the ``AbsenceUnitYear`` rows of one organisation's ``AbsenceUnitMonth`` rows (a
    placeholder for the organisation, then those of ``unit_where`` on ``um``; migration 0017 holds a
    frozen copy for the rollups made before it)."""
    # month % 12 written out: the same SQL on every database, in a migration too.
    columns = ", ".join(f"people_{month}" for month in range(1, 13))
    people = ", ".join(
        f"SUM(CASE WHEN um.month - um.month / 12 * 12 = {month - 1} THEN um.people ELSE 0 END)"
        for month in range(1, 13)
    )
    return f"""
        INSERT INTO {AbsenceUnitYear._meta.db_table} (organization_id, unit_id, absence_type, year, {columns})
        SELECT um.organization_id, um.unit_id, um.absence_type, um.month / 12, {people}
        FROM {AbsenceUnitMonth._meta.db_table} um
        WHERE um.organization_id = %s {unit_where}
        GROUP BY um.organization_id, um.unit_id, um.absence_type, um.month / 12
    """  # noqa: S608 - table and column names only


def unit_rollups_rebuild(organization_id: int, policy: AdvisoryPolicy) -> int:
    """Make the organisation's unit rollups anew for ``policy``; returns the number of rows written."""
    with transaction.atomic():
        StatisticsVersion.objects.get_or_create(
            organization_id=organization_id, defaults={"token": uuid4().hex}
        )
        _stamp(organization_id, lock=True)
        AbsenceUnitMonth.objects.filter(organization_id=organization_id).delete()
        AbsencePersonYear.objects.filter(organization_id=organization_id).delete()
        AbsenceUnitYear.objects.filter(organization_id=organization_id).delete()
        written = _insert(organization_id, policy, None)
        StatisticsVersion.objects.filter(organization_id=organization_id).update(
            unit_rollups=policy_key(policy)
        )
    return written


def unit_rollups_refresh(organization_id: int, unit_ids: Iterable[int]) -> None:
    """Sum these units' rows anew from ``AbsenceMonth``, if the organisation has unit rollups."""
    ids = sorted(set(unit_ids))
    if not ids:
        return
    with transaction.atomic():
        stamp = _stamp(organization_id, lock=True)
        if not stamp:
            return
        policy = policy_for(Organization(pk=organization_id))
        if stamp != policy_key(policy):  # made for another policy: not read, rebuilt when it is saved
            return
        # Every chunk's rows go before any is written: an employee moved between units of two chunks
        # has one person-year row per type and year, under the old unit until its chunk is deleted.
        chunks = list(sql.chunks(ids))
        for chunk in chunks:
            AbsenceUnitMonth.objects.filter(unit_id__in=chunk).delete()
            AbsencePersonYear.objects.filter(unit_id__in=chunk).delete()
            AbsenceUnitYear.objects.filter(unit_id__in=chunk).delete()
        for chunk in chunks:
            _insert(organization_id, policy, list(chunk))


_PENDING: ContextVar[dict[int, set[int]] | None] = ContextVar("absence_unit_rollups_pending", default=None)


def units_changed(organization_id: int, unit_ids: Iterable[int]) -> None:
    """The monthly rows of employees in these units changed: refresh the units now, or at the end of
    the enclosing ``refreshing_units_at_end`` block."""
    pending = _PENDING.get()
    if pending is None:
        unit_rollups_refresh(organization_id, unit_ids)
    else:
        pending[organization_id].update(unit_ids)


@contextmanager
def refreshing_units_at_end() -> Iterator[None]:
    """Collect the units that writes inside change and refresh each once when the block ends without an
    error (bulk writes: an import, retention deleting employees one signal at a time)."""
    if _PENDING.get() is not None:
        yield
        return
    pending: dict[int, set[int]] = defaultdict(set)
    token = _PENDING.set(pending)
    try:
        yield
    finally:
        _PENDING.reset(token)
    for organization_id, unit_ids in pending.items():
        unit_rollups_refresh(organization_id, unit_ids)
