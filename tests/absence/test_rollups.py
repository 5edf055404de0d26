"""The statistics read monthly rollups (``AbsenceMonth`` per employee, ``AbsenceUnitMonth`` per unit)
instead of the registrations.

The reference is the computation from the registrations themselves (``reading_raw_rows``): on random
data, every figure the statistics publish (hidden ones included, for the union side) is the same from
the units' rollups, from the employees' (``reading_employee_months``) and from the rows, also after
imports, edits, deletions, moved employees, a changed policy and retention; and the rollups kept up by
those writes are the ones a rebuild from the rows makes.
"""

from __future__ import annotations

import io
import random
from contextlib import nullcontext
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command

from apps.absence import services
from apps.absence.imports.applying import import_file
from apps.absence.models import (
    AbsenceMonth,
    AbsencePersonYear,
    AbsenceRegistration,
    AbsenceType,
    AbsenceUnitMonth,
    AbsenceUnitYear,
    AdvisoryPolicy,
    Employee,
    StatisticsVersion,
)
from apps.absence.retention import retention_apply
from apps.absence.rollups import month_rows, rollups_rebuild, rollups_refresh
from apps.absence.selectors import bradford_scores
from apps.absence.spells import WorkCalendar
from apps.absence.statistics.figures import _monthly_series, _unit_statistics, monthly_series, unit_statistics
from apps.absence.statistics.periods import Period, last_months
from apps.absence.statistics.queries import (
    PACK_BITS,
    absence_rows,
    reading_employee_months,
    reading_raw_rows,
    reporting_transaction,
)
from apps.absence.statistics.suppression import MonthPeople
from apps.absence.statistics.workdays import WorkingDays
from apps.absence.unit_rollups import policy_key
from tests.conftest import unit
from tests.factories import add_unit

from .test_retention import differences
from .test_statistics_views import add_employees

AS_OF_DAYS = [
    date(2025, 6, 30),
    date(2025, 11, 23),  # no month end: the window cuts months at both ends
    date(2026, 2, 28),
    date(2026, 3, 1),  # the window begins on the 2nd
    date(2026, 11, 23),
]


def _registrations(rng: random.Random, employee: Employee) -> list[AbsenceRegistration]:
    """Random absence of one employee inside the employment: spells that touch (of the same type: one
    spell, continued), cross month ends, are partial, and an ongoing one at the end now and then."""
    rows = []
    day = employee.employment_start + timedelta(days=rng.randrange(0, 60))
    last_day = employee.employment_end or date(2026, 11, 30)
    absence_type = rng.choice(AbsenceType.values)
    while day <= last_day:
        length = rng.choice([1, 1, 2, 3, 5, 9, 20, 45])
        end = min(day + timedelta(days=length - 1), last_day)
        ongoing = employee.employment_end is None and end >= date(2026, 9, 1) and rng.random() < 0.3
        rows.append(
            AbsenceRegistration(
                employee=employee,
                absence_type=absence_type,
                start_date=day,
                end_date=None if ongoing else end,
                fraction=rng.choice([Decimal("1"), Decimal("1"), Decimal("0.5"), Decimal("0.25")]),
            )
        )
        if ongoing:
            break
        touching = rng.random() < 0.25
        if not touching or rng.random() < 0.3:
            absence_type = rng.choice(AbsenceType.values)
        day = end + timedelta(days=1 if touching else rng.randrange(2, 90))
    return rows


@pytest.fixture
def staff(employer):
    """About 70 employees in a tree of nine units, with three years of random absence."""
    org = employer
    b = unit(org, "B")
    for code, parent in (("B1", b), ("B2", b), ("A2", unit(org, "A"))):
        add_unit(org, code, f"Unit {code}", parent=parent)
    add_unit(org, "B1a", "Team B1a", parent=unit(org, "B1"))
    return random_staff(org, list(org.units.all()), random.Random(17), 70)


