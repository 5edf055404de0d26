"""The pool's section of the annual report: the year's applications, their step and eligible totals."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.reporting import ReportSection
from apps.organizations.models import Organization

from .selectors import applications_for_year, eligible_total


def applies(organization: Organization) -> bool:
    """Whether this section can have anything for the organisation.
    The work-environment pool is applied for by an employer."""
    return organization.kind == Organization.Kind.EMPLOYER


def build_section(organization: Organization, year: int) -> ReportSection | None:
    if not applies(organization):
        return None
    rows = [
        {
            "title": str(application),
            "call": application.call.name,
            "theme": application.theme.name if application.theme else "",
            "status": application.get_status_display(),
            "eligible_total": eligible_total(application),
            "minimum": application.call.minimum_eligible_expenses,
        }
        for application in applications_for_year(organization, year)
    ]
    return ReportSection(
        key="pool",
        title=_("Work-environment pool"),
        template="pool/report_section.html",
        data={"applications": rows, "eligible_total": sum(r["eligible_total"] for r in rows)},
        has_data=bool(rows),
        empty_message=_("No applications to the work-environment pool this year."),
    )
