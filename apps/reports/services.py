"""Writes for the annual report. Views, the task and the command call these."""

from __future__ import annotations

import base64
import logging
from datetime import date, datetime, timedelta
from functools import partial
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

from apps.core import reporting
from apps.core.exports import file_slug
from apps.core.ordering import move_row
from apps.core.pdf import render_pdf
from apps.core.reporting import SECTION_APPS
from apps.organizations.models import Organization

from . import selectors
from .models import AnnualReport, PullQuote, ReportGeneration, ReportSectionChoice

logger = logging.getLogger(__name__)


def _ensure_draft(report: AnnualReport) -> None:
    if report.is_final:
        raise ValidationError(_("The report is final and can no longer be changed."))


@transaction.atomic
def annual_report_create(
    *, organization: Organization, year: int, report_date: date | None = None
) -> AnnualReport:
    """A draft report with the default title and every data section switched on."""
    if AnnualReport.objects.filter(organization=organization, year=year).exists():
        raise ValidationError({"year": _("There is already a report for this year.")})
    with translation.override(organization.language):
        title = gettext("Annual report %(year)s") % {"year": year}
        # A union's chair signs for its board; an employer has no board to sign for.
        on_behalf_of = (
            "" if organization.kind == Organization.Kind.EMPLOYER else gettext("on behalf of the board")
        )
    report = AnnualReport(
        organization=organization,
        year=year,
        title=title,
        on_behalf_of=on_behalf_of,
        language=organization.language,
        report_date=report_date or timezone.localdate(),
    )
    report.full_clean()
    report.save()
    ReportSectionChoice.objects.bulk_create(
        ReportSectionChoice(report=report, key=key, position=position)
        for position, key in enumerate(reporting.sections_for(organization), start=1)
    )
    return report


@transaction.atomic
def annual_report_update(
    *,
    report: AnnualReport,
    title: str,
    foreword: str,
    signed_by: str,
    on_behalf_of: str,
    language: str,
    report_date: date,
) -> AnnualReport:
    _ensure_draft(report)
    report.title = title
    report.foreword = foreword
    report.signed_by = signed_by
    report.on_behalf_of = on_behalf_of
    report.language = language
    report.report_date = report_date
    report.full_clean(exclude=["organization"])
    report.save(
        update_fields=[
            "title",
            "foreword",
            "signed_by",
            "on_behalf_of",
            "language",
            "report_date",
            "updated_at",
        ]
    )
    return report


@transaction.atomic
def report_section_move(*, choice: ReportSectionChoice, direction: Literal["up", "down"]) -> None:
    """Swap the section with its neighbour; at the top or bottom nothing changes."""
    _ensure_draft(choice.report)
    move_row(choice.report.section_choices.all(), choice, direction)


@transaction.atomic
def report_section_update(*, choice: ReportSectionChoice, enabled: bool, introduction: str) -> None:
    _ensure_draft(choice.report)
    choice.enabled = enabled
    choice.introduction = introduction
    choice.save(update_fields=["enabled", "introduction"])


@transaction.atomic
def report_section_toggle(*, choice: ReportSectionChoice) -> None:
    _ensure_draft(choice.report)
    choice.enabled = not choice.enabled
    choice.save(update_fields=["enabled"])


@transaction.atomic
def pull_quote_add(*, report: AnnualReport, text: str, attribution: str, section_key: str) -> PullQuote:
    _ensure_draft(report)
    if section_key and section_key not in SECTION_APPS:
        raise ValidationError({"section_key": _("Choose one of the report's sections.")})
    quote = PullQuote(report=report, text=text, attribution=attribution, section_key=section_key)
    quote.full_clean()
    quote.save()
    return quote


@transaction.atomic
def pull_quote_delete(*, quote: PullQuote) -> None:
    _ensure_draft(quote.report)
    quote.delete()


class QueueUnavailable(Exception):
    """The PDF job could not be handed to the worker (the broker is unreachable); nothing was kept."""


def _enqueue_or_undo(*, generation_id: int, report_id: int, unpublish: bool) -> None:
    """After commit: send the job; if the broker refuses it, undo what the request wrote and say so.

    Undone rather than left ``queued``: a job that never runs would show a waiting PDF for ever, and a
    report marked final without its PDF would leave the members without one.
    """
    from .tasks import generate_report_task

    try:
        generate_report_task.delay(report_id, generation_id)
    except (OperationalError, OSError) as error:
        logger.warning("annual report generation %s could not be queued: %s", generation_id, error)
        with transaction.atomic():
            ReportGeneration.objects.filter(pk=generation_id, status=ReportGeneration.Status.QUEUED).delete()
            if unpublish:
                AnnualReport.objects.filter(pk=report_id).update(
                    status=AnnualReport.Status.DRAFT, updated_at=timezone.now()
                )
        raise QueueUnavailable from error


def _generation_queue(*, report: AnnualReport, user, unpublish: bool) -> ReportGeneration:
    generation = ReportGeneration.objects.create(report=report, requested_by=user)
    transaction.on_commit(
        partial(_enqueue_or_undo, generation_id=generation.pk, report_id=report.pk, unpublish=unpublish),
        robust=False,
    )
    return generation


@transaction.atomic
def report_generation_start(*, report: AnnualReport, user=None) -> ReportGeneration:
    """Queue a PDF build; the worker picks it up once this transaction has committed.

    Raises ``QueueUnavailable`` (at commit) when the broker cannot take the job; then no generation
    is left behind. A final report whose PDF is built is refused: that PDF is the report the members
    download, and a new one would hold today's figures, not those it was made final with.
    """
    if selectors.final_pdf(report) is not None:
        raise ValidationError(
            _("The report is final and its PDF is built: that PDF is the report, and it is not built again.")
        )
    return _generation_queue(report=report, user=user, unpublish=False)


