"""The PDF is built by a real Celery worker, and the page follows it until the download is there."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from apps.reports.models import ReportGeneration
from tests.factories import AnnualReportFactory, PullQuoteFactory
from tests.helpers import organization_slug_of

from . import pdftools

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.celery
@pytest.mark.redis
@pytest.mark.postgres
def test_a_worker_builds_the_pdf_that_the_page_then_offers(
    celery_worker_process, login, board_member, tmp_path
):
    report = AnnualReportFactory(organization=board_member.memberships.get().organization, year=2025)
    PullQuoteFactory(report=report, text="Vi gør det sammen – også i år.", attribution="kredsformand")
    client = login(board_member)
    response = client.post(
        reverse("reports:report_generate", args=[organization_slug_of(report), report.pk]), **HTMX
    )
    assert response.status_code == 200 and "<progress" in response.text
    generation = ReportGeneration.objects.get(report=report)
    status_url = reverse("reports:generation_status", args=[organization_slug_of(generation), generation.pk])

    deadline = time.monotonic() + 120
    while True:
        partial = client.get(status_url, **HTMX).text
        if "hx-get" not in partial:  # the partial stops polling once the worker is done
            break
        assert time.monotonic() < deadline, "the worker did not finish the PDF within 120 s"
        time.sleep(0.5)

    generation.refresh_from_db()
    assert generation.status == ReportGeneration.Status.DONE, generation.error
    assert generation.progress == 100 and generation.file.name.startswith("reports/testforbundet/2025/")
    download = reverse("reports:report_download", args=[organization_slug_of(report), report.pk])
    assert download in partial
    pdf = b"".join(client.get(download).streaming_content)
    pages = pdftools.pages_text(pdftools.write(pdf, tmp_path))
    assert "Testforbundet" in pages[0] and "Beretning 2025" in pages[0]
    whole = "\n".join(pages)
    assert "Første afsnit om året, der gik." in whole and "Vi gør det sammen – også i år." in whole
    assert f"Side 2 af {len(pages)}" in pages[1]
