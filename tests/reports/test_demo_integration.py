"""The real apps' sections in the real PDF, on the demo data (whatever apps provide a report.py)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from importlib import import_module

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.utils import translation

from apps.core import reporting
from apps.organizations.models import Organization
from apps.reports import services
from apps.reports.models import AnnualReport

from . import pdftools

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)
DEMO_ORGS = ["djoef-offentlig", "dansk-socialraadgiverforening", "norddjurs", "fagforbundet"]


def _apps_with_a_section() -> list[str]:
    keys = []
    for key in reporting.SECTION_APPS:
        try:
            import_module(f"apps.{key}.report")
        except ModuleNotFoundError as exc:
            if exc.name != f"apps.{key}.report":
                raise
            continue
        keys.append(key)
    return keys


def _numbers_shown(section, organization, year) -> list[str]:
    """The figures a reader sees in the section's own template, rendered on its own."""
    html = render_to_string(
        section.template, {"section": section, "organization": organization, "year": year}
    )
    text = unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<title>.*?</title>", " ", html, flags=re.S)))
    return [n for n in re.findall(r"\d[\d.,]*\d|\d", text) if n != str(year)]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Seeded once for the module (committed), and flushed afterwards even if seeding failed."""
    try:
        with django_db_blocker.unblock():
            call_command("seed_demo", "--employees", "60", "--years", "1", "--today", TODAY.isoformat())
        yield
    finally:
        with django_db_blocker.unblock():
            call_command("flush", "--no-input")


def test_the_demo_has_draft_reports_with_a_foreword_and_quotes(demo):
    for slug in ["dansk-socialraadgiverforening", "djoef-offentlig"]:
        report = AnnualReport.objects.get(organization__slug=slug, year=TODAY.year)
        assert report.status == AnnualReport.Status.DRAFT
        assert len(report.foreword_paragraphs()) >= 3 and report.on_behalf_of == "på vegne af bestyrelsen"
        assert report.signed_by.endswith(", formand") and report.pull_quotes.count() == 2


@pytest.mark.parametrize("slug", DEMO_ORGS)
def test_each_apps_section_is_in_the_pdf_with_its_figures(demo, slug, tmp_path):
    organization = Organization.objects.get(slug=slug)
    report = AnnualReport.objects.filter(organization=organization, year=TODAY.year).first()
    if report is None:
        report = services.annual_report_create(organization=organization, year=TODAY.year, report_date=TODAY)
    pages = pdftools.pages_text(pdftools.write(services.annual_report_render_pdf(report), tmp_path))
    whole = "\n".join(pages)
    checked = 0
    with translation.override(report.language):
        for key in _apps_with_a_section():
            sections = reporting.build_sections(organization, report.year, [key])
            if not sections:
                continue
            section = sections[0]
            title = str(section.title)
            assert title in pages[1], f"{key}: {title!r} is not in the table of contents"
            assert title in "\n".join(pages[2:]), f"{key}: no chapter titled {title!r}"
            if section.has_data:
                numbers = _numbers_shown(section, organization, report.year)[:8]
                assert numbers, f"{key}: the section shows no figure"
                missing = [n for n in numbers if n not in whole]
                assert not missing, f"{key}: figures {missing} are not in the PDF"
            checked += 1
    assert checked or not _apps_with_a_section()


def test_no_individual_absence_data_reaches_the_pdf(demo, tmp_path):
    from apps.absence.models import Employee

    organization = Organization.objects.get(slug="norddjurs")
    employees = list(
        Employee.objects.filter(organization=organization).values_list("name", "employee_number")
    )
    assert len(employees) >= 50
    report = services.annual_report_create(organization=organization, year=TODAY.year, report_date=TODAY)
    whole = pdftools.text(pdftools.write(services.annual_report_render_pdf(report), tmp_path))
    if "absence" in _apps_with_a_section():
        with translation.override(report.language):
            absence = reporting.build_sections(organization, TODAY.year, ["absence"])[0]
            assert (
                absence.has_data and str(absence.title) in whole
            )  # the aggregates are there, the people not
    flat = re.sub(r"\s+", " ", whole)
    tokens = set(re.findall(r"\w+", whole))
    assert not [name for name, _ in employees if name in flat]
    assert not [number for _, number in employees if number in tokens]


@pytest.mark.parametrize("slug", ["djoef-offentlig", "norddjurs"])
def test_a_year_without_data_gives_a_report_that_says_so_per_section(demo, slug, tmp_path):
    organization = Organization.objects.get(slug=slug)
    report = services.annual_report_create(organization=organization, year=2001, report_date=TODAY)
    pages = pdftools.pages_text(pdftools.write(services.annual_report_render_pdf(report), tmp_path))
    whole = "\n".join(pages)
    assert "Afsnittet kunne ikke dannes" not in whole
    with translation.override(report.language):
        sections = reporting.build_sections(organization, 2001, _apps_with_a_section())
        for section in sections:
            assert not section.has_data, f"{section.key} claims data for 2001"
            assert str(section.title) in pages[1]
            assert str(section.empty_message or "Ingen data for 2001.") in re.sub(r"\s+", " ", whole)
