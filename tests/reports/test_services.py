"""Creating, editing and generating reports through the services (no HTTP, no worker)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from apps.reports import services
from apps.reports.models import AnnualReport, ReportGeneration
from tests.factories import AnnualReportFactory, OrganizationFactory, PullQuoteFactory

from . import pdftools

pytestmark = pytest.mark.django_db


def test_create_uses_the_organisations_language_for_defaults():
    organization = OrganizationFactory(language="nb", country="NO")
    report = services.annual_report_create(organization=organization, year=2025, report_date=date(2026, 2, 1))
    assert report.title == "Årsberetning 2025" and report.on_behalf_of == "på vegne av styret"
    assert report.language == "nb" and report.status == AnnualReport.Status.DRAFT
    assert list(report.section_choices.filter(enabled=True).values_list("key", flat=True)) == [
        "strategy",
        "clubs",
    ]


def test_an_employers_report_is_not_signed_on_behalf_of_a_board():
    organization = OrganizationFactory(kind="employer")
    report = services.annual_report_create(organization=organization, year=2025)
    assert report.title == "Beretning 2025" and report.on_behalf_of == ""


def test_create_refuses_a_second_report_and_an_impossible_year(org):
    services.annual_report_create(organization=org, year=2025)
    with pytest.raises(ValidationError):
        services.annual_report_create(organization=org, year=2025)
    with pytest.raises(ValidationError):
        services.annual_report_create(organization=org, year=1850)
    assert AnnualReport.objects.count() == 1


def test_a_final_report_refuses_every_change(org):
    report = AnnualReportFactory(organization=org, status=AnnualReport.Status.FINAL)
    quote = PullQuoteFactory(report=report)
    choice = report.section_choices.get(key="clubs")
    attempts = [
        lambda: services.report_section_move(choice=choice, direction="up"),
        lambda: services.report_section_toggle(choice=choice),
        lambda: services.report_section_update(choice=choice, enabled=False, introduction="x"),
        lambda: services.pull_quote_add(report=report, text="x", attribution="", section_key=""),
        lambda: services.pull_quote_delete(quote=quote),
        lambda: services.annual_report_publish(report=report),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
    choice.refresh_from_db()
    assert choice.position == 2 and choice.enabled and report.pull_quotes.count() == 1


def test_generate_stores_the_pdf_and_reports_progress_per_section(org, fake_sections, monkeypatch, tmp_path):
    report = AnnualReportFactory(organization=org)
    generation = ReportGeneration.objects.create(report=report)
    seen = []
    original_save = ReportGeneration.save

    def spy(self, *args, **kwargs):
        if self.pk == generation.pk:
            seen.append((self.status, self.progress))
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(ReportGeneration, "save", spy)
    services.report_generate(report_id=report.pk, generation_id=generation.pk)
    generation.refresh_from_db()
    assert generation.status == ReportGeneration.Status.DONE and generation.progress == 100
    assert generation.finished_at is not None and generation.file.name.startswith(
        "reports/testforbundet/2025/"
    )
    # five sections: strategy, clubs, meetings, absence (answers None), pool (no module in the fake)
    # (the claim of the job, running at 0 %, is one UPDATE before these)
    assert [p for s, p in seen if s == "running"] == [18, 36, 54, 72, 90]
    with generation.file.open("rb") as stored:
        path = pdftools.write(stored.read(), tmp_path)
    assert "Strategi og fokusområder" in pdftools.text(path)


def test_a_new_pdf_replaces_the_stored_one(org, fake_sections):
    report = AnnualReportFactory(organization=org)
    first = ReportGeneration.objects.create(report=report)
    services.report_generate(report_id=report.pk, generation_id=first.pk)
    first.refresh_from_db()
    old_path = first.file.path
    second = ReportGeneration.objects.create(report=report)
    services.report_generate(report_id=report.pk, generation_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.file.name == "" and second.file.name
    import os

    assert not os.path.exists(old_path) and os.path.exists(second.file.path)


def test_a_generation_that_fails_says_why(org, fake_sections, monkeypatch):
    report = AnnualReportFactory(organization=org)
    generation = ReportGeneration.objects.create(report=report)

    def broken(*args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(services, "render_pdf", broken)
    services.report_generate(report_id=report.pk, generation_id=generation.pk)
    generation.refresh_from_db()
    assert generation.status == ReportGeneration.Status.FAILED
    assert generation.error == "OSError: no space left on device" and not generation.file


def test_a_finished_generation_is_not_run_twice(org, fake_sections, monkeypatch):
    report = AnnualReportFactory(organization=org)
    generation = ReportGeneration.objects.create(
        report=report, status=ReportGeneration.Status.DONE, progress=100
    )
    monkeypatch.setattr(services, "render_pdf", lambda *a, **k: pytest.fail("rendered again"))
    assert services.report_generate(report_id=report.pk, generation_id=generation.pk).status == "done"