def random_staff(org, units, rng: random.Random, count: int, prefix: str = "E") -> list[Employee]:
    """``count`` employees in ``units`` employed from 2022 on (a fifth of them leaving again), each with
    random absence (``_registrations``), their monthly rollups made."""
    employees = []
    for n in range(count):
        start = date(2022, 1, 1) + timedelta(days=rng.randrange(0, 900))
        end = start + timedelta(days=rng.randrange(200, 1400)) if rng.random() < 0.2 else None
        employees.append(
            Employee.objects.create(
                organization=org,
                unit=rng.choice(units),
                employee_number=f"{prefix}{n}",
                name=f"Person {n}",
                weekly_hours=rng.choice([Decimal("37"), Decimal("37"), Decimal("30"), Decimal("18.5")]),
                employment_start=start,
                employment_end=end if end and end < date(2026, 11, 30) else None,
            )
        )
    AbsenceRegistration.objects.bulk_create(r for e in employees for r in _registrations(rng, e))
    rollups_refresh(employee_ids=[e.pk for e in employees])
    return employees


def figures(org, *, with_units: bool = True) -> dict:
    """Everything the statistics publish for the days of ``AS_OF_DAYS``: the year per unit and type
    unsuppressed (HR) and suppressed (the union side), a unit's own, and the 24-month charts."""
    seen = {}
    some_unit = unit(org, "A")
    for as_of in AS_OF_DAYS:
        cache.clear()
        seen["hr", as_of] = _unit_statistics(org, as_of, suppress=False)
        seen["union", as_of] = _unit_statistics(org, as_of)
        if with_units:
            seen["unit", as_of] = _unit_statistics(org, as_of, unit=some_unit, suppress=False)
            seen["unit union", as_of] = _unit_statistics(org, as_of, unit=some_unit)
        seen["chart", as_of] = _monthly_series(org, as_of, suppress=False)
        seen["chart union", as_of] = _monthly_series(org, as_of)
    cache.clear()
    return seen


def assert_as_from_the_rows(org) -> None:
    # The units' rollups are there and made for the policy in force: the figures below read them.
    assert StatisticsVersion.objects.get(organization=org).unit_rollups == policy_key(org.advisory_policy)
    assert AbsenceUnitMonth.objects.filter(organization=org).exists()
    assert AbsencePersonYear.objects.filter(organization=org).exists()
    from_rollups = figures(org)
    with reading_raw_rows():
        from_rows = figures(org)
    with reading_employee_months():
        from_employee_months = figures(org)
    assert differences(from_rows, from_rollups) == []
    assert differences(from_rows, from_employee_months) == []
    # The comparison is about something: absence, spells and hidden cells are there.
    year = from_rollups["hr", date(2026, 2, 28)]["units"][0]["total"]
    assert year["spells"] > 0 and year["absence_days"] > 0
    union = from_rollups["union", date(2026, 2, 28)]["units"]
    assert any(t["suppressed"] for row in union for t in row["types"])


def stored(org) -> set[tuple]:
    return set(
        AbsenceMonth.objects.filter(organization=org).values_list(
            "employee_id", "unit_id", "absence_type", "month", "hours", "days", "starts", "continued"
        )
    )


def stored_units(org) -> set[tuple]:
    return (
        set(
            AbsenceUnitMonth.objects.filter(organization=org).values_list(
                "unit_id", "absence_type", "month", "people", "spells", "starts", "days", "hours"
            )
        )
        | set(
            AbsencePersonYear.objects.filter(organization=org).values_list(
                "unit_id", "employee_id", "absence_type", "year", "months"
            )
        )
        | set(
            AbsenceUnitYear.objects.filter(organization=org).values_list(
                "unit_id", "absence_type", "year", *(f"people_{month}" for month in range(1, 13))
            )
        )
    )


def assert_same_as_rebuilt(org) -> None:
    kept, kept_units = stored(org), stored_units(org)
    rollups_rebuild(organization=org)
    assert kept == stored(org)
    assert kept_units == stored_units(org)


