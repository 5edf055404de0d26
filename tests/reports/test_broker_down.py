"""With the broker (Redis) stopped, building and publishing a report say that the job could not be
queued and keep nothing half-done; a job left queued is sent again once the broker is back."""

from __future__ import annotations

import html
import json
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.reports import services
from apps.reports.models import AnnualReport, ReportGeneration
from apps.reports.tasks import requeue_generations_task
from tests.factories import AnnualReportFactory
from tests.helpers import organization_slug_of

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

HTMX = {"HX-Request": "true"}
NOT_QUEUED = "jobbet kunne ikke sættes i kø"


@pytest.fixture
def report(org):
    return AnnualReportFactory(organization=org, year=2025)


def queued_messages(server) -> list[dict]:
    return [json.loads(raw) for raw in server.client().lrange("celery", 0, -1)]


def test_building_the_pdf_with_the_broker_up_queues_one_job(login, board_member, report, broker_on_own_redis):
    response = login(board_member).post(
        reverse("reports:report_generate", args=[organization_slug_of(report), report.pk])
    )
    generation = ReportGeneration.objects.get(report=report)
    assert response.status_code == 302
    [message] = queued_messages(broker_on_own_redis)
    assert message["headers"]["task"] == "apps.reports.tasks.generate_report_task"
    assert message["headers"]["argsrepr"] == f"({report.pk}, {generation.pk})"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_building_the_pdf_with_the_broker_stopped_says_so_and_keeps_nothing(
    login, board_member, report, broker_on_own_redis, headers
):
    broker_on_own_redis.stop()
    client = login(board_member)
    response = client.post(
        reverse("reports:report_generate", args=[organization_slug_of(report), report.pk]), headers=headers
    )
    assert not ReportGeneration.objects.exists()
    if headers:
        assert response["HX-Redirect"] == reverse(
            "reports:report_detail", args=[organization_slug_of(report), report.pk]
        )
        page = client.get(response["HX-Redirect"])
        assert page.status_code == 200
    else:
        assert response.status_code == 503
        page = response
    text = html.unescape(page.text)
    assert "PDF'en kunne ikke bygges: " + NOT_QUEUED in text
    assert "Intet blev ændret" in text


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_publishing_with_the_broker_stopped_leaves_the_report_a_draft(
    login, board_member, report, broker_on_own_redis, headers
):
    broker_on_own_redis.stop()
    client = login(board_member)
    response = client.post(
        reverse("reports:report_publish", args=[organization_slug_of(report), report.pk]), headers=headers
    )
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT
    assert not ReportGeneration.objects.exists()
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts and "Beretningen kunne ikke offentliggøres: " + NOT_QUEUED in texts[0]
    assert response.status_code == (200 if headers else 503)

    broker_on_own_redis.start()  # once the broker is back, publishing works
    assert (
        client.post(
            reverse("reports:report_publish", args=[organization_slug_of(report), report.pk])
        ).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.FINAL
    assert len(queued_messages(broker_on_own_redis)) == 1


def test_a_job_left_queued_is_sent_again_when_the_broker_returns(report, broker_on_own_redis):
    # A job the broker lost: queued before Redis went down and came back empty.
    generation = ReportGeneration.objects.create(report=report)
    ReportGeneration.objects.filter(pk=generation.pk).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    fresh = ReportGeneration.objects.create(report=report)  # may still be in the queue: left alone
    broker_on_own_redis.stop()
    broker_on_own_redis.start()
    assert queued_messages(broker_on_own_redis) == []

    requeue_generations_task.apply()  # as beat runs it (a second run sends it again, built once)
    [message] = queued_messages(broker_on_own_redis)
    assert message["headers"]["argsrepr"] == f"({report.pk}, {generation.pk})"
    fresh.refresh_from_db()
    assert fresh.status == ReportGeneration.Status.QUEUED


def test_a_job_sent_twice_is_built_once(report, monkeypatch):
    generation = ReportGeneration.objects.create(report=report)
    builds = []
    monkeypatch.setattr(services, "annual_report_render_pdf", lambda *a, **k: builds.append(1) or b"%PDF-1.7")
    services.report_generate(report_id=report.pk, generation_id=generation.pk)
    services.report_generate(report_id=report.pk, generation_id=generation.pk)
    generation.refresh_from_db()
    assert builds == [1] and generation.status == ReportGeneration.Status.DONE


def test_a_job_not_finished_in_a_day_is_marked_failed(report, broker_on_own_redis):
    never_picked = ReportGeneration.objects.create(report=report)
    worker_died = ReportGeneration.objects.create(report=report, status=ReportGeneration.Status.RUNNING)
    ReportGeneration.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert services.report_generations_requeue() == 0
    for generation in (never_picked, worker_died):
        generation.refresh_from_db()
        assert generation.status == ReportGeneration.Status.FAILED and "aldrig færdig" in generation.error
    assert queued_messages(broker_on_own_redis) == []
