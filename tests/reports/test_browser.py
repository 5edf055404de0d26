"""Real Chromium: the editor swaps with htmx, the preview follows, and axe finds no WCAG 2.1 AA violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from apps.reports.models import AnnualReport
from tests.conftest import assert_no_axe_violations
from tests.factories import AnnualReportFactory
from tests.helpers import organization_slug_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editing_reorders_sections_and_adds_a_quote_in_the_preview(
    page, browser_login, board_member, org, fake_sections
):
    report = AnnualReportFactory(organization=org, year=2025)
    browser_login(board_member)
    page.goto(f"/reports/{organization_slug_of(report)}/report/{report.pk}/")
    toc = page.locator("#report-preview .report-toc li")
    expect(toc.nth(1)).to_have_text("Strategi og fokusområder")
    assert_no_axe_violations(page)

    page.get_by_role("button", name=re.compile("^Flyt ned")).first.click()  # the first section
    expect(toc.nth(1)).to_have_text("Klubber")  # the preview refreshed after the save
    expect(toc.nth(2)).to_have_text("Strategi og fokusområder")
    assert page.url.endswith(
        f"/reports/{organization_slug_of(report)}/report/{report.pk}/"
    )  # swapped in place, no page load

    page.fill("#id_quote-text", "Sammen flytter vi mere.")
    page.fill("#id_quote-attribution", "klubformand")
    page.select_option("#id_quote-section_key", "clubs")
    page.get_by_role("button", name="Tilføj citat").click()
    expect(page.locator("#section-clubs .pull-quote")).to_contain_text("Sammen flytter vi mere.")

    page.get_by_role("button", name="Tilføj citat").click()  # empty: refused at the field
    expect(page.locator("#id_quote-text_error")).to_contain_text("Dette felt er påkrævet.")
    assert_no_axe_violations(page)
    assert AnnualReport.objects.get(pk=report.pk).pull_quotes.count() == 1


def test_a_member_reads_the_final_report_accessibly(page, browser_login, shop_steward, org, fake_sections):
    report = AnnualReportFactory(organization=org, year=2024, status=AnnualReport.Status.FINAL)
    browser_login(shop_steward)
    page.goto(f"/reports/{org.slug}/")
    page.get_by_role("link", name=report.title).click()
    expect(page.locator("h1")).to_have_text(report.title)
    expect(page.locator("#report-editor")).to_have_count(0)
    assert_no_axe_violations(page)