def test_one_registration_across_two_months():
    employee = (1, 2, 3, Decimal("30.00"), date(2020, 1, 1), None)
    rows = month_rows(
        employee,
        [
            ("sick", date(2026, 1, 30), date(2026, 2, 2), Decimal("0.500")),
            ("sick", date(2026, 2, 3), date(2026, 2, 3), Decimal("0.500")),  # continues it
            ("child_sick", date(2026, 2, 5), date(2026, 2, 5), Decimal("1")),
        ],
    )
    january, february = 2026 * 12, 2026 * 12 + 1
    assert sorted(rows) == [
        (1, 2, 3, "child_sick", february, Decimal("30.00"), 0b10000, 0b10000, 0),
        (1, 2, 3, "sick", january, Decimal("15.00000"), 0b11 << 29, 1 << 29, 0),
        (1, 2, 3, "sick", february, Decimal("15.00000"), 0b111, 0, 0b100),
    ]


def test_absence_outside_the_employment_is_left_out():
    employee = (1, 2, 3, Decimal("37"), date(2026, 3, 10), date(2026, 3, 20))
    rows = month_rows(
        employee,
        [("sick", date(2026, 3, 18), date(2026, 3, 25), Decimal("1"))],
    )
    assert rows == [(1, 2, 3, "sick", 2026 * 12 + 2, Decimal("37"), 0b111 << 17, 1 << 17, 0)]


def test_a_registration_the_portal_adds_changes_and_deletes_keeps_the_rollups(employer, employee):
    registration = services.absence_register(
        employee=employee, absence_type="sick", start_date=date(2026, 3, 30), end_date=date(2026, 4, 2)
    )
    march, april = 2026 * 12 + 2, 2026 * 12 + 3
    assert sorted(AbsenceMonth.objects.values_list("month", "days")) == [(march, 0b11 << 29), (april, 0b11)]
    services.absence_update(
        registration=registration,
        absence_type="sick",
        start_date=date(2026, 3, 30),
        end_date=date(2026, 3, 31),
        fraction=Decimal("1"),
    )
    assert list(AbsenceMonth.objects.values_list("month", "days")) == [(march, 0b11 << 29)]
    services.absence_delete(registration=registration)
    assert not AbsenceMonth.objects.exists()


def test_the_rebuild_command_restores_the_rollups(employer, staff):
    kept = stored(employer)
    AbsenceMonth.objects.filter(employee=staff[0]).delete()
    AbsenceMonth.objects.filter(employee=staff[1]).update(days=0)
    out = io.StringIO()
    call_command("rebuild_absence_rollups", "--organization", employer.slug, stdout=out)
    assert stored(employer) == kept
    assert out.getvalue() == f"{employer.slug}: {len(kept)} monthly rows\n"


def test_the_rebuild_command_refuses_an_unknown_organisation(db):
    with pytest.raises(Exception, match="unknown organisation 'nobody'"):
        call_command("rebuild_absence_rollups", "--organization", "nobody")


def test_the_page_figures_come_from_the_rollups(employer, staff):
    """Rollups that disagree with the rows show: the statistics read them, not the rows."""
    as_of = date(2026, 2, 28)
    before = unit_statistics(employer, as_of, suppress=False)["units"][0]["total"]["calendar_days"]
    AbsenceMonth.objects.filter(organization=employer).delete()
    AbsenceUnitMonth.objects.filter(organization=employer).delete()
    cache.clear()
    after = unit_statistics(employer, as_of, suppress=False)["units"][0]["total"]["calendar_days"]
    assert before > 0 and after < before


