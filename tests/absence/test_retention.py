"""Retention deletes individual rows without rewriting history: every figure of a past period stays.

The demo municipality has six years of absence up to November 2026. Retention as of 2030-01-01 with
the default 5 years deletes what ended before 2025-01-01 (and the employees who left before it); the
statistics of periods before and across that cut-off must not change by one digit.
"""

from __future__ import annotations

import io
import random
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apps.absence import demo
from apps.absence.models import (
    AbsenceRegistration,
    Advisory,
    AdvisoryPolicy,
    Employee,
    Spell,
    StatisticsSnapshot,
)
from apps.absence.report import build_section
from apps.absence.retention import retention_apply
from apps.absence.statistics.figures import monthly_series, page_figures, unit_statistics
from apps.absence.sweep import advisory_sweep
from apps.core.demo import DemoContext
from apps.organizations import demo as organizations_demo
from apps.organizations.models import OrgUnit, Role
from tests.conftest import _user_with
from tests.factories import EmployeeFactory, OrganizationFactory, add_unit, register_absence

RETENTION_DAY = date(2030, 1, 1)
CUTOFF = date(2025, 1, 1)  # 5 years before RETENTION_DAY
PAST = [
    date(2025, 6, 30),  # the rolling year straddles the cut-off (the example of issue 14)
    date(2025, 9, 30),  # straddles too
    date(2024, 12, 31),  # calendar year 2024: wholly before the cut-off
    date(2023, 12, 31),
    date(2025, 12, 31),  # begins on the cut-off: from the rows
]
CHARTS = [date(2025, 6, 30), date(2026, 10, 31)]  # 24 months across the cut-off


@pytest.fixture
def municipality(db):
    ctx = DemoContext(
        rng=random.Random(14), today=date(2026, 11, 23), employees=120, years=6, out=io.StringIO()
    )
    organizations_demo.seed(ctx)
    demo.seed(ctx)
    return ctx.organizations["norddjurs"]


def everything(organization) -> dict:
    """Every figure a user can see for the past periods: the statistics of the whole organisation and
    of units (suppressed and not), the statistics page, the charts, the CSV and the annual report."""
    units = list(OrgUnit.objects.filter(organization=organization).order_by("path"))
    area, workplace = next(u for u in units if u.depth == 2), next(u for u in units if u.depth == 4)
    seen: dict = {}
    for as_of in PAST:
        seen["raw", as_of] = unit_statistics(organization, as_of, suppress=False)
        seen["suppressed", as_of] = unit_statistics(organization, as_of)
        for unit in (area, workplace):
            seen["unit raw", unit.code, as_of] = unit_statistics(
                organization, as_of, unit=unit, suppress=False
            )
            seen["unit", unit.code, as_of] = unit_statistics(organization, as_of, unit=unit)
        out = io.StringIO()
        call_command(
            "absence_stats", "--organization", organization.slug, "--as-of", as_of.isoformat(), stdout=out
        )
        seen["csv", as_of] = out.getvalue()
    for as_of in CHARTS:
        seen["chart raw", as_of] = monthly_series(organization, as_of, suppress=False)
        seen["chart", as_of] = monthly_series(organization, as_of)
        seen["page", as_of] = page_figures(organization, as_of, org_units=lambda: units)
        seen["area page", as_of] = page_figures(organization, as_of, unit=area, org_units=lambda: units)
    for year in (2023, 2024, 2025):
        seen["report", year] = build_section(organization, year).data
    return seen


# Days asked for on the statistics page: month ends, and days the union side sees as of the month end
# before (where retention froze the window, HR too).
PAGE_DAYS = ["2025-03-15", "2025-06-30", "2024-12-31", "2025-12-31", "2026-10-20"]


def area_code(organization) -> str:
    return OrgUnit.objects.filter(organization=organization, depth=2).order_by("path").first().code


def viewers(organization) -> dict:
    """Logged-in clients of the union side (a shop steward: everything suppressed), of a leader of one
    area (unsuppressed there only) and of HR (nothing suppressed)."""
    clients = {}
    for name, role, unit_code in (
        ("steward", Role.STEWARD, area_code(organization)),
        ("leader", Role.LEADER, area_code(organization)),
        ("hr", Role.HR, None),
    ):
        client = Client()
        client.force_login(_user_with(organization, role, unit_code, language="da"))
        clients[name] = client
    return clients