@transaction.atomic
def annual_report_publish(*, report: AnnualReport, user=None) -> ReportGeneration:
    """Make the report final and build the PDF that members will download.

    Raises ``QueueUnavailable`` (at commit) when the broker cannot take the job; then the report is a
    draft again.
    """
    _ensure_draft(report)
    report.status = AnnualReport.Status.FINAL
    report.save(update_fields=["status", "updated_at"])
    return _generation_queue(report=report, user=user, unpublish=True)


STALE_QUEUED_AFTER = timedelta(minutes=10)
GIVE_UP_AFTER = timedelta(days=1)


def report_generations_requeue(*, now: datetime | None = None) -> int:
    """Send again the jobs still ``queued`` after ``STALE_QUEUED_AFTER``: the broker lost them (it was
    down or restarted empty) or the web process died between commit and send. Safe to run twice: a
    job that is sent twice is built once (``report_generate`` claims it). A job still queued or
    running after ``GIVE_UP_AFTER`` (its worker died) is marked failed, so no page waits for it for
    ever. Returns the number sent.
    """
    from .tasks import generate_report_task

    now = now or timezone.now()
    waiting = ReportGeneration.objects.filter(
        status__in=[ReportGeneration.Status.QUEUED, ReportGeneration.Status.RUNNING],
        created_at__lt=now - GIVE_UP_AFTER,
    )
    waiting.update(
        status=ReportGeneration.Status.FAILED,
        error=gettext("The PDF job was never finished by the worker. Build the PDF again."),
        finished_at=now,
    )
    queued = ReportGeneration.objects.filter(status=ReportGeneration.Status.QUEUED)
    sent = 0
    for generation_id, report_id in queued.filter(created_at__lt=now - STALE_QUEUED_AFTER).values_list(
        "pk", "report_id"
    ):
        generate_report_task.delay(report_id, generation_id)
        sent += 1
    if sent:
        logger.warning("re-queued %d annual report generations left queued", sent)
    return sent


def _logo_data_uri(organization: Organization) -> str:
    """The stored logo (a PNG the upload form wrote) inline, so WeasyPrint needs no URL or storage path."""
    if not organization.logo:
        return ""
    try:
        with organization.logo.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        logger.warning("logo of %s is missing from the storage", organization.slug)
        return ""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def annual_report_render_pdf(report: AnnualReport, *, on_section=None) -> bytes:
    """The report as PDF bytes, in the report's language; same data gives the same document."""
    organization = report.organization
    with translation.override(report.language):
        sections = selectors.report_sections_build(report, on_section=on_section)
        return render_pdf(
            "reports/report_pdf.html",
            {
                "report": report,
                "organization": organization,
                "year": report.year,
                "logo_src": _logo_data_uri(organization),
                "sections": sections,
                "foreword_quotes": selectors.foreword_quotes(report),
            },
            title=report.title,
            author=organization.name,
            language=report.language,
        )


def report_file_name(report: AnnualReport) -> str:
    """beretning-2026-djoef-offentlig.pdf; the year is added when the title does not hold it."""
    title = file_slug(report.title) or "report"
    year = "" if str(report.year) in title else f"-{report.year}"
    return f"{title}-{report.organization.slug}{year}.pdf"


def report_generate(*, report_id: int, generation_id: int) -> ReportGeneration:
    """Build the PDF for a queued generation, saving progress after each section.

    Not one transaction on purpose: every progress step is committed so the page polling the status
    sees it move. The finished file replaces the report's previously stored PDF.
    """
    claimed = ReportGeneration.objects.filter(
        pk=generation_id, report_id=report_id, status=ReportGeneration.Status.QUEUED
    ).update(status=ReportGeneration.Status.RUNNING, progress=0)
    generation = ReportGeneration.objects.select_related("report__organization").get(
        pk=generation_id, report_id=report_id
    )
    if not claimed:  # finished, or being built by another copy of the job (sent again by the sweep)
        return generation

    def on_section(done: int, total: int) -> None:
        # The last 10 % is the layout of the PDF itself.
        generation.progress = int(90 * done / total)
        generation.save(update_fields=["progress"])

    try:
        pdf = annual_report_render_pdf(generation.report, on_section=on_section)
    except Exception as exc:
        logger.exception("annual report generation %s failed", generation.pk)
        generation.status = ReportGeneration.Status.FAILED
        generation.error = f"{exc.__class__.__name__}: {exc}"[:2000]
        generation.finished_at = timezone.now()
        generation.save(update_fields=["status", "error", "finished_at"])
        return generation
    _generation_store(generation=generation, pdf=pdf)
    return generation


@transaction.atomic
def _generation_store(*, generation: ReportGeneration, pdf: bytes) -> None:
    older = (
        ReportGeneration.objects.select_for_update()
        .filter(report_id=generation.report_id, pk__lt=generation.pk)
        .exclude(file="")
    )
    for old in older:
        old.file.delete(save=False)
        old.save(update_fields=["file"])
    generation.file.save(report_file_name(generation.report), ContentFile(pdf), save=False)
    generation.status = ReportGeneration.Status.DONE
    generation.progress = 100
    generation.finished_at = timezone.now()
    generation.save(update_fields=["file", "status", "progress", "finished_at"])
