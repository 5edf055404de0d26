"""The statistics page, its htmx fragment and CSV export: permissions, suppression, query count."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from apps.absence.models import AbsenceRegistration, Employee
from apps.absence.rollups import rollups_refresh
from apps.organizations.models import Role
from tests.conftest import _user_with, unit

AS_OF = "2026-03-31"


def url(org, name="statistics"):
    return reverse(f"absence:{name}", args=[org.slug])


def add_employees(org, unit_code, count, start_number=0, sick=True):
    employees = Employee.objects.bulk_create(
        Employee(
            organization=org,
            unit=unit(org, unit_code),
            employee_number=f"{unit_code}-{start_number + n}",
            name=f"Person {n}",
            weekly_hours=Decimal("37"),
            employment_start=date(2020, 1, 1),
        )
        for n in range(count)
    )
    if sick:
        AbsenceRegistration.objects.bulk_create(
            AbsenceRegistration(
                employee=e, absence_type="sick", start_date=date(2026, 3, 2), end_date=date(2026, 3, 6)
            )
            for e in employees
        )
        rollups_refresh(employee_ids=[e.pk for e in employees])  # a bulk write refreshes them itself
    return employees


@pytest.fixture
def data(org):
    add_employees(org, "A1", 6)  # A1 (and A) have 6 employees: shown to everyone
    add_employees(org, "B", 2)  # B has 2: hidden from the union side
    return org


def test_hr_sees_every_figure(login, hr_user, data):
    response = login(hr_user).get(url(data), {"as_of": AS_OF})
    assert response.status_code == 200
    stats = response.context["stats"]
    b = next(u for u in stats["units"] if u["code"] == "B")
    assert not b["suppressed"]
    assert b["types"][0]["calendar_days"] == 10
    assert not response.context["any_suppressed"]
    assert '<span aria-hidden="true">–</span>' not in response.content.decode()


@pytest.mark.parametrize("fixture", ["med_member", "shop_steward", "board_member", "steward_of_other_club"])
def test_union_side_sees_small_groups_suppressed(request, login, data, fixture):
    user = request.getfixturevalue(fixture)
    response = login(user).get(url(data), {"as_of": AS_OF})
    assert response.status_code == 200
    units = {u["code"]: u for u in response.context["stats"]["units"]}
    assert units["B"]["suppressed"] and units["B"]["types"][0]["calendar_days"] is None
    assert units["B"]["bradford"]["bands"] == [None] * 5
    assert not units["A1"]["suppressed"] and units["A1"]["types"][0]["calendar_days"] == 30
    assert response.context["any_suppressed"]
    body = response.content.decode()
    assert '<span aria-hidden="true">–</span>' in body
    assert 'class="alert alert-info"' in body  # the explanation of "–"


def test_leader_sees_own_unit_in_full_but_other_small_units_suppressed(login, leader, data):
    add_employees(data, "A1a", 1, start_number=100)
    client = login(leader)
    response = client.get(url(data), {"as_of": AS_OF})
    units = {u["code"]: u for u in response.context["stats"]["units"]}
    assert units["B"]["suppressed"]
    # A1a is two levels down: the page shows it under A1.
    response = client.get(url(data), {"unit": "A1", "as_of": AS_OF})
    units = {u["code"]: u for u in response.context["stats"]["units"]}
    assert not units["A1a"]["suppressed"]  # below the leader's unit A1
    assert units["A1a"]["types"][0]["calendar_days"] == 5


def test_small_bradford_band_is_suppressed_even_in_a_large_unit(login, med_member, data):
    response = login(med_member).get(url(data), {"as_of": AS_OF})
    a1 = next(u for u in response.context["stats"]["units"] if u["code"] == "A1")
    # 6 employees with 5 days in one spell: Bradford 5, all in the first band: a group of 6 is shown.
    assert a1["bradford"]["bands"] == [6, 0, 0, 0, 0]


def test_unit_and_date_filter(login, hr_user, data):
    response = login(hr_user).get(url(data), {"unit": "A1", "as_of": "2026-02-28"})
    stats = response.context["stats"]
    assert [u["code"] for u in stats["units"]] == ["A1", "A1a"]
    assert stats["window_start"] == date(2025, 3, 1)
    assert stats["units"][0]["types"][0]["calendar_days"] == 0  # March sickness is after the window


def test_future_date_is_refused_at_the_field(login, hr_user, data):
    response = login(hr_user).get(url(data), {"as_of": "2999-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["as_of"]


@pytest.mark.parametrize("as_of", ["0001-06-15", "0001-01-01", "1999-12-31"])
def test_a_day_before_2000_is_refused_at_the_field_not_a_server_error(login, hr_user, data, as_of):
    client = login(hr_user)
    response = client.get(url(data), {"as_of": as_of})
    assert response.status_code == 200
    assert response.context["form"].errors["as_of"] == ["Vælg en dag fra og med 01.01.2000."]
    assert 'min="2000-01-01"' in response.text
    for name in ("statistics_csv", "statistics_xlsx"):
        assert client.get(url(data, name), {"as_of": as_of}).status_code == 200


def test_an_unknown_unit_is_refused_at_the_field_and_the_whole_organisation_shown(login, hr_user, data):
    client = login(hr_user)
    whole = [u["code"] for u in client.get(url(data)).context["stats"]["units"]]
    response = client.get(url(data), {"unit": "NOPE"})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert 'aria-invalid="true"' in response.text
    assert response.context["unit"] is None
    assert [u["code"] for u in response.context["stats"]["units"]] == whole


def test_the_filter_offers_every_unit_indented_and_keeps_the_chosen_one(login, hr_user, data):
    text = login(hr_user).get(url(data), {"unit": "A1"}).text
    start = text.index('<select name="unit"')
    select = text[start : text.index("</select>", start)]
    assert '<option value="A1" selected>' in select
    assert '<option value="A1a">' in select
    assert select.count(" selected>") == 1


def test_htmx_gets_the_results_fragment(login, hr_user, data):
    client = login(hr_user)
    full = client.get(url(data), {"as_of": AS_OF})
    fragment = client.get(url(data), {"as_of": AS_OF}, HTTP_HX_REQUEST="true")
    assert b"<html" in full.content and b"<form" in full.content
    assert b"<html" not in fragment.content
    assert fragment.content.strip().startswith(b'<div id="statistics-results">')
    assert b"<svg" in fragment.content


def test_chart_has_labelled_bars_per_month(login, hr_user, data):
    response = login(hr_user).get(url(data), {"as_of": AS_OF})
    charts = response.context["charts"]
    assert [c["code"] for c in charts] == ["A", "A1", "B"]
    a1 = next(c for c in charts if c["code"] == "A1")
    assert len(a1["months"]) == 24
    march = a1["months"][-1]
    # 6 full-timers, 5 of March's 22 working days each: 30 / 132 days = 22.73 %.
    assert march["absence_pct"] == Decimal("22.73")
    assert ">22,7</text>" in response.content.decode()  # the value written above the bar (Danish)


def test_csv_export_is_in_the_users_language_as_danish_excel_reads_it(login, med_member, data):
    response = login(med_member).get(url(data, "statistics_csv"), {"as_of": AS_OF})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Enhedskode", "Fraværstype", "Medarbejdere"]  # a head count, not the MED side
    assert len(rows[0]) == 10
    b_sick = next(r for r in rows if r[0] == "B" and r[1] == "Egen sygdom")
    assert b_sick[2] == "2" and b_sick[5] == ""  # suppressed for the MED member
    a1_sick = next(r for r in rows if r[0] == "A1" and r[1] == "Egen sygdom")
    assert a1_sick[5] == "30"
    assert "," in a1_sick[8] and "." not in a1_sick[8]  # a decimal comma, as Danish Excel reads numbers


def test_xlsx_export_holds_the_same_figures_as_numbers(login, med_member, data):
    from openpyxl import load_workbook

    response = login(med_member).get(url(data, "statistics_xlsx"), {"as_of": AS_OF})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Enhedskode"
    a1_sick = next(r for r in rows if r[0] == "A1" and r[1] == "Egen sygdom")
    assert a1_sick[5] == 30
    b_sick = next(r for r in rows if r[0] == "B" and r[1] == "Egen sygdom")
    assert b_sick[5] is None


def test_anonymous_is_sent_to_login(client, data):
    response = client.get(url(data))
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.get(url(data, "statistics_csv"))
    assert response.status_code == 302


def test_other_organisation_is_404(login, hr_user_other, data):
    assert login(hr_user_other).get(url(data)).status_code == 404
    assert login(hr_user_other).get(url(data, "statistics_csv")).status_code == 404


def test_role_without_statistics_is_403(login, union_staff, data):
    assert login(union_staff).get(url(data)).status_code == 403
    assert login(union_staff).get(url(data, "statistics_csv")).status_code == 403


def test_wrong_method(login, hr_user, data):
    assert login(hr_user).post(url(data)).status_code == 405
    assert login(hr_user).post(url(data, "statistics_csv")).status_code == 405


def test_query_count_does_not_grow_with_units_and_employees(
    login, hr_user, org, django_assert_max_num_queries
):
    client = login(hr_user)
    add_employees(org, "A1", 5)
    with django_assert_max_num_queries(24) as first:
        client.get(url(org), {"as_of": AS_OF})
    from tests.factories import add_unit

    parent = unit(org, "B")
    for n in range(15):
        add_unit(org, f"B{n}", parent=parent)
        add_employees(org, f"B{n}", 8)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(url(org), {"as_of": AS_OF})
    # The top units and the units directly below them (A1a, below A1, is shown from A1's page).
    assert len(response.context["stats"]["units"]) == 18


def test_admin_sees_everything(login, org_admin, data):
    response = login(org_admin).get(url(data), {"as_of": AS_OF})
    assert not any(u["suppressed"] for u in response.context["stats"]["units"])


def test_hr_scoped_to_a_unit_sees_other_small_units_suppressed(login, data):
    scoped_hr = _user_with(data, Role.HR, "A", email="hr-a@example.org")
    response = login(scoped_hr).get(url(data), {"as_of": AS_OF})
    units = {u["code"]: u for u in response.context["stats"]["units"]}
    assert units["B"]["suppressed"]


def test_organisation_without_employees(login, hr_user_other, other_org):
    other_org.kind = "employer"
    other_org.save(update_fields=["kind"])
    response = login(hr_user_other).get(url(other_org), {"as_of": AS_OF})
    assert response.status_code == 200
    x = response.context["stats"]["units"][0]
    assert x["employees"] == 0 and x["types"][0]["absence_pct"] is None
    assert len(response.context["charts"][0]["months"]) == 24


def test_import_link_only_for_those_who_may_import(login, hr_user, med_member, data):
    import_url = reverse("absence:import", args=[data.slug])
    assert import_url in login(hr_user).get(url(data)).content.decode()
    assert import_url not in login(med_member).get(url(data)).content.decode()


@pytest.mark.parametrize("language", ["da", "nb", "en"])
def test_chart_coordinates_use_a_decimal_point_in_every_language(login, hr_user, data, language):
    """Danish and Norwegian write decimals with a comma; an SVG length with one is no length at all,
    and the browser drops the bar."""
    import re

    hr_user.language = language
    hr_user.save(update_fields=["language"])
    page = login(hr_user).get(url(data), {"as_of": AS_OF}).content.decode()
    svg = "".join(re.findall(r"<svg.*?</svg>", page, flags=re.S))
    assert "<rect" in svg
    lengths = re.findall(r'\b(?:x|y|x1|x2|y1|y2|dx|width|height)="([^"]*)"', svg)
    assert lengths and all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in lengths), lengths[:10]


def test_a_few_spells_of_a_telling_type_are_hidden_from_the_union_side(login, shop_steward, hr_user, data):
    """Two spells of pregnancy-related illness in a workplace of six point at someone: the union side
    sees the total, not the type (nor the sick days it could be worked out from); HR sees both."""
    pregnant = Employee.objects.filter(unit__code="A1")[:2]
    AbsenceRegistration.objects.bulk_create(
        AbsenceRegistration(
            employee=e, absence_type="pregnancy", start_date=date(2026, 1, 5), end_date=date(2026, 1, 9)
        )
        for e in pregnant
    )
    rollups_refresh(employee_ids=[e.pk for e in pregnant])

    def a1(user):
        stats = login(user).get(url(data), {"as_of": AS_OF}).context["stats"]
        row = next(u for u in stats["units"] if u["code"] == "A1")
        return row, {t["absence_type"]: t for t in row["types"]}

    row, types = a1(shop_steward)
    assert types["pregnancy"]["suppressed"] and types["pregnancy"]["spells"] is None
    # Total minus sick would give pregnancy away: one of them is hidden too (the total: its January
    # is hidden in the chart, and the year less the other months would give January away).
    assert types["sick"]["suppressed"] or row["total"]["suppressed"]
    assert not row["suppressed"]
    row, types = a1(hr_user)
    assert types["pregnancy"]["spells"] == 2 and types["sick"]["spells"] == 6


def test_a_page_unit_becomes_the_same_unit_instance_without_a_query(org, django_assert_num_queries):
    """The page reads the units as tuples and makes instances of them only on a cache miss; from_db
    takes the values in the model's field order, so a reordered model must not shift them."""
    from apps.absence.selectors import UNIT_ROW_FIELDS, UnitRow
    from apps.organizations.models import OrgUnit

    stored = unit(org, "A1")
    row = UnitRow(*OrgUnit.objects.filter(pk=stored.pk).values_list(*UNIT_ROW_FIELDS).get())
    names = ("pk", "path", "depth", "organization_id", "code", "name")
    with django_assert_num_queries(0):
        made = row.instance()
        fields = [getattr(made, name) for name in names]
    assert fields == [getattr(stored, name) for name in names]
    assert made.numchild == stored.numchild  # a field not read comes from the database when asked for


