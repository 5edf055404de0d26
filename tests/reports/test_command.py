"""manage.py annual_report builds the same PDF synchronously."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from apps.reports.models import AnnualReport, ReportGeneration
from tests.factories import AnnualReportFactory

from . import pdftools

pytestmark = pytest.mark.django_db


def test_command_creates_a_draft_with_defaults_and_writes_the_pdf(org, fake_sections, tmp_path):
    output = tmp_path / "out" / "beretning.pdf"
    call_command("annual_report", "--organization", org.slug, "--year", "2025", "--output", str(output))
    report = AnnualReport.objects.get(organization=org, year=2025)
    assert report.title == "Beretning 2025"
    pages = pdftools.pages_text(output)
    assert "Beretning 2025" in pages[0] and "Strategi og fokusområder" in pages[1]
    assert ReportGeneration.objects.get(report=report).status == ReportGeneration.Status.DONE


def test_command_uses_the_existing_report(org, fake_sections, tmp_path):
    AnnualReportFactory(organization=org, year=2025, title="Vores år 2025")
    output = tmp_path / "b.pdf"
    call_command("annual_report", "--organization", org.slug, "--year", "2025", "--output", str(output))
    assert "Vores år 2025" in pdftools.pages_text(output)[0]
    assert AnnualReport.objects.count() == 1


def test_command_refuses_an_unknown_organisation(db, tmp_path):
    with pytest.raises(CommandError, match="No organisation"):
        call_command(
            "annual_report", "--organization", "nope", "--year", "2025", "--output", str(tmp_path / "x.pdf")
        )
    assert not (tmp_path / "x.pdf").exists()