def seen_on_the_pages(organization, clients) -> dict:
    """What each viewer gets from the statistics page (its figures, hidden ones None, the chart and
    the notice about the month end), of the organisation and of an area, and from the CSV export,
    for the days of ``PAGE_DAYS``."""
    page_url = reverse("absence:statistics", args=[organization.slug])
    csv_url = reverse("absence:statistics_csv", args=[organization.slug])
    seen: dict = {}
    for name, client in clients.items():
        for day in PAGE_DAYS:
            for unit in ("", area_code(organization)):
                page = client.get(page_url, {"as_of": day, "unit": unit})
                assert page.status_code == 200
                seen["page", name, day, unit] = {
                    part: page.context[part] for part in ("as_of", "stats", "charts", "as_of_notice")
                }
            export = client.get(csv_url, {"as_of": day})
            seen["csv", name, day] = (export["Content-Disposition"], export.content)
    return seen


def hidden_and_shown(stats) -> tuple[int, int]:
    """How many type figures of the page are hidden and how many shown."""
    groups = [group for row in stats["units"] for group in (*row["types"], row["total"])]
    return sum(g["suppressed"] for g in groups), sum(not g["suppressed"] for g in groups)


def differences(before, after, path=()) -> list:
    """Where two nested results differ (the first few), to say so readably."""
    if isinstance(before, dict) and isinstance(after, dict) and before.keys() == after.keys():
        return [d for key in before for d in differences(before[key], after[key], (*path, key))][:5]
    if isinstance(before, list | tuple) and isinstance(after, list | tuple) and len(before) == len(after):
        return [
            d
            for i, (b, a) in enumerate(zip(before, after, strict=True))
            for d in differences(b, a, (*path, i))
        ][:5]
    return [] if before == after else [(path, before, after)]


def sick_days(stats) -> int:
    top = stats["units"][0]
    return sum(t["calendar_days"] for t in top["types"] if t["counts_for_percentage"])


def test_statistics_of_past_periods_are_the_same_after_retention(municipality):
    clients = viewers(municipality)
    before = everything(municipality)
    pages = seen_on_the_pages(municipality, clients)
    assert (
        sick_days(before["raw", date(2025, 6, 30)]) > 0 and sick_days(before["raw", date(2023, 12, 31)]) > 0
    )
    # The union side's figures hide some cells and show others, as of the month end before a day.
    for day in ("2025-06-30", "2025-03-15", "2026-10-20"):
        hidden, shown = hidden_and_shown(pages["page", "steward", day, ""]["stats"])
        assert hidden and shown, day
    assert pages["page", "steward", "2025-03-15", ""]["as_of"] == date(2025, 2, 28)
    months = [
        month["suppressed"]
        for key, page in pages.items()
        if key[:2] == ("page", "steward")
        for chart in page["charts"]
        for month in chart["months"]
    ]
    assert any(months) and not all(months)

    retention_apply(as_of=RETENTION_DAY, organization=municipality)

    assert not AbsenceRegistration.objects.filter(end_date__lt=CUTOFF).exists()
    assert AbsenceRegistration.objects.filter(employee__organization=municipality).exists()
    assert differences(before, everything(municipality)) == []
    # What each viewer sees on the page and in the export, hidden cells included, is as it was. Only
    # HR, who saw the figures as of 15 March itself, now sees those of the month end before (the
    # frozen window): test_a_day_that_is_no_frozen_month_end_shows_the_month_end_before.
    after = seen_on_the_pages(municipality, clients)
    area = area_code(municipality)
    for key in [
        ("page", "hr", "2025-03-15", ""),
        ("page", "hr", "2025-03-15", area),
        ("csv", "hr", "2025-03-15"),
    ]:
        assert after.pop(key) != pages.pop(key)
    assert differences(pages, after) == []


@pytest.mark.postgres
def test_statistics_of_past_periods_are_the_same_after_retention_on_postgresql(municipality):
    test_statistics_of_past_periods_are_the_same_after_retention(municipality)


