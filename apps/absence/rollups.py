"""Monthly rollups of the absence registrations (``AbsenceMonth``), which the statistics read.

Every write of registrations or employees refreshes the rollups of the employees it touched, in its
own transaction: single saves through the receivers in ``signals.py``, bulk writes (imports, retention,
the demo) by calling ``rollups_refresh`` or ``rollups_rebuild`` themselves, and registration deletes in
``services.absence_delete``. ``manage.py rebuild_absence_rollups`` rebuilds them from the rows. Each
refresh also sums the units the employees' rows were and are in anew (``unit_rollups``).

A refresh recomputes the employee's rows whole, from all their ended registrations: whether a
registration continues an earlier one (and so starts no new spell) depends on its neighbours.

One case the rows and the rollups count differently, which the portal does not let arise: a
registration continuing one of its type that began more than a day before the employment (only an
employee import moving the employment start later leaves one). From the rows it starts a spell in any
window beginning between its first day and the employment's; from the rollups only in a window
beginning on the employment's first day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from decimal import Decimal

from apps.core.sql import analyze, insert_rows
from apps.organizations.models import Organization

from .models import (
    AbsenceMonth,
    AbsencePersonYear,
    AbsenceRegistration,
    AbsenceUnitMonth,
    AbsenceUnitYear,
    Employee,
)

BATCH = 5000
COLUMNS = [
    "organization_id",
    "employee_id",
    "unit_id",
    "absence_type",
    "month",
    "hours",
    "days",
    "starts",
    "continued",
]


def month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(number: int) -> date:
    return date(number // 12, number % 12 + 1, 1)


def day_bits(first: int, last: int) -> int:
    """The bits of days ``first``..``last`` of a month (1-based, both included)."""
    return ((1 << last) - 1) & ~((1 << (first - 1)) - 1)


def month_rows(
    employee: tuple[int, int, int, Decimal, date, date | None],
    registrations: Iterable[tuple[str, date, date, Decimal]],
) -> list[tuple]:
    """The ``AbsenceMonth`` rows (as tuples in ``COLUMNS`` order) of one employee.

    ``employee``: (organization id, employee id, unit id, weekly hours, employment start, employment
    end or None); ``registrations``: all their ended ones as (type, first day, last day, fraction).
    """
    organization_id, employee_id, unit_id, weekly_hours, employment_start, employment_end = employee
    registrations = list(registrations)
    ends = {(absence_type, end) for absence_type, _start, end, _fraction in registrations}
    rows: dict[tuple[str, int, Decimal], list[int]] = defaultdict(lambda: [0, 0, 0])
    for absence_type, start, end, fraction in registrations:
        first = max(start, employment_start)
        last = min(end, employment_end) if employment_end is not None else end
        if first > last:
            continue  # outside the employment: no figure counts it
        continues = (absence_type, start - timedelta(days=1)) in ends
        hours = weekly_hours * fraction
        day = first
        while day <= last:
            number = month_number(day)
            next_month = month_start(number + 1)
            until = min(last, next_month - timedelta(days=1))
            row = rows[(absence_type, number, hours)]
            row[0] |= day_bits(day.day, until.day)
            if day == first:
                row[2 if continues else 1] |= 1 << (day.day - 1)
            day = next_month
    return [
        (organization_id, employee_id, unit_id, absence_type, number, hours, *bits)
        for (absence_type, number, hours), bits in rows.items()
    ]


def rollup_rows(employees: Iterable[tuple], ended: dict[int, list[tuple]]) -> Iterator[tuple]:
    """The ``AbsenceMonth`` rows of these employees (tuples as ``month_rows`` takes them), given each
    one's ended registrations by employee id (the demo has them in memory, the others read them)."""
    for employee in employees:
        if ended.get(employee[1]):
            yield from month_rows(employee, ended[employee[1]])


def _employee_rows(employees: list[tuple]) -> list[tuple]:
    """The rows of these employees, from their registrations."""
    by_employee: dict[int, list[tuple]] = defaultdict(list)
    ids = [employee[1] for employee in employees]
    for offset in range(0, len(ids), BATCH):
        registrations = AbsenceRegistration.objects.filter(
            employee_id__in=ids[offset : offset + BATCH], end_date__isnull=False
        ).values_list("employee_id", "absence_type", "start_date", "end_date", "fraction")
        for employee_id, *registration in registrations.iterator(chunk_size=BATCH):
            by_employee[employee_id].append(tuple(registration))
    return list(rollup_rows(employees, by_employee))


def rollups_insert(rows: Iterable[tuple]) -> None:
    insert_rows(AbsenceMonth, COLUMNS, rows)


def _employees(queryset) -> list[tuple]:
    return list(
        queryset.values_list(
            "organization_id", "pk", "unit_id", "weekly_hours", "employment_start", "employment_end"
        )
    )


def rollups_refresh(*, employee_ids: Iterable[int]) -> None:
    """Recompute the rollups of these employees from their registrations, and those of the units their
    rows were and are in (call in the transaction of the write; employees that no longer exist simply
    lose theirs)."""
    from .unit_rollups import units_changed

    ids = sorted(set(employee_ids))
    units: dict[int, set[int]] = defaultdict(set)
    for offset in range(0, len(ids), BATCH):
        chunk = ids[offset : offset + BATCH]
        old = AbsenceMonth.objects.filter(employee_id__in=chunk)
        for organization_id, unit_id in old.values_list("organization_id", "unit_id").distinct():
            units[organization_id].add(unit_id)
        old.delete()
        employees = _employees(Employee.objects.filter(pk__in=chunk))
        for organization_id, _pk, unit_id, *_rest in employees:
            units[organization_id].add(unit_id)
        rollups_insert(_employee_rows(employees))
    for organization_id, unit_ids in units.items():
        units_changed(organization_id, unit_ids)


def rollups_rebuild(*, organization: Organization) -> int:
    """Recompute every rollup of the organisation from the rows, the units' too (``unit_rollups``);
    returns the number of employees' rows written."""
    from .selectors import policy_for
    from .unit_rollups import unit_rollups_rebuild

    AbsenceMonth.objects.filter(organization=organization).delete()
    employees = _employees(Employee.objects.filter(organization=organization).order_by("pk"))
    written = 0
    for offset in range(0, len(employees), BATCH):
        rows = _employee_rows(employees[offset : offset + BATCH])
        rollups_insert(rows)
        written += len(rows)
    # A rebuilt table is mostly new rows: without fresh statistics PostgreSQL plans the statistics'
    # reads for a handful of rows (nested loops, sorts on disk) until autovacuum gets to it.
    analyze(AbsenceMonth)
    unit_rollups_rebuild(organization.pk, policy_for(organization))
    analyze(AbsenceUnitMonth, AbsenceUnitYear, AbsencePersonYear)
    return written