@pytest.mark.parametrize("reading", [nullcontext, reading_employee_months, reading_raw_rows])
def test_the_packed_people_of_24_months_are_those_of_the_rows(employer, staff, reading):
    """``absence_rows(packed=True)`` (packed by the database on PostgreSQL, else here) holds each
    month's people of every unit and type at its own bits, as the plain rows count them."""
    periods = last_months(date(2025, 11, 23), 24)
    counting = sorted(employer.advisory_policy.types_for("percentage"))
    days = WorkingDays(WorkCalendar.for_policy(employer.advisory_policy), periods[0].start, periods[-1].end)
    options = {"spells": False, "months": True, "people_types": counting}
    with reading(), reporting_transaction():
        rows = absence_rows(days, employer, periods, None, **options)
        packed = absence_rows(days, employer, periods, None, packed=True, **options)
    people = MonthPeople()
    for unit_id, code, value in packed:
        people.packed[unit_id, code] = people.packed.get((unit_id, code), 0) + value
    expected: dict[tuple, int] = {}
    for idx, unit_id, code, *_sums, count in rows:
        expected[idx, unit_id, code] = expected.get((idx, unit_id, code), 0) + int(count)
    assert {key: people.get(key) for key in expected} == expected
    mask = (1 << PACK_BITS) - 1
    # Nothing more is packed than the rows hold (no bits beyond the 24 months' fields either).
    assert all(v >> (PACK_BITS * 24) == 0 for v in people.packed.values())
    assert sum((v >> (PACK_BITS * i)) & mask for v in people.packed.values() for i in range(24)) == sum(
        expected.values()
    )
    assert {code for _idx, _unit, code in expected} >= {"*", "sick"}
    assert {idx for idx, _unit, _code in expected} == set(range(24))


@pytest.mark.parametrize("spells", [True, False], ids=["spells", "no spells"])
def test_the_rows_of_any_period_are_those_of_the_registrations(employer, staff, spells):
    """``absence_rows`` for periods of every shape (inside one month, beginning on the 1st, across a
    new year, a whole month), all types or only some: the same sums and people as the registrations."""
    periods = [
        Period(0, date(2025, 11, 5), date(2025, 11, 20)),
        Period(1, date(2025, 3, 1), date(2026, 2, 28)),
        Period(2, date(2025, 12, 24), date(2026, 1, 6)),
        Period(3, date(2025, 2, 1), date(2025, 2, 28)),
        Period(4, date(2025, 11, 24), date(2026, 11, 23)),
    ]
    policy = employer.advisory_policy
    counting = sorted(policy.types_for("percentage"))
    days = WorkingDays(WorkCalendar.for_policy(policy), date(2025, 2, 1), date(2026, 11, 23))

    def summed(rows) -> dict:
        sums: dict[tuple, list] = {}
        for idx, unit_id, code, count, calendar_days, hours, people in rows:
            row = sums.setdefault((idx, unit_id, code), [0, 0, Decimal(0), 0])
            row[0] += int(count)
            row[1] += int(calendar_days)
            row[2] += Decimal(str(hours or 0))
            row[3] += int(people)
        return {
            key: (c, d, round(h, 4), p) for key, (c, d, h, p) in sums.items() if (c, d, h, p) != (0, 0, 0, 0)
        }

    for types in (None, counting, [*counting[:2], "holiday"]):
        options = {"spells": spells, "types": types, "people_types": counting}
        with reporting_transaction():
            from_rollups = summed(absence_rows(days, employer, periods, None, **options))
        with reading_raw_rows(), reporting_transaction():
            from_rows = summed(absence_rows(days, employer, periods, None, **options))
        assert from_rollups == from_rows, types
        assert {key[0] for key in from_rows} == {0, 1, 2, 3, 4}


