"""manage.py absence_stats: the CSV columns of DESIGN.md exactly, a row per unit and type, a Bradford row."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.absence.models import AbsenceRegistration, Employee
from tests.conftest import unit

COLUMNS = ",".join(
    [
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
)
TYPES = [
    "sick",
    "sick_partial",
    "sick_s56",
    "pregnancy",
    "work_injury",
    "child_sick",
    "care_day",
    "senior_day",
    "parental",
]


def run(org, *extra):
    out = io.StringIO()
    call_command("absence_stats", *extra, organization=org.slug, as_of="2026-03-31", stdout=out)
    return out.getvalue()


@pytest.fixture
def sick_part_timer(org):
    employee = Employee.objects.create(
        organization=org,
        unit=unit(org, "A1"),
        employee_number="7",
        name="Person 7",
        weekly_hours=Decimal("18.5"),
        employment_start=date(2020, 1, 1),
    )
    AbsenceRegistration.objects.create(
        employee=employee, absence_type="sick", start_date=date(2026, 3, 2), end_date=date(2026, 3, 6)
    )
    return employee


def test_columns_and_rows(org, sick_part_timer):
    output = run(org)
    assert output.splitlines()[0] == COLUMNS
    rows = list(csv.DictReader(io.StringIO(output)))
    units = ["A", "A1", "A1a", "B"]
    assert [(r["unit_code"], r["absence_type"]) for r in rows] == [
        (code, kind) for code in units for kind in [*TYPES, "bradford"]
    ]
    a1_sick = next(r for r in rows if r["unit_code"] == "A1" and r["absence_type"] == "sick")
    # 18.5 hours a week: 5 days × 3.7 h = 18.5 h of 250 × 3.7 = 925 possible hours = 2 %.
    assert a1_sick == {
        "unit_code": "A1",
        "absence_type": "sick",
        "employees": "1",
        "fte": "0.50",
        "spells": "1",
        "calendar_days": "5",
        "absence_hours": "18.5",
        "possible_hours": "925.0",
        "absence_pct": "2.00",
        "days_per_fte": "5.00",
    }
    bradford = next(r for r in rows if r["unit_code"] == "A1" and r["absence_type"] == "bradford")
    assert bradford["employees"] == "0-50:1;51-200:0;201-400:0;401-600:0;601+:0"


def test_suppress_option_hides_small_groups(org, sick_part_timer):
    rows = list(csv.DictReader(io.StringIO(run(org, "--suppress"))))
    a1_sick = next(r for r in rows if r["unit_code"] == "A1" and r["absence_type"] == "sick")
    assert a1_sick["employees"] == "1" and a1_sick["absence_pct"] == "" and a1_sick["calendar_days"] == ""


def test_bad_arguments(org):
    with pytest.raises(CommandError, match="not a valid date"):
        call_command("absence_stats", organization=org.slug, as_of="31.03.2026")
    with pytest.raises(CommandError, match="unknown organisation"):
        call_command("absence_stats", organization="nope", as_of="2026-03-31")
    # Year 1 broke the month arithmetic with a traceback; the page refuses days before 2000 too.
    with pytest.raises(CommandError, match="2000-01-01 or later"):
        call_command("absence_stats", organization=org.slug, as_of="0001-06-15")