# The chart as the page's template wrote it before it was written in one pass (_chart_svg).
_TEMPLATE_CHART = Path(__file__).parent / "templates_before" / "statistics_chart.html"


@pytest.mark.parametrize("language", ["da", "nb", "en"])
def test_the_chart_svg_is_what_the_template_wrote(language):
    import re
    from datetime import date as day
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation

    from apps.absence.views_statistics import _chart, _chart_svg

    months = [
        {
            "month": day(2024 + (11 + i) // 12, (11 + i) % 12 + 1, 1),
            "absence_pct": None if i in (3, 4) else Decimal("4.25") + i / Decimal(7),
            "suppressed": i in (3, 4),
        }
        for i in range(24)
    ]
    months[10]["absence_pct"] = Decimal("0")
    chart = {"unit_id": 17, "name": "Skole <Nord> & Co", "months": months}

    def tight(html: str) -> str:
        return re.sub(r">\s+<", "><", str(html).strip())

    with translation.override(language):
        # The template read the geometry the view used to put beside the months.
        before = Template(_TEMPLATE_CHART.read_text(encoding="utf-8")).render(
            Context({"chart": {**chart, "chart": _chart(months)}})
        )
        assert tight(_chart_svg(chart)) == tight(before)
        assert "Skole &lt;Nord&gt; &amp; Co" in _chart_svg(chart)
