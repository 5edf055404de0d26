"""The statistics page in a real browser: choosing a unit with htmx updates the table and the address,
the page passes axe (WCAG 2.1 AA) with its chart, and the import preview is accessible too."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from apps.absence.models import AbsenceRegistration, Employee
from tests.conftest import assert_no_axe_violations, unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def absences(org):
    for n in range(6):
        employee = Employee.objects.create(
            organization=org,
            unit=unit(org, "A1"),
            employee_number=str(n),
            name=f"Person {n}",
            weekly_hours=Decimal("37"),
            employment_start=date(2020, 1, 1),
        )
        AbsenceRegistration.objects.create(
            employee=employee, absence_type="sick", start_date=date(2026, 3, 2), end_date=date(2026, 3, 6)
        )
    return org


def test_choosing_a_unit_updates_the_table_and_the_address(page, browser_login, med_member, absences):
    browser_login(med_member)
    page.goto(f"/absence/{absences.slug}/statistics/?as_of=2026-03-31")
    assert page.locator("#statistics-results h2", has_text="Area B").count() == 1
    page.select_option("select[name=unit]", "A1")
    page.wait_for_url(lambda url: "unit=A1" in url)
    page.wait_for_function("!document.querySelector('#statistics-results').textContent.includes('Area B')")
    assert page.locator("#statistics-results h2", has_text="Department A1").count() == 1
    assert page.locator("#statistics-results svg.portal-chart").count() >= 1
    assert_no_axe_violations(page)


@pytest.fixture
def eager_tasks():
    """The import job's check runs in the request (the live server has no worker of its own)."""
    from strategy_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_import_preview_is_accessible(page, browser_login, hr_user, absences, tmp_path, eager_tasks):
    browser_login(hr_user)
    page.goto(f"/absence/{absences.slug}/import/")
    assert_no_axe_violations(page)
    bad = tmp_path / "absences.csv"
    bad.write_text("employee_number,absence_type,start_date,end_date,fraction\n0,sick,2026-02-31,,1\n")
    page.select_option("select[name=kind]", "absences")
    page.set_input_files("input[name=file]", str(bad))
    page.click("main button[type=submit]")
    page.wait_for_selector("text=2026-02-31")
    assert_no_axe_violations(page)


def test_the_notice_of_a_month_end_after_retention_is_accessible(page, browser_login, med_member, absences):
    from apps.absence.retention import retention_apply

    AbsenceRegistration.objects.create(
        employee=Employee.objects.get(organization=absences, employee_number="0"),
        absence_type="sick",
        start_date=date(2021, 3, 1),
        end_date=date(2021, 3, 5),
    )
    retention_apply(as_of=date(2027, 1, 1), organization=absences)  # cut-off 2022-01-01
    browser_login(med_member)
    page.goto(f"/absence/{absences.slug}/statistics/?as_of=2021-06-15")
    assert page.locator("#statistics-as-of-notice").count() == 1
    assert_no_axe_violations(page)
