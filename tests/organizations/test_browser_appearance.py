"""Real Chromium: the logo and colour page works without JavaScript, says what is wrong with a bad
upload, and passes axe (WCAG 2.1 AA); the annual report's preview shows the logo and the focus areas
in its contents."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import assert_no_axe_violations
from tests.factories import AnnualReportFactory, FocusAreaFactory, StrategyPlanFactory
from tests.helpers import organization_slug_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _file(tmp_path, fmt: str, name: str):
    path = tmp_path / name
    out = io.BytesIO()
    Image.new("RGB", (160, 80), (20, 90, 160)).save(out, format=fmt)
    path.write_bytes(out.getvalue())
    return path


def test_a_board_member_sets_logo_and_colour_and_sees_them_in_the_report_preview(
    page, browser_login, board_member, org, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    browser_login(board_member)
    page.goto(reverse("organizations:appearance", args=[org.slug]))
    expect(page.locator("h1")).to_contain_text("Logo og farve")
    assert_no_axe_violations(page)

    page.set_input_files("#id_logo", str(_file(tmp_path, "GIF", "logo.gif")))
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#id_logo_error")).to_contain_text("PNG- eller JPEG-billede")
    assert_no_axe_violations(page)

    page.set_input_files("#id_logo", str(_file(tmp_path, "PNG", "logo.png")))
    page.fill("#id_brand_color", "#7a1f3d")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Logo og farve er gemt.")).to_be_visible()
    logo = page.get_by_role("img", name=f"Logo for {org.name}")
    expect(logo).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", logo.element_handle()) == 160
    assert_no_axe_violations(page)

    area = FocusAreaFactory(plan=StrategyPlanFactory(organization=org), title="Medlemsnærhed")
    report = AnnualReportFactory(organization=org, year=2025)
    page.goto(reverse("reports:report_detail", args=[organization_slug_of(report), report.pk]))
    preview = page.locator("#report-preview")
    expect(preview.get_by_role("img", name=f"Logo for {org.name}")).to_be_visible()
    expect(preview.locator(".report-toc ol ol a")).to_have_attribute("href", f"#strategy-area-{area.pk}")
    expect(preview.locator(".report-cover-year")).to_have_count(0)  # "Beretning 2025" names the year
    assert_no_axe_violations(page)
