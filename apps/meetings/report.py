"""The MED section of the annual report: meetings held, decisions taken, discussion-guide answers."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from apps.core.reporting import ReportSection
from apps.organizations.models import Organization

from .models import AgendaItem, Committee, DiscussionGuide, GuideAnswer, Meeting

DECISIONS_SHOWN = 100
PROCEDURAL_ITEMS = ("approve_agenda", "approve_minutes")


def _procedural_titles() -> set[str]:
    """The titles of the standard procedural items in every interface language: "Approval of the
    agenda (approved)" at every meeting says nothing to the members, unless a decision text was kept."""
    from .services import STANDARD_ITEMS

    titles: set[str] = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles.update(str(STANDARD_ITEMS[key][0]) for key in PROCEDURAL_ITEMS)
    return titles


def applies(organization: Organization) -> bool:
    """Whether this section can have anything for the organisation.
    MED committees are an employer's (the municipality's)."""
    return organization.kind == Organization.Kind.EMPLOYER


def build_section(organization: Organization, year: int) -> ReportSection | None:
    if not applies(organization):
        return None
    kinds = dict(Committee.Kind.choices)
    held = (
        Meeting.objects.filter(
            committee__organization=organization,
            date__year=year,
            status__in=[Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED],
        )
        .values("committee__kind")
        .annotate(meetings=Count("id"), committees=Count("committee", distinct=True))
        .order_by("committee__kind")
    )
    meetings_by_kind = [
        {"kind": kinds.get(row["committee__kind"], row["committee__kind"]), **row} for row in held
    ]
    decisions_qs = (
        AgendaItem.objects.filter(
            meeting__committee__organization=organization,
            meeting__date__year=year,
            meeting__status=Meeting.Status.MINUTES_APPROVED,
        )
        .exclude(outcome="")
        .exclude(title__in=_procedural_titles(), outcome_text="")
        .select_related("meeting__committee")
        .order_by("meeting__date", "meeting__committee__name", "position")
    )
    decisions_total = decisions_qs.count()
    decisions = list(decisions_qs[:DECISIONS_SHOWN])
    guides = []
    for guide in DiscussionGuide.objects.filter(organization=organization).annotate(
        questions=Count("themes__questions", distinct=True)
    ):
        answers = GuideAnswer.objects.filter(question__theme__guide=guide, updated_at__year=year)
        summary = answers.aggregate(answers=Count("id"), committees=Count("committee", distinct=True))
        if summary["answers"]:
            guides.append({"guide": guide, "questions": guide.questions, **summary})
    has_data = bool(meetings_by_kind or decisions_total or guides)
    return ReportSection(
        key="meetings",
        title=_("MED committees"),
        template="meetings/report_section.html",
        data={
            "meetings_by_kind": meetings_by_kind,
            "meetings_total": sum(row["meetings"] for row in meetings_by_kind),
            "decisions": decisions,
            "decisions_total": decisions_total,
            "decisions_hidden": max(0, decisions_total - DECISIONS_SHOWN),
            "guides": guides,
        },
        has_data=has_data,
        empty_message=_("No MED meetings were held this year."),
    )