def test_the_individual_rows_are_gone_and_the_snapshots_hold_aggregates_only(municipality):
    leavers = set(
        Employee.objects.filter(organization=municipality, employment_end__lt=CUTOFF).values_list(
            "pk", flat=True
        )
    )
    assert leavers and Spell.objects.filter(end_date__lt=CUTOFF).exists()
    advisory_sweep(as_of=date(2024, 10, 31), organization=municipality, notify=False, full=True)
    assert Advisory.objects.filter(spell__end_date__lt=CUTOFF).exists()

    result = retention_apply(as_of=RETENTION_DAY, organization=municipality)

    assert result.registrations > 0 and result.employees == len(leavers) and result.snapshots > 0
    assert not Employee.objects.filter(pk__in=leavers).exists()
    assert not AbsenceRegistration.objects.filter(employee_id__in=leavers).exists()
    assert not AbsenceRegistration.objects.filter(end_date__lt=CUTOFF).exists()
    assert not Spell.objects.filter(end_date__lt=CUTOFF).exists()
    assert not Advisory.objects.filter(spell__end_date__lt=CUTOFF).exists()
    unit_ids = {
        str(pk) for pk in OrgUnit.objects.filter(organization=municipality).values_list("pk", flat=True)
    }
    counting = sorted(AdvisoryPolicy.objects.get(organization=municipality).types_for("percentage"))
    for snapshot in StatisticsSnapshot.objects.filter(organization=municipality):
        figures = snapshot.figures
        parts = {"working_days", "bands", "population", "absence", "bradford", "people_types"}
        assert set(figures) == parts | ({"employees_started"} if snapshot.kind == "year" else set())
        for part in ("population", "absence", "bradford"):
            assert set(figures[part]) <= unit_ids  # per unit, never per person
        # Per unit and type (and "*": any counting type) spells, days, hours and how many people:
        # what suppression decides by, as counts.
        assert figures["people_types"] == counting
        for unit_id, types in figures["absence"].items():
            employees = figures["population"][unit_id][0]
            for _spells, _days, _hours, people in types.values():
                assert isinstance(people, int) and 0 <= people <= employees
            assert types.get("*", [0, 0, "0", 0])[3] <= sum(
                types[code][3] for code in counting if code in types
            )
    years = StatisticsSnapshot.objects.filter(organization=municipality, kind="year")
    assert (
        years.filter(period=date(2025, 6, 30)).exists() and years.filter(period=date(2024, 12, 31)).exists()
    )
    assert not years.filter(period=date(2025, 12, 31)).exists()  # its window has every row still


def test_running_retention_again_daily_and_after_a_pause_keeps_the_figures(municipality):
    before = everything(municipality)
    retention_apply(as_of=date(2028, 3, 15), organization=municipality)  # an early run: cut-off 2023-03-15
    assert differences(before, everything(municipality)) == []
    retention_apply(as_of=RETENTION_DAY, organization=municipality)  # nearly two years later
    retention_apply(as_of=RETENTION_DAY, organization=municipality)  # twice the same night
    assert retention_apply(as_of=RETENTION_DAY, organization=municipality).snapshots == 0
    for day in (2, 3, 4):  # nightly
        retention_apply(as_of=date(2030, 1, day), organization=municipality)
    assert differences(before, everything(municipality)) == []


def test_a_day_that_is_no_frozen_month_end_shows_the_month_end_before(municipality):
    before = unit_statistics(municipality, date(2025, 2, 28), suppress=False)
    assert unit_statistics(municipality, date(2025, 3, 15), suppress=False)["as_of"] == date(2025, 3, 15)
    retention_apply(as_of=RETENTION_DAY, organization=municipality)
    after = unit_statistics(municipality, date(2025, 3, 15), suppress=False)
    assert after["as_of"] == date(2025, 2, 28) and after["requested_as_of"] == date(2025, 3, 15)
    assert after["window_end"] == date(2025, 2, 28)
    assert differences({**before, "requested_as_of": None}, {**after, "requested_as_of": None}) == []
    # A day whose rolling year begins on the cut-off or later comes from the rows as before.
    assert unit_statistics(municipality, date(2026, 1, 15))["as_of"] == date(2026, 1, 15)


