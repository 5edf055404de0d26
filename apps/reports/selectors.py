"""Reads for the annual report: which sections it has, built from the other apps' data."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.db.models import QuerySet

from apps.core import reporting
from apps.core.reporting import ReportSection
from apps.organizations.models import Organization

from .models import AnnualReport, PullQuote, ReportGeneration, ReportSectionChoice

logger = logging.getLogger(__name__)


@dataclass
class BuiltSection:
    """One enabled section of a report with what its app built for the year."""

    choice: ReportSectionChoice
    section: ReportSection | None
    quotes: list[PullQuote] = field(default_factory=list)
    failed: bool = False

    @property
    def key(self) -> str:
        return self.choice.key

    @property
    def anchor(self) -> str:
        return f"section-{self.choice.key}"

    @property
    def title(self):
        return self.section.title if self.section is not None else section_label(self.choice.key)


def section_label(key: str) -> str:
    """A name for a section key before its app has built anything (the app's verbose name)."""
    try:
        return str(django_apps.get_app_config(key).verbose_name)
    except LookupError:
        return key


def reports_for_list(organization: Organization, *, include_drafts: bool) -> QuerySet[AnnualReport]:
    reports = AnnualReport.objects.filter(organization=organization).order_by("-year")
    if not include_drafts:
        reports = reports.filter(status=AnnualReport.Status.FINAL)
    return reports


def report_for_editor(pk: int) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.select_related("organization").filter(pk=pk)


def section_choices(report: AnnualReport) -> list[ReportSectionChoice]:
    """The report's sections in order, those that cannot have anything for its organisation left out
    (reports made before ``reporting.sections_for`` have a choice for every app)."""
    keys = reporting.sections_for(report.organization)
    return [c for c in report.section_choices.order_by("position", "id") if c.key in keys]


def latest_generation(report: AnnualReport) -> ReportGeneration | None:
    return report.generations.order_by("-created_at", "-id").first()


def final_pdf(report: AnnualReport) -> ReportGeneration | None:
    """The PDF built when the report was made final: the one members download, never built again. A
    final report cannot change after that moment (``updated_at``), so it is the first PDF from then."""
    if not report.is_final:
        return None
    return (
        report.generations.filter(status=ReportGeneration.Status.DONE, created_at__gte=report.updated_at)
        .exclude(file="")
        .order_by("created_at", "id")
        .first()
    )


def latest_stored_pdf(report: AnnualReport) -> ReportGeneration | None:
    """The newest finished PDF of the report that is still stored."""
    return (
        report.generations.filter(status=ReportGeneration.Status.DONE)
        .exclude(file="")
        .order_by("-created_at", "-id")
        .first()
    )


def report_sections_build(
    report: AnnualReport, *, on_section: Callable[[int, int], None] | None = None
) -> list[BuiltSection]:
    """Build every enabled section in the report's order, one app at a time.

    ``on_section(done, total)`` is called after each section so a generation can show progress. A
    section whose app fails is shown as failed and logged, so one app's defect does not stop the
    whole report from being printed.
    """
    choices = [c for c in section_choices(report) if c.enabled]
    quotes: dict[str, list[PullQuote]] = {}
    for quote in report.pull_quotes.order_by("id"):
        quotes.setdefault(quote.section_key, []).append(quote)
    built: list[BuiltSection] = []
    for done, choice in enumerate(choices, start=1):
        try:
            sections = reporting.build_sections(report.organization, report.year, [choice.key])
        except Exception:
            logger.exception("report section %s failed for report %s", choice.key, report.pk)
            built.append(
                BuiltSection(choice=choice, section=None, quotes=quotes.get(choice.key, []), failed=True)
            )
        else:
            if sections:
                built.append(
                    BuiltSection(choice=choice, section=sections[0], quotes=quotes.get(choice.key, []))
                )
        if on_section is not None:
            on_section(done, len(choices))
    return built


def foreword_quotes(report: AnnualReport) -> list[PullQuote]:
    return list(report.pull_quotes.filter(section_key="").order_by("id"))