def test_the_units_years_hold_the_people_of_their_months(employer, staff):
    """Each unit's year row holds the people of its month rows, month by month, and no more."""
    years = {
        (row.unit_id, row.absence_type, row.year): [getattr(row, f"people_{m}") for m in range(1, 13)]
        for row in AbsenceUnitYear.objects.filter(organization=employer)
    }
    months: dict[tuple, list[int]] = {}
    for row in AbsenceUnitMonth.objects.filter(organization=employer):
        months.setdefault((row.unit_id, row.absence_type, row.month // 12), [0] * 12)[row.month % 12] = (
            row.people
        )
    assert years == months and any(sum(people) for people in years.values())


@pytest.mark.postgres
def test_the_packed_people_of_24_months_come_from_the_units_years(employer, staff):
    """On PostgreSQL the packed people of whole months are read from the units' years: their rows
    changed behind the statistics' back show (only the ongoing registrations' people are left)."""
    periods = last_months(date(2025, 11, 23), 24)
    counting = sorted(employer.advisory_policy.types_for("percentage"))
    days = WorkingDays(WorkCalendar.for_policy(employer.advisory_policy), periods[0].start, periods[-1].end)
    options = {"spells": False, "months": True, "people_types": counting}
    mask = (1 << PACK_BITS) - 1

    def people() -> int:
        with reporting_transaction():
            packed = absence_rows(days, employer, periods, None, packed=True, **options)
        return sum((value >> (PACK_BITS * i)) & mask for _unit, _code, value in packed for i in range(24))

    before = people()
    AbsenceUnitYear.objects.filter(organization=employer).update(people_1=0, people_6=0, people_12=0)
    assert 0 < people() < before


def test_the_packed_people_decide_the_period_cells_as_the_plain_counts_do():
    """``period_cells`` walks back through the months of plain counts one by one and finds the same
    latest month with people in packed ones by bit arithmetic: the same cells, whatever the counts."""
    from apps.absence.statistics.suppression import period_cells

    rng = random.Random(3)
    for _round in range(200):
        plain: dict[tuple[int, int, str], int] = {}
        packed = MonthPeople()
        for unit_id in range(1, 5):
            for code in ("sick", "child_sick", "*"):
                for month in rng.sample(range(24), rng.choice([0, 1, 2, 5, 24])):
                    count = rng.choice([0, 1, 2, 4, 5, 9, 200])
                    plain[month, unit_id, code] = count
                    packed.add(month, unit_id, code, count)
        hidden = {(month, 2) for month in range(12, 24) if rng.random() < 0.05}
        units = [1, 2, 3, 4]
        assert period_cells(packed, hidden, units) == period_cells(plain, hidden, units)


def test_people_that_do_not_fit_their_bits_are_refused():
    people = MonthPeople()
    people.add(3, 1, "sick", 7)
    assert people.get((3, 1, "sick")) == 7 and people.get((2, 1, "sick")) == 0
    with pytest.raises(ValueError):
        people.add(4, 1, "sick", 1 << PACK_BITS)


@pytest.mark.parametrize("as_of", [date(2026, 2, 28), date(2025, 11, 23)], ids=["month end", "cut months"])
def test_the_years_figures_come_from_the_units_rollups_and_the_employees_years(employer, staff, as_of):
    """The rolling year reads its whole months' sums from the units' rollups and its people from the
    employees' years: either changed behind the statistics' back shows in the year's figures."""

    def year() -> dict:
        cache.clear()
        return _unit_statistics(employer, as_of, suppress=False)["units"][0]["total"]

    before = year()
    AbsenceUnitMonth.objects.filter(organization=employer).exclude(absence_type="*").update(days=0)
    after = year()
    assert after["calendar_days"] < before["calendar_days"]
    AbsencePersonYear.objects.filter(organization=employer).delete()
    assert year()["people"] < before["people"]


def test_the_month_figures_come_from_the_units_rollups(employer, staff):
    """Units' rollups that disagree with the employees' show in the chart: it reads the units'."""
    as_of = date(2026, 2, 28)

    def january_days() -> Decimal:
        chart = monthly_series(employer, as_of, suppress=False)
        return sum(c["months"][-2]["absence_days"] for c in chart if c["months"][-2]["absence_days"])

    before = january_days()
    AbsenceUnitMonth.objects.filter(organization=employer, month=2026 * 12).update(hours=0)
    cache.clear()
    assert before > 0 and january_days() == 0


def test_units_rollups_made_for_another_policy_are_not_read(employer, staff):
    """Counting types or days off changed behind the rollups' back (a bulk update, no save): the
    figures come from the employees' rollups, right, until the policy is saved and they are rebuilt."""
    as_of = date(2026, 2, 28)
    AdvisoryPolicy.objects.filter(organization=employer).update(extra_days_off=["12-24", "02-02"])
    AbsenceUnitMonth.objects.filter(organization=employer).update(hours=0, people=0)
    employer.refresh_from_db()
    expected = figures(employer, with_units=False)
    with reading_raw_rows():
        assert differences(figures(employer, with_units=False), expected) == []
    assert monthly_series(employer, as_of, suppress=False)[0]["months"][-2]["absence_days"]
    policy = AdvisoryPolicy.objects.get(organization=employer)
    policy.save()  # rebuilds them for the days off now in force
    assert StatisticsVersion.objects.get(organization=employer).unit_rollups == policy_key(policy)
    assert AbsenceUnitMonth.objects.filter(organization=employer, people=0).count() == 0
    assert differences(figures(employer, with_units=False), expected) == []


def test_a_policy_with_other_counting_types_rebuilds_the_units_rollups(employer, staff):
    policy = AdvisoryPolicy.objects.get(organization=employer)
    key = policy_key(policy)
    policy.type_settings = {**policy.type_settings, "child_sick": {"percentage": False}}
    policy.save()
    assert policy_key(policy) != key
    assert StatisticsVersion.objects.get(organization=employer).unit_rollups == policy_key(policy)
    employer.refresh_from_db()
    assert_as_from_the_rows(employer)


def test_an_employee_deleted_leaves_their_units_rollups(employer, staff):
    gone = next(e for e in staff if e.absence_months.exists())
    unit_id = gone.unit_id
    before = stored_units(employer)
    gone.delete()
    after = stored_units(employer)
    assert {row for row in before if row[0] == unit_id} != {row for row in after if row[0] == unit_id}
    assert_same_as_rebuilt(employer)


def test_an_employee_moved_across_refresh_chunks_keeps_the_rollups(employer, staff, monkeypatch):
    """A refresh of many units goes in chunks; an employee moved from a unit of a later chunk to one of
    an earlier chunk has their person years written under the new unit before the old unit's chunk
    comes: every chunk's rows go before any is written, or the new rows collide with the old ones."""
    from apps.absence import unit_rollups

    monkeypatch.setattr(
        unit_rollups.sql, "chunks", lambda ids, size=1: [ids[i : i + 1] for i in range(len(ids))]
    )
    moved = next(e for e in staff if e.absence_months.exists() and e.unit_id != unit(employer, "A").pk)
    target = min((u for u in employer.units.all() if u.pk < moved.unit_id), key=lambda u: u.pk)
    moved.unit = target
    moved.save(update_fields=["unit"])
    assert AbsencePersonYear.objects.filter(employee=moved).values_list(
        "unit_id", flat=True
    ).distinct().get() == (target.pk)
    assert_same_as_rebuilt(employer)


def _write_everything_once(org, staff, rng) -> None:
    """Every kind of write the statistics depend on: the portal's services, both imports (new and
    corrected registrations; employees moved, on other hours, employed longer), an employee saved
    in the admin, a registration deleted."""
    for employee in staff[:8]:
        registration = employee.registrations.filter(end_date__isnull=False).order_by("start_date").last()
        if registration is None:
            continue
        services.absence_update(
            registration=registration,
            absence_type=rng.choice(AbsenceType.values),
            start_date=registration.start_date,
            end_date=registration.start_date,
            fraction=Decimal("0.5"),
        )
    for employee in staff[8:14]:
        registration = employee.registrations.order_by("start_date").first()
        if registration is not None:
            services.absence_delete(registration=registration)
    lines = ["employee_number,absence_type,start_date,end_date,fraction"]
    for employee in staff[14:30]:
        if employee.employment_end is not None:
            continue
        last = employee.registrations.order_by("start_date").last()
        if last is None or last.end_date is None:
            continue
        lines.append(
            f"{employee.employee_number},sick,{last.end_date + timedelta(days=1)},"
            f"{last.end_date + timedelta(days=3)},1"
        )  # touches the last one
        lines.append(
            f"{employee.employee_number},{last.absence_type},{last.start_date},{last.end_date},0.5"
        )  # corrects it
    plan, result = import_file(
        organization=org, kind="absences", data="\n".join(lines).encode(), filename="absence.csv"
    )
    assert plan.ok, plan.messages()
    assert result.created and result.updated
    lines = ["employee_number,name,unit_code,leader_email,weekly_hours,employment_start,employment_end"]
    for employee in staff[30:40]:
        lines.append(
            f"{employee.employee_number},{employee.name},{rng.choice(['A1a', 'B1a', 'A2'])},,"
            f"{rng.choice(['37', '20'])},{employee.employment_start},"
        )
    plan, result = import_file(
        organization=org, kind="employees", data="\n".join(lines).encode(), filename="employees.csv"
    )
    assert plan.ok, plan.messages()
    assert result.updated
    moved = staff[40]
    moved.unit, moved.weekly_hours = unit(org, "B2"), Decimal("25")
    moved.save(update_fields=["unit", "weekly_hours"])
    # What the writes' refreshes kept is what a rebuild makes (the policy saved below rebuilds all).
    assert_same_as_rebuilt(org)
    policy = AdvisoryPolicy.objects.get(organization=org)
    policy.extra_days_off = [*policy.extra_days_off, "11-11"]
    policy.save()
    org.refresh_from_db()


@pytest.mark.postgres
def test_statistics_from_the_rollups_are_those_from_the_rows_on_postgresql(employer, staff):
    assert_same_as_rebuilt(employer)
    assert_as_from_the_rows(employer)
    _write_everything_once(employer, staff, random.Random(5))
    assert_same_as_rebuilt(employer)
    assert_as_from_the_rows(employer)
    retention_apply(as_of=date(2030, 3, 15), organization=employer)
    assert AbsenceRegistration.objects.filter(employee__organization=employer).exists()
    assert_same_as_rebuilt(employer)
    from_rollups = figures(employer)
    with reading_raw_rows():
        from_rows = figures(employer)
    assert differences(from_rows, from_rollups) == []


def test_statistics_from_the_rollups_are_those_from_the_rows(employer, staff):
    """The same on SQLite (the embedded default), before and after the writes."""
    assert_as_from_the_rows(employer)
    _write_everything_once(employer, staff, random.Random(5))
    assert_same_as_rebuilt(employer)
    assert_as_from_the_rows(employer)


@pytest.mark.parametrize("join_across", [False, True], ids=["touching", "across days off"])
def test_the_bradford_bands_are_those_of_each_employees_score(employer, staff, join_across):
    """Every unit's Bradford bands (its subtree) count the employees whose score (``bradford_scores``,
    spell by spell in Python) falls in each band: random absence with touching registrations of
    changing types, ongoing ones, employments ending, on both ways of joining spells."""
    policy = AdvisoryPolicy.objects.get(organization=employer)
    policy.join_across_non_working_days = join_across
    policy.save()
    employer.refresh_from_db()
    limits = list(policy.bradford_bands)
    units = list(employer.units.all())
    unit_of = dict(Employee.objects.filter(organization=employer).values_list("pk", "unit__path"))
    for as_of in AS_OF_DAYS:
        cache.clear()
        scores = bradford_scores(employer, as_of)
        rows = {r["unit_id"]: r for r in _unit_statistics(employer, as_of, suppress=False)["units"]}
        for u in units:
            expected = [0] * len(limits)
            for employee_id, score in scores.items():
                band = sum(1 for limit in limits if score >= limit)
                if band and unit_of[employee_id].startswith(u.path):
                    expected[band - 1] += 1
            assert rows[u.pk]["bradford"]["bands"][1:] == expected, (as_of, u.code)
    assert any(score >= limits[0] for score in bradford_scores(employer, date(2026, 11, 23)).values())


# (type, first day, last day or None: ongoing) per registration of one employee; the Bradford window
# as of 2026-11-23 begins on 2025-11-25.
BRADFORD_CASES = {
    "ongoing after a gap in the month of an ended one": [
        ("sick", date(2026, 3, 2), date(2026, 3, 4)),
        ("sick", date(2026, 3, 20), None),
    ],
    "ongoing of another type continuing one ended the day before, across a month end": [
        ("sick", date(2026, 10, 29), date(2026, 10, 31)),
        ("sick_partial", date(2026, 11, 1), None),
    ],
    "begun before the window; across a month end, continued by another type": [
        ("sick", date(2025, 11, 20), date(2025, 11, 27)),
        ("sick", date(2026, 1, 30), date(2026, 2, 2)),
        ("sick_partial", date(2026, 2, 3), date(2026, 2, 5)),
    ],
    "touching at a month end; a type Bradford does not count in between": [
        ("sick", date(2026, 5, 31), date(2026, 5, 31)),
        ("sick", date(2026, 6, 1), date(2026, 6, 2)),
        ("care_day", date(2026, 6, 3), date(2026, 6, 3)),
        ("sick", date(2026, 6, 4), date(2026, 6, 4)),
    ],
    "ongoing since before the window": [("sick", date(2025, 10, 1), None)],
    "one ended the day before the window, the next on its first day": [
        ("sick", date(2025, 11, 10), date(2025, 11, 24)),
        ("sick", date(2025, 11, 25), date(2025, 11, 26)),
        ("sick", date(2026, 11, 23), date(2026, 11, 23)),
    ],
}


@pytest.mark.parametrize("case", BRADFORD_CASES)
def test_the_bradford_score_from_the_rollups_is_each_employees_exactly(employer, case):
    """Bands of one employee with limits [score, score + 1] (the score from ``bradford_scores``, spell
    by spell from the rows): band 1 exactly when the statistics' S² × D is that score, from the
    rollups and from the rows."""
    as_of = date(2026, 11, 23)
    [employee] = add_employees(employer, "B", 1, sick=False)  # employed since 2020
    AbsenceRegistration.objects.bulk_create(
        AbsenceRegistration(employee=employee, absence_type=code, start_date=first, end_date=last)
        for code, first, last in BRADFORD_CASES[case]
    )
    rollups_refresh(employee_ids=[employee.pk])
    score = bradford_scores(employer, as_of)[employee.pk]
    policy = AdvisoryPolicy.objects.get(organization=employer)
    policy.bradford_bands = [score, score + 1]
    policy.save()
    employer.refresh_from_db()
    for reading in (reading_employee_months, reading_raw_rows):
        cache.clear()
        with reading():
            rows = _unit_statistics(employer, as_of, suppress=False)["units"]
        row = next(r for r in rows if r["code"] == "B")
        assert row["bradford"]["bands"] == [0, 1, 0], (reading.__name__, score)


@pytest.mark.django_db(transaction=True)
def test_migration_0017_makes_the_units_years_of_the_units_months_already_there(employer, staff):
    """Rollups made before the units' years existed get them from the migration, no rebuild needed."""
    from .test_notes_migration import migrate

    made = stored_units(employer)
    assert AbsenceUnitYear.objects.filter(organization=employer).exists()
    migrate([("absence", "0016_person_year")])
    migrate()
    assert stored_units(employer) == made
