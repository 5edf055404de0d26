"""The editor page with the real apps' sections (demo data) in Chromium passes axe (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from apps.core.demo import DEMO_PASSWORD
from apps.organizations.models import Organization, User
from apps.reports import services
from apps.reports.models import AnnualReport
from tests.conftest import assert_no_axe_violations
from tests.helpers import organization_slug_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("slug", ["djoef-offentlig", "norddjurs"])
def test_editor_with_the_demo_sections_is_accessible(page, browser_login, slug):
    call_command("seed_demo", "--employees", "60", "--years", "1", "--today", "2026-11-23")
    admin = User.objects.get(email="admin@demo.example")
    report = AnnualReport.objects.filter(organization__slug=slug, year=2026).first()
    if report is None:
        report = services.annual_report_create(organization=Organization.objects.get(slug=slug), year=2026)
    browser_login(admin, password=DEMO_PASSWORD)
    page.goto(f"/reports/{organization_slug_of(report)}/report/{report.pk}/")
    expect(page.locator("#report-preview .report-chapter").first).to_be_visible()
    assert_no_axe_violations(page)
    # On a phone the preview's wide tables scroll inside it; the page does not run off the screen
    # (a new user's finding: 481 px wide at 390).
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