def test_the_page_and_the_command_say_which_month_end_they_show(municipality, login):
    retention_apply(as_of=RETENTION_DAY, organization=municipality)
    client = login(_user_with(municipality, Role.HR, language="en"))
    url = reverse("absence:statistics", args=[municipality.slug])
    page = client.get(url, {"as_of": "2025-03-15"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="statistics-as-of-notice"' in text and "has been deleted under the retention rules" in text
    assert "up to 28.02.2025, the last month end before 15.03.2025, the day you chose" in text
    assert "whole months only" not in text  # HR sees any day where the rows are kept
    exact = client.get(url, {"as_of": "2025-02-28"}).content.decode()
    assert 'id="statistics-as-of-notice"' not in exact
    # The union side sees whole months anyway: one notice, with that reason (retention changed nothing).
    steward = login(_user_with(municipality, Role.STEWARD, language="en"))
    text = steward.get(url, {"as_of": "2025-03-15"}).content.decode()
    assert text.count('id="statistics-as-of-notice"') == 1 and "whole months only" in text
    assert "retention" not in text
    err = io.StringIO()
    call_command(
        "absence_stats",
        "--organization",
        municipality.slug,
        "--as-of",
        "2025-03-15",
        stdout=io.StringIO(),
        stderr=err,
    )
    assert "12 months up to 2025-02-28" in err.getvalue()


def test_a_later_policy_keeps_the_frozen_bradford_bands(municipality):
    before = unit_statistics(municipality, date(2024, 12, 31), suppress=False)
    retention_apply(as_of=RETENTION_DAY, organization=municipality)
    policy = AdvisoryPolicy.objects.get(organization=municipality)
    policy.bradford_bands = [100, 500]
    policy.save(update_fields=["bradford_bands"])  # changes the statistics version: nothing cached
    assert unit_statistics(municipality, date(2026, 6, 30))["band_labels"] == [
        "0\u201399",
        "100\u2013499",
        "500+",
    ]
    after = unit_statistics(municipality, date(2024, 12, 31), suppress=False)
    assert after["band_labels"] == before["band_labels"]
    assert after["units"][0]["bradford"] == before["units"][0]["bradford"]


def test_the_annual_report_of_a_year_whose_staff_all_left_keeps_its_section(db):
    organization = OrganizationFactory(name="Kommune", slug="kommune", kind="employer")
    top = add_unit(organization, "K", "Kommunen")
    early = [
        EmployeeFactory(unit=top, employment_start=date(2015, 1, 1), employment_end=date(2019, 12, 31))
        for _ in range(6)
    ]
    for employee in early:  # enough people that the report (suppressed for everyone) shows them
        register_absence(employee, date(2018, 3, 5), date(2018, 3, 9))
    EmployeeFactory(unit=top, employment_start=date(2026, 1, 1))
    before = build_section(organization, 2018)
    assert before.has_data and before.data["rows"][0]["sick_days"] == 30

    retention_apply(as_of=date(2026, 3, 1), organization=organization)

    assert not Employee.objects.filter(pk__in=[e.pk for e in early]).exists()
    after = build_section(organization, 2018)
    assert (after.has_data, after.data) == (before.has_data, before.data)
    assert build_section(organization, 2014).has_data is False  # before anyone started, as before


def test_periods_before_the_first_deleted_row_keep_their_figures_from_the_rows(db):
    # Staff employed since 2005 stay; a leaver employed 2015-2019 goes. Frozen are the periods from
    # March 2015 on; a chart reaching back before that mixes months from the rows and frozen months.
    organization = OrganizationFactory(name="Kommune", slug="kommune", kind="employer")
    top = add_unit(organization, "K", "Kommunen")
    staff = [EmployeeFactory(unit=top, employment_start=date(2005, 1, 1)) for _ in range(6)]
    register_absence(staff[0], date(2021, 11, 1), date(2021, 11, 5))  # kept
    leaver = EmployeeFactory(unit=top, employment_start=date(2015, 3, 2), employment_end=date(2019, 6, 30))
    register_absence(leaver, date(2015, 9, 7), date(2015, 9, 8))
    days = [date(2014, 12, 31), date(2015, 1, 20), date(2015, 12, 31), date(2016, 6, 30)]
    before = [unit_statistics(organization, day, suppress=False) for day in days]
    charts = [monthly_series(organization, day, suppress=False) for day in days]

    retention_apply(as_of=date(2026, 3, 1), organization=organization)

    assert not Employee.objects.filter(pk=leaver.pk).exists()
    assert StatisticsSnapshot.objects.filter(organization=organization, period=date(2015, 2, 28)).exists()
    assert not StatisticsSnapshot.objects.filter(organization=organization, period__lt=date(2015, 2, 28))
    assert differences(before, [unit_statistics(organization, day, suppress=False) for day in days]) == []
    assert differences(charts, [monthly_series(organization, day, suppress=False) for day in days]) == []
