"""Imports of units, employees and absences: every bad input of issue 6, in CSV and XLSX, whole file or
nothing, idempotent re-import (service level; the browser flow is in test_import_views.py)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from apps.absence.imports.applying import import_file
from apps.absence.imports.parsing import parse_import
from apps.absence.models import AbsenceRegistration, Employee, Spell
from apps.organizations.models import OrgUnit
from tests.conftest import unit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "absence"
ABSENCE_HEADER = ["employee_number", "absence_type", "start_date", "end_date", "fraction"]
EMPLOYEE_HEADER = [
    "employee_number",
    "name",
    "unit_code",
    "leader_email",
    "weekly_hours",
    "employment_start",
    "employment_end",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def make_file(fmt: str, header: list[str], rows: list[list]) -> tuple[bytes, str]:
    if fmt == "csv":
        lines = [",".join(header), *(",".join("" if v is None else str(v) for v in row) for row in rows)]
        return ("\n".join(lines) + "\n").encode("utf-8"), "file.csv"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), "file.xlsx"


def employee(org, number, unit_code="A1", start=date(2020, 1, 1)):
    return Employee.objects.create(
        organization=org,
        unit=unit(org, unit_code),
        employee_number=number,
        name=f"Person {number}",
        weekly_hours=Decimal("37"),
        employment_start=start,
    )


def absences(org, fmt, rows):
    data, name = make_file(fmt, ABSENCE_HEADER, rows)
    return import_file(organization=org, kind="absences", data=data, filename=name)


FORMATS = ["csv", "xlsx"]


@pytest.fixture
def staff(org, other_org):
    employee(org, "100")
    employee(org, "200", unit_code="B")
    leaving = employee(org, "300")
    leaving.employment_end = date(2026, 6, 30)
    leaving.save(update_fields=["employment_end"])
    employee(other_org, "900", unit_code="X")
    return org


# --- absences: bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["999", "sick", "2026-03-02", "2026-03-06", "1"], "line 2: unknown employee number '999'"),
        (["900", "sick", "2026-03-02", "2026-03-06", "1"], "line 2: unknown employee number '900'"),
        (
            ["100", "flu", "2026-03-02", "2026-03-06", "1"],
            "line 2: unknown absence type 'flu' (use one of “sick (Own illness)”, “sick_partial (Partial",
        ),
        (
            ["100", "sick", "2026-03-06", "2026-03-02", "1"],
            "line 2: the last day 02.03.2026 is before the first day 06.03.2026",
        ),
        (
            ["100", "sick", "2026-03-02", "2026-03-06", "0"],
            "line 2: share absent 0 must be more than 0 and at most 1",
        ),
        (["100", "sick", "2026-03-02", "2026-03-06", "1.5"], "line 2: share absent 1.5 must be more than 0"),
        (["100", "sick", "2026-03-02", "2026-03-06", "half"], "line 2: Share absent 'half' is not a number"),
        (
            ["100", "sick", "31.02.2026", "", "1"],
            "line 2: First day '31.02.2026' is not a valid date (DD-MM-YYYY, DD.MM.YYYY or YYYY-MM-DD)",
        ),
        (
            ["100", "sick", "2026-02-31", "", "1"],
            "line 2: First day '2026-02-31' is not a valid date (DD-MM-YYYY, DD.MM.YYYY or YYYY-MM-DD)",
        ),
        (
            ["100", "sick", "2026-02-01", "2026-02-30", "1"],
            "line 2: Last day '2026-02-30' is not a valid date (DD-MM-YYYY, DD.MM.YYYY or YYYY-MM-DD)",
        ),
        (
            ["100", "sick", "2019-01-01", "2019-01-02", "1"],
            "line 2: the first day 01.01.2019 is before employee 100 was employed (01.01.2020)",
        ),
        (
            ["300", "sick", "2026-06-25", "2026-07-03", "1"],
            "line 2: the absence runs past the end of employee 300's employment (30.06.2026)",
        ),
        (
            ["100", "sick", "2072-05-01", "2072-05-03", "1"],
            "line 2: the first day 01.05.2072 is more than a year ahead (",
        ),
        (["", "sick", "2026-02-01", "", "1"], "line 2: Employee number is missing"),
        (["100", "sick", "", "", "1"], "line 2: First day is missing"),
    ],
)
def test_bad_absence_row_imports_nothing(staff, fmt, row, message):
    good = ["200", "sick", "2026-01-05", "2026-01-09", "1"]
    plan, result = absences(staff, fmt, [row, good])
    assert result is None
    assert any(m.startswith(message) for m in plan.messages()), plan.messages()
    # The good row on line 3 was not imported either: whole file or nothing.
    assert AbsenceRegistration.objects.count() == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_bad_row_is_listed_with_its_line(staff, fmt):
    plan, result = absences(
        staff,
        fmt,
        [
            ["100", "sick", "2026-03-02", "2026-03-06", "1"],
            ["999", "sick", "2026-03-02", "2026-03-06", "1"],
            ["100", "sick", "2026-03-02", "", "0"],
            ["200", "flu", "31.02.2026", "", ""],
        ],
    )
    assert result is None
    lines = [e.line for e in plan.errors]
    assert 2 not in lines
    assert {3, 4, 5} <= set(lines)
    # Both problems of line 5 are reported, not only the first.
    assert len([e for e in plan.errors if e.line == 5]) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_overlapping_rows_in_the_file(staff, fmt):
    plan, result = absences(
        staff,
        fmt,
        [
            ["100", "sick", "2026-03-02", "2026-03-10", "1"],
            ["100", "child_sick", "2026-03-09", "2026-03-09", "1"],
            ["200", "sick", "2026-03-02", "", "1"],
            ["200", "sick", "2027-01-04", "2027-01-05", "1"],
        ],
    )
    assert result is None
    messages = plan.messages()
    assert any(m.startswith("line 3: overlaps line 2 for employee 100") for m in messages), messages
    assert any(m.startswith("line 5: overlaps line 4 for employee 200") for m in messages), messages
    assert AbsenceRegistration.objects.count() == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_overlap_with_an_existing_registration(staff, fmt):
    existing = Employee.objects.get(employee_number="100")
    AbsenceRegistration.objects.create(
        employee=existing, absence_type="sick", start_date=date(2026, 3, 1), end_date=date(2026, 3, 4)
    )
    plan, result = absences(staff, fmt, [["100", "care_day", "2026-03-04", "2026-03-04", "1"]])
    assert result is None
    assert plan.messages()[0].startswith(
        "line 2: overlaps an existing registration of employee 100 (own illness, 01.03.2026–04.03.2026)"
    )
    assert AbsenceRegistration.objects.count() == 1


def test_a_file_in_neither_utf8_nor_windows_1252_is_named(staff):
    data = b"employee_number,absence_type,start_date,end_date,fraction\n"
    data += b"100,sick,2026-03-02,,1\n\x81,sick,2026-03-02,,1\n"
    plan, result = import_file(organization=staff, kind="absences", data=data, filename="a.csv")
    assert result is None
    assert "neither UTF-8 nor Windows-1252" in plan.file_error
    assert "line 3" in plan.file_error
    assert AbsenceRegistration.objects.count() == 0


def test_utf8_garbled_by_a_wrong_save_is_refused_not_stored(staff):
    data = "employee_number;name;unit_code;leader_email;weekly_hours;employment_start;employment_end\n"
    data += "777;SÃ¸ren Ã†rÃ¸;A1;;37;2020-01-01;\n"
    plan, result = import_file(organization=staff, kind="employees", data=data.encode(), filename="e.csv")
    assert result is None
    assert "Line 2" in plan.file_error and "garbled" in plan.file_error
    assert not Employee.objects.filter(employee_number="777").exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (  # the template's own headers, one left out
            "Medarbejdernummer;Fraværstype;Sidste dag;Andel\r\n100;sick;06.03.2026;1\r\n",
            "Linje 1 (overskriftsrækken) mangler kolonnen/kolonnerne “Første dag”. "
            "Forventet: “Medarbejdernummer”,",
        ),
        (  # a separator the portal does not read
            "Medarbejdernummer|Fraværstype|Første dag|Sidste dag\r\n100|sick|02.03.2026|06.03.2026\r\n",
            "skilletegnet mellem kolonnerne blev ikke genkendt",
        ),
        (  # a units file chosen as absences
            "Enhedskode;Navn;Overordnet enhedskode\r\nA2;Ny enhed;A\r\n",
            "Overskriftsrækken er en fil med enheder",
        ),
    ],
)
def test_a_header_without_the_columns_says_which_in_the_users_words_and_why(staff, data, expected):
    with translation.override("da"):
        plan, result = import_file(organization=staff, kind="absences", data=data.encode(), filename="a.csv")
    assert result is None
    assert expected in plan.file_error, plan.file_error
    assert "start_date" not in plan.file_error and "employee_number" not in plan.file_error


def test_a_value_too_long_for_csv_is_refused_in_plain_words(staff):
    """A field past Python's CSV limit (131,072 characters): the error names the line and the limit in
    the user's language, not Python's English wording."""
    data = "Medarbejdernummer;Fraværstype;Første dag;Sidste dag;Andel;Note\r\n"
    data += "100;sick;02.03.2026;06.03.2026;1;ok\r\n"
    data += "100;sick;09.03.2026;10.03.2026;1;" + "x" * 200_000 + "\r\n"
    with translation.override("da"):
        plan, result = import_file(organization=staff, kind="absences", data=data.encode(), filename="a.csv")
    assert result is None
    assert plan.file_error.startswith("Linje 3 har en værdi på mere end 131.072 tegn"), plan.file_error
    assert "field limit" not in plan.file_error
    assert AbsenceRegistration.objects.count() == 0


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig"])
def test_danish_excel_csv_imports_as_it_is_saved(staff, encoding):
    """Semicolons, Danish headers, day-first dates, decimal commas, in Windows-1252 or UTF-8 (BOM or not)."""
    employees = (
        "Medarbejdernummer;Navn;Enhedskode;Leders e-mail;Ugentlige timer;Ansat fra;Ansat til\r\n"
        "500;Søren Ærø;A1;;37,5;01-02-2020;\r\n"
        "501;Åse Øby;A1;;18,5;1.2.2020;\r\n"
    )
    plan, result = import_file(
        organization=staff, kind="employees", data=employees.encode(encoding), filename="e.csv"
    )
    assert plan.ok, plan.messages()
    soren = Employee.objects.get(employee_number="500")
    assert soren.name == "Søren Ærø" and soren.weekly_hours == Decimal("37.5")
    assert soren.employment_start == date(2020, 2, 1)
    assert Employee.objects.get(employee_number="501").weekly_hours == Decimal("18.5")
    absences = "Medarbejdernummer;Fraværstype;Første dag;Sidste dag;Andel\r\n"
    absences += "500;Egen sygdom;02.03.2026;06.03.2026;0,5\r\n"
    plan, result = import_file(
        organization=staff, kind="absences", data=absences.encode(encoding), filename="a.csv"
    )
    assert plan.ok, plan.messages()
    registration = AbsenceRegistration.objects.get(employee=soren)
    assert (registration.absence_type, registration.start_date, registration.end_date) == (
        "sick",
        date(2026, 3, 2),
        date(2026, 3, 6),
    )
    assert registration.fraction == Decimal("0.5")


def test_a_thousands_separator_with_a_decimal_comma_is_one_number():
    from apps.absence.imports.parsing import _parse_decimal

    assert _parse_decimal("weekly_hours", "1.234,5") == Decimal("1234.5")
    assert _parse_decimal("weekly_hours", "37,5") == Decimal("37.5")


def test_norwegian_headers_and_type_names_are_understood(staff):
    employee(staff, "400")
    data = "Ansattnummer;Fraværstype;Fra dato;Til dato\n400;Egen sykdom;02.03.2026;03.03.2026\n"
    plan, result = import_file(
        organization=staff, kind="absences", data=data.encode("cp1252"), filename="a.csv"
    )
    assert plan.ok, plan.messages()
    assert AbsenceRegistration.objects.get().absence_type == "sick"


def test_utf16_is_named(staff):
    data = "employee_number,absence_type,start_date,end_date,fraction\n".encode("utf-16")
    plan, _result = import_file(organization=staff, kind="absences", data=data, filename="a.csv")
    assert "UTF-16" in plan.file_error


def test_utf8_bom_is_accepted(staff):
    data = (
        "\ufeffemployee_number,absence_type,start_date,end_date,fraction\n100,sick,2026-03-02,2026-03-03,\n"
    )
    plan, result = import_file(
        organization=staff, kind="absences", data=data.encode("utf-8"), filename="a.csv"
    )
    assert plan.ok and result.created == 1
    assert AbsenceRegistration.objects.get().fraction == Decimal("1")


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_columns(staff, fmt):
    data, name = make_file(
        fmt, ["employee_number", "absence_type", "start_date"], [["100", "sick", "2026-03-02"]]
    )
    plan, result = import_file(organization=staff, kind="absences", data=data, filename=name)
    assert result is None
    assert "missing the column(s) “Last day”" in plan.file_error
    assert "Line 1" in plan.file_error


def test_a_semicolon_file_is_read_like_a_comma_file(staff):
    data = b"employee_number;absence_type;start_date;end_date;fraction\n100;sick;2026-03-02;;1\n"
    plan, result = import_file(organization=staff, kind="absences", data=data, filename="a.csv")
    assert plan.ok and result.created == 1


def test_fraction_column_may_be_left_out(staff):
    data = b"employee_number,absence_type,start_date,end_date\n100,sick,2026-03-02,\n"
    plan, result = import_file(organization=staff, kind="absences", data=data, filename="a.csv")
    assert plan.ok, plan.messages()
    registration = AbsenceRegistration.objects.get()
    assert registration.end_date is None and registration.fraction == Decimal("1")


def test_row_with_too_many_values(staff):
    data = b"employee_number,absence_type,start_date,end_date,fraction\n100,sick,2026-03-02,,0,5\n"
    plan, result = import_file(organization=staff, kind="absences", data=data, filename="a.csv")
    assert result is None
    assert plan.messages()[0].startswith("line 2: has 6 values")


def test_broken_xlsx(staff):
    plan, result = import_file(
        organization=staff, kind="absences", data=b"PK\x03\x04broken", filename="a.xlsx"
    )
    assert result is None and "Excel" in plan.file_error


def test_other_file_types_are_refused(staff):
    plan, _result = import_file(organization=staff, kind="absences", data=b"%PDF-1.7", filename="a.pdf")
    assert "CSV" in plan.file_error


def test_empty_file(staff):
    plan, _result = import_file(organization=staff, kind="absences", data=b"", filename="a.csv")
    assert "empty" in plan.file_error
    plan, _result = import_file(
        organization=staff,
        kind="absences",
        data=b"employee_number,absence_type,start_date,end_date\n",
        filename="a.csv",
    )
    assert "no data rows" in plan.file_error


# --- absences: good files, re-import -----------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_import_then_reimport_changes_nothing(staff, fmt):
    rows = [
        ["100", "sick", "2026-03-02", "2026-03-06", "1"],
        ["100", "sick", "2026-03-07", "2026-03-10", ""],
        ["200", "sick_partial", "2026-02-02", "", "0.5"],
    ]
    plan, result = absences(staff, fmt, rows)
    assert plan.ok, plan.messages()
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    first = list(AbsenceRegistration.objects.order_by("pk").values())
    spells = list(Spell.objects.order_by("pk").values("employee_id", "start_date", "end_date"))
    # The two touching sick registrations are one spell (derived by the follow-up services).
    assert len([s for s in spells if s["employee_id"] == Employee.objects.get(employee_number="100").pk]) == 1
    plan, result = absences(staff, fmt, rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(AbsenceRegistration.objects.order_by("pk").values()) == first
    assert list(Spell.objects.order_by("pk").values("employee_id", "start_date", "end_date")) == spells


def test_reimport_with_a_later_end_updates_the_registration_and_its_spell(staff):
    absences(staff, "csv", [["200", "sick", "2026-02-02", "", "1"]])
    plan, result = absences(staff, "csv", [["200", "sick", "2026-02-02", "2026-02-13", "1"]])
    assert (result.created, result.updated) == (0, 1)
    assert AbsenceRegistration.objects.get().end_date == date(2026, 2, 13)
    assert Spell.objects.get().end_date == date(2026, 2, 13)


def test_correction_that_shortens_one_and_moves_into_the_gap(staff):
    absences(staff, "csv", [["100", "sick", "2026-03-02", "2026-03-20", "1"]])
    plan, result = absences(
        staff,
        "csv",
        [
            ["100", "sick", "2026-03-02", "2026-03-06", "1"],
            ["100", "care_day", "2026-03-09", "2026-03-09", "1"],
        ],
    )
    assert plan.ok, plan.messages()
    assert (result.created, result.updated) == (1, 1)


def test_xlsx_date_cells_and_numbers(staff):
    data = (FIXTURES / "absences.xlsx").read_bytes()
    for number in ("1001", "1002", "1003"):
        employee(staff, number)
    plan, result = import_file(organization=staff, kind="absences", data=data, filename="absences.xlsx")
    assert plan.ok, plan.messages()
    assert result.created == 5
    partial = AbsenceRegistration.objects.get(absence_type="sick_partial")
    assert partial.fraction == Decimal("0.5") and partial.end_date == date(2026, 2, 27)


# --- units ---------------------------------------------------------------------------------------


def units(org, text):
    return import_file(organization=org, kind="units", data=text.encode(), filename="units.csv")


def test_units_with_parents_after_children(org):
    plan, result = units(org, (FIXTURES / "units.csv").read_text())
    assert plan.ok, plan.messages()
    assert result.created == 3
    hje = OrgUnit.objects.get(organization=org, code="NK-SU-HJE")
    assert [u.code for u in OrgUnit.objects.get_ancestors(hje)] == ["NK", "NK-SU"]
    plan, result = units(org, (FIXTURES / "units.csv").read_text())
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)


@pytest.mark.parametrize(
    "parent_header", ["Overordnet enhedskode", "Overordnet enheds kode", "Overordnet enhetskode"]
)
def test_units_with_the_templates_parent_header_old_and_new(org, parent_header):
    plan, result = units(org, f"Enhedskode;Navn;{parent_header}\r\nA1b;Team A1b;A1\r\n")
    assert plan.ok, plan.messages()
    assert OrgUnit.objects.get_parent(OrgUnit.objects.get(organization=org, code="A1b")).code == "A1"


def test_units_update_name_and_move(org):
    plan, result = units(org, "code,name,parent_code\nA1a,Team A1a renamed,B\n")
    assert plan.ok, plan.messages()
    moved = OrgUnit.objects.get(organization=org, code="A1a")
    assert moved.name == "Team A1a renamed"
    assert OrgUnit.objects.get_parent(moved).code == "B"
    assert result.updated == 1


def test_unit_cycle_and_unknown_parent(org):
    plan, result = units(
        org, "code,name,parent_code\nC1,C one,C2\nC2,C two,C1\nC3,C three,NOPE\nC4,C four,C4\n"
    )
    assert result is None
    messages = plan.messages()
    assert any(m.startswith("line 2: unit 'C1' is part of a cycle") for m in messages), messages
    assert any(m.startswith("line 3: unit 'C2' is part of a cycle") for m in messages), messages
    assert "line 4: unknown parent unit code 'NOPE'" in messages
    assert any(m.startswith("line 5: unit 'C4' cannot be its own parent") for m in messages), messages
    assert not OrgUnit.objects.filter(code__startswith="C").exists()


def test_unit_cycle_with_existing_units(org):
    # A is the parent of A1 in the portal; making A a child of A1a would put A below itself.
    plan, result = units(org, "code,name,parent_code\nA,Area A,A1a\n")
    assert result is None
    assert plan.messages()[0].startswith("line 2: unit 'A' is part of a cycle")


def test_units_of_another_organisation_are_not_parents(org, other_org):
    plan, result = units(org, "code,name,parent_code\nZ,Zed,X\n")
    assert result is None
    assert plan.messages() == ["line 2: unknown parent unit code 'X'"]


def test_duplicate_unit_code(org):
    plan, result = units(org, "code,name,parent_code\nN,New,\nN,New again,\n")
    assert result is None
    assert plan.messages()[0].startswith("line 3: unit code 'N' appears twice (also on line 2)")


# --- employees -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_employees_import_and_reimport(org, leader, fmt):
    rows = [
        ["1", "Anna", "A1", "LEADER@example.org", "37", "2020-01-01", ""],
        ["2", "Bent", "B", "", "18.5", "2021-05-01", "2026-12-31"],
    ]
    data, name = make_file(fmt, EMPLOYEE_HEADER, rows)
    plan, result = import_file(organization=org, kind="employees", data=data, filename=name)
    assert plan.ok, plan.messages()
    assert result.created == 2
    anna = Employee.objects.get(employee_number="1")
    assert anna.leader == leader and anna.unit.code == "A1"
    assert Employee.objects.get(employee_number="2").weekly_hours == Decimal("18.5")
    plan, result = import_file(organization=org, kind="employees", data=data, filename=name)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    rows[1][2] = "A1a"
    data, name = make_file(fmt, EMPLOYEE_HEADER, rows)
    plan, result = import_file(organization=org, kind="employees", data=data, filename=name)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Employee.objects.get(employee_number="2").unit.code == "A1a"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["1", "Anna", "NOPE", "", "37", "2020-01-01", ""], "line 2: unknown unit code 'NOPE'"),
        (["1", "Anna", "X", "", "37", "2020-01-01", ""], "line 2: unknown unit code 'X'"),
        (
            ["1", "Anna", "A1", "hr-other@example.org", "37", "2020-01-01", ""],
            "line 2: leader's email 'hr-other@example.org' is not a user of this organisation",
        ),
        (["1", "Anna", "A1", "", "0", "2020-01-01", ""], "line 2: weekly hours 0 must be more than 0"),
        (["1", "Anna", "A1", "", "many", "2020-01-01", ""], "line 2: Weekly hours 'many' is not a number"),
        (
            ["1", "Anna", "A1", "", "37", "32-01-2020", ""],
            "line 2: Employed from '32-01-2020' is not a valid date (DD-MM-YYYY, DD.MM.YYYY or YYYY-MM-DD)",
        ),
        (
            ["1", "Anna", "A1", "", "37", "2020-01-01", "2019-01-01"],
            "line 2: the employment ends (01.01.2019) before it starts (01.01.2020)",
        ),
        (["1", "", "A1", "", "37", "2020-01-01", ""], "line 2: Name is missing"),
    ],
)
def test_bad_employee_row_imports_nothing(org, hr_user_other, fmt, row, message):
    good = ["2", "Bent", "B", "", "37", "2020-01-01", ""]
    data, name = make_file(fmt, EMPLOYEE_HEADER, [row, good])
    plan, result = import_file(organization=org, kind="employees", data=data, filename=name)
    assert result is None
    assert any(m.startswith(message) for m in plan.messages()), plan.messages()
    assert not Employee.objects.exists()


# --- commands --------------------------------------------------------------------------------------


def test_commands_import_the_sample_files(org, capsys):
    call_command("import_units", str(FIXTURES / "units.csv"), organization=org.slug)
    call_command("import_employees", str(FIXTURES / "employees.csv"), organization=org.slug)
    call_command("import_absences", str(FIXTURES / "absences.csv"), organization=org.slug)
    out = capsys.readouterr().out
    assert "units.csv: 3 created, 0 updated, 0 unchanged" in out
    assert "absences.csv: 5 created" in out
    assert AbsenceRegistration.objects.count() == 5
    call_command("import_absences", str(FIXTURES / "absences.csv"), organization=org.slug)
    assert "absences.csv: 0 created, 0 updated, 5 unchanged" in capsys.readouterr().out


def test_command_prints_errors_to_stderr_and_fails(staff, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(
        "employee_number,absence_type,start_date,end_date,fraction\n"
        "100,sick,2026-03-02,2026-03-06,1\n"
        "100,sick,2026-02-31,,1\n"
        "999,sick,2026-03-02,,1\n"
    )
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_absences", str(path), organization=staff.slug)
    err = capsys.readouterr().err
    assert "line 3: First day '2026-02-31' is not a valid date (DD-MM-YYYY, DD.MM.YYYY or YYYY-MM-DD)" in err
    assert "line 4: unknown employee number '999'" in err
    assert AbsenceRegistration.objects.count() == 0


def test_command_unknown_organisation(db):
    with pytest.raises(CommandError, match="unknown organisation"):
        call_command("import_units", str(FIXTURES / "units.csv"), organization="nope")


def test_parse_does_not_write(staff):
    data, name = make_file("csv", ABSENCE_HEADER, [["100", "sick", "2026-03-02", "", "1"]])
    plan = parse_import(staff, "absences", data, name)
    assert plan.ok and plan.counts()["create"] == 1
    assert AbsenceRegistration.objects.count() == 0


def test_many_new_units_under_new_and_existing_parents(org):
    text = (
        "code,name,parent_code\n"
        + "".join(f"N{n},New {n},{'N' if n % 2 else 'B'}\n" for n in range(1, 7))
        + "N,New root,\n"
    )
    plan, result = units(org, text)
    assert plan.ok, plan.messages()
    assert result.created == 7
    new_root = OrgUnit.objects.get(organization=org, code="N")
    assert sorted(u.code for u in OrgUnit.objects.get_children(new_root)) == ["N1", "N3", "N5"]
    b = OrgUnit.objects.get(organization=org, code="B")
    assert sorted(u.code for u in OrgUnit.objects.get_children(b)) == ["N2", "N4", "N6"]
    assert sorted(u.code for u in b.subtree()) == ["B", "N2", "N4", "N6"]


def test_excel_float_noise_does_not_break_reimport(staff):
    rows = [["100", "sick_partial", "2026-03-02", "2026-03-06", 0.1 + 0.2]]
    plan, result = absences(staff, "xlsx", rows)
    assert plan.ok, plan.messages()
    assert AbsenceRegistration.objects.get().fraction == Decimal("0.300")
    plan, result = absences(staff, "xlsx", rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_fraction_that_rounds_to_zero_is_refused(staff):
    plan, result = absences(staff, "csv", [["100", "sick", "2026-03-02", "", "0.0001"]])
    assert result is None
    assert plan.messages()[0].startswith("line 2: share absent 0.0001 must be more than 0")


@pytest.mark.parametrize("fmt", FORMATS)
def test_ongoing_absence_of_someone_leaving_is_accepted(staff, fmt):
    """Sick with no end yet while the employment ends on 30 June: the absence stops with it."""
    plan, result = absences(staff, fmt, [["300", "sick", "2026-04-01", "", "1"]])
    assert result is not None, plan.messages()
    assert AbsenceRegistration.objects.get().end_date is None
