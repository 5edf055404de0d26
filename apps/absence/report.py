"""The sickness-absence section of the annual report: aggregates per area, never individual data.

Per area (the units right below the top of the tree) over the 12 months up to 31 December: employees,
sick days, absence percentage and days per full-time employee. Figures describing fewer than
``settings.ABSENCE_MIN_GROUP_SIZE`` people are suppressed for every reader, HR too: the report reaches
the union side (``suppress_small_groups`` with no exempt unit).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from apps.core.reporting import ReportSection
from apps.organizations.models import Organization, OrgUnit

from .models import AbsenceType

SICK_TYPES = {
    AbsenceType.SICK,
    AbsenceType.SICK_PARTIAL,
    AbsenceType.SICK_S56,
    AbsenceType.PREGNANCY,
    AbsenceType.WORK_INJURY,
}
AREA_DEPTH = 2


def _area_rows(stats: dict) -> list[dict]:
    """One row per area, figures None where the statistics hide them: a whole small area, or the
    figures of a few people in a large one (sick days when any of the sick types is hidden: the sum
    of the visible ones would be wrong, and the hidden ones are hidden for a reason)."""
    depth_of = dict(
        OrgUnit.objects.filter(pk__in=[u["unit_id"] for u in stats["units"]]).values_list("pk", "depth")
    )
    rows = []
    for unit in stats["units"]:
        if depth_of.get(unit["unit_id"]) not in (1, AREA_DEPTH):
            continue
        suppressed = unit["suppressed"] or unit["employees"] < settings.ABSENCE_MIN_GROUP_SIZE
        sick = [t for t in unit["types"] if t["absence_type"] in SICK_TYPES]
        sick_days = None
        if not suppressed and not any(t["suppressed"] for t in sick):
            sick_days = sum(t["calendar_days"] for t in sick)
        total = unit["total"]
        rows.append(
            {
                "code": unit["code"],
                "name": unit["name"],
                "is_total": depth_of.get(unit["unit_id"]) == 1,
                "suppressed": suppressed,
                "employees": unit["employees"],
                "sick_days": sick_days,
                "absence_pct": None if suppressed or total["suppressed"] else total["absence_pct"],
                "days_per_fte": None if suppressed or total["suppressed"] else total["days_per_fte"],
            }
        )
    return rows


def _chart(rows: list[dict]) -> dict:
    """Bars of the absence percentage per area: plain SVG geometry, readable in black and white."""
    shown = [r for r in rows if not r["is_total"]]
    top = max([float(r["absence_pct"] or 0) for r in shown] + [1.0])
    bar_height, gap, label_width, width = 18, 10, 220, 560
    scale = (width - label_width - 60) / top
    bars = []
    for index, row in enumerate(shown):
        value = float(row["absence_pct"] or 0)
        bars.append(
            {
                "y": index * (bar_height + gap),
                "text_y": index * (bar_height + gap) + 13,
                "width": 0 if row["absence_pct"] is None else round(scale * value, 1),
                "row": row,
            }
        )
    return {
        "bars": bars,
        "height": max(len(shown) * (bar_height + gap), bar_height),
        "width": width,
        "label_width": label_width,
        "bar_height": bar_height,
    }


def applies(organization: Organization) -> bool:
    """Whether this section can have anything for the organisation.
    Absence is an employer's: a union employs nobody in the portal."""
    return organization.kind == Organization.Kind.EMPLOYER


def build_section(organization: Organization, year: int) -> ReportSection | None:
    if not applies(organization):
        return None
    from .statistics.figures import unit_statistics
    from .statistics.frozen import anyone_employed_by

    as_of = date(year, 12, 31)
    title = _("Sickness absence")
    if not anyone_employed_by(organization, as_of):
        return ReportSection(
            key="absence",
            title=title,
            template="absence/report_section.html",
            has_data=False,
            empty_message=_("No employees are registered for this year."),
        )
    stats = unit_statistics(organization, as_of, suppress=True)
    rows = _area_rows(stats)
    return ReportSection(
        key="absence",
        title=title,
        template="absence/report_section.html",
        data={
            "rows": rows,
            "window_start": stats["window_start"],
            "window_end": stats["window_end"],
            "min_group_size": settings.ABSENCE_MIN_GROUP_SIZE,
            "chart": _chart(rows),
        },
        has_data=bool(rows),
        empty_message=_("No absence figures for this year."),
    )
