"""A unit of 29 in which one person was on partial sick leave and one on parental leave: the union
side (a shop steward, a MED member) sees neither the spells nor the days of those two, on the
statistics page, in its chart, in the CSV or in the annual report; HR and the unit's own leader do."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.absence.models import AbsenceType
from apps.absence.report import build_section
from tests.conftest import unit
from tests.factories import EmployeeFactory, register_absence
from tests.reports.pdftools import text as pdf_text

AS_OF = "2026-11-30"


@pytest.fixture
def municipality(org):
    org.kind = "employer"
    org.save(update_fields=["kind"])
    people = [EmployeeFactory(unit=unit(org, "A1"), name=f"Medarbejder {n}") for n in range(29)]
    for person in people[:20]:  # own illness: 20 people, 3 days each
        register_absence(person, date(2026, 3, 2), date(2026, 3, 4))
    # One person on partial sick leave for 35 days, one on parental leave for 123 days.
    register_absence(
        people[20], date(2026, 8, 1), date(2026, 9, 4), absence_type=AbsenceType.SICK_PARTIAL, fraction="0.5"
    )
    register_absence(people[21], date(2026, 5, 1), date(2026, 8, 31), absence_type=AbsenceType.PARENTAL)
    return org


def page(client, org):
    return client.get(reverse("absence:statistics", args=[org.slug]), {"as_of": AS_OF, "unit": "A1"})


COLUMNS = ["unit", "type", "employees", "fte", "spells", "calendar_days", "absence_hours", "possible_hours"]
LABELS = {"sick": "Egen sygdom", "sick_partial": "Delvis sygemelding", "parental": "Barsel"}


def csv_lines(client, org) -> dict[str, dict]:
    """Unit A1's lines of the CSV export (in Danish, ";"-separated), by absence type code."""
    response = client.get(reverse("absence:statistics_csv", args=[org.slug]), {"as_of": AS_OF})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff")), delimiter=";"))
    by_label = {
        row[1]: dict(zip([*COLUMNS, "absence_pct", "days_per_fte"], row, strict=True))
        for row in rows
        if row[0] == "A1"
    }
    return {code: by_label[label] for code, label in LABELS.items()}


def type_row(html: str, label: str) -> str:
    """The table row of one absence type in the unit A1's table, as text."""
    section = html[html.index('id="unit-') :]
    row = re.search(rf"<th scope=\"row\">{re.escape(label)}</th>(.*?)</tr>", section, re.S)
    assert row, label
    return row.group(1)


@pytest.mark.parametrize("fixture", ["shop_steward", "med_member"])
def test_the_union_side_sees_neither_count_nor_days_of_one_person(request, login, municipality, fixture):
    client = login(request.getfixturevalue(fixture))
    response = page(client, municipality)
    assert response.status_code == 200
    a1 = next(u for u in response.context["stats"]["units"] if u["code"] == "A1")
    types = {g["absence_type"]: g for g in a1["types"]}
    for code in ("sick_partial", "parental"):
        assert types[code]["suppressed"]
        assert types[code]["spells"] is None and types[code]["calendar_days"] is None
        assert types[code]["people"] is None
    html = response.content.decode()
    for label in ("Delvis sygemelding", "Barsel"):
        cells = type_row(html, label)
        assert "skjult" in cells and not re.search(r"\d", cells), cells
    assert "færre end 5 personer" in html  # the explanation of "–"
    # The chart: the months in which only the person on partial sick leave was away are hidden.
    chart = next(c for c in response.context["charts"] if c["code"] == "A1")
    months = {m["month"]: m for m in chart["months"]}
    for month in (date(2026, 8, 1), date(2026, 9, 1)):
        assert months[month]["suppressed"] and months[month]["absence_pct"] is None
    assert not months[date(2026, 3, 1)]["suppressed"]  # 20 people: shown
    august = re.search(r"<th scope=\"row\">[Aa]ugust 2026</th>(.*?)</tr>", html, re.S)
    assert august and "skjult" in august.group(1) and not re.search(r"\d", august.group(1))
    # The CSV: empty cells for both types.
    lines = csv_lines(client, municipality)
    for code in ("sick_partial", "parental"):
        assert lines[code]["spells"] == "" and lines[code]["calendar_days"] == ""
        assert lines[code]["absence_hours"] == "" and lines[code]["absence_pct"] == ""


@pytest.mark.parametrize("fixture", ["hr_user", "leader"])
def test_hr_and_the_units_leader_see_them(request, login, municipality, fixture):
    client = login(request.getfixturevalue(fixture))
    response = page(client, municipality)
    a1 = next(u for u in response.context["stats"]["units"] if u["code"] == "A1")
    types = {g["absence_type"]: g for g in a1["types"]}
    assert (types["sick_partial"]["spells"], types["sick_partial"]["calendar_days"]) == (1, 35)
    assert (types["parental"]["spells"], types["parental"]["calendar_days"]) == (1, 123)
    cells = type_row(response.content.decode(), "Barsel")
    assert "123" in cells and "skjult" not in cells
    lines = csv_lines(client, municipality)
    assert lines["sick_partial"]["calendar_days"] == "35" and lines["parental"]["calendar_days"] == "123"


def test_the_annual_report_hides_the_sick_days_of_one_person(municipality, tmp_path):
    """The report reaches the union side whoever builds it: suppressed for everyone."""
    section = build_section(municipality, 2026)
    row = next(r for r in section.data["rows"] if r["code"] == "A1")
    assert not row["suppressed"] and row["employees"] == 29
    assert row["sick_days"] is None  # 60 days of own illness + 35 of partial sick leave
    output = tmp_path / "report.pdf"
    call_command("annual_report", "--organization", municipality.slug, "--year", "2026", "--output", output)
    text = pdf_text(output)
    line = next(line for line in text.splitlines() if "Department A1" in line)
    assert "vises ikke" in line and "95" not in line and "35" not in line
    assert "123" not in text


def test_the_union_side_cannot_subtract_two_neighbouring_days(login, municipality, shop_steward, hr_user):
    """Figures as of 15 and 16 September would differ by that one day's absence (the person on
    partial sick leave was back on 5 September; one day is enough to point at someone): the union
    side gets the figures as of the end of the last whole month for both, HR those of the day."""
    steward = login(shop_steward)
    url = reverse("absence:statistics", args=[municipality.slug])
    one_day = date(2026, 8, 20)
    register_absence(EmployeeFactory(unit=unit(municipality, "A1"), name="Ny medarbejder"), one_day, one_day)
    pages = [steward.get(url, {"as_of": day, "unit": "A1"}) for day in ("2026-08-19", "2026-08-20")]
    assert [p.context["as_of"] for p in pages] == [date(2026, 7, 31)] * 2
    assert pages[0].context["stats"] == pages[1].context["stats"]
    assert "hele måneder" in pages[0].content.decode()
    csv_url = reverse("absence:statistics_csv", args=[municipality.slug])
    files = [steward.get(csv_url, {"as_of": day}).content for day in ("2026-08-19", "2026-08-20")]
    assert (
        files[0] == files[1]
        and b"2026-07-31" in steward.get(csv_url, {"as_of": "2026-08-20"})["Content-Disposition"].encode()
    )
    # HR sees the day itself.
    assert login(hr_user).get(url, {"as_of": "2026-08-20"}).context["as_of"] == one_day
