"""The statistics page and its CSV and XLSX export: aggregates for everyone with
``absence.view_statistics``. Figures describing fewer than ``settings.ABSENCE_MIN_GROUP_SIZE`` people
(a small unit, or few people with one absence type) are shown as "–" except to HR and administrators
(their scope) and leaders (their units).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.templatetags.l10n import unlocalize
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.core.exports import table_response
from apps.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from apps.organizations.models import Organization, OrgUnit, Role
from apps.organizations.permissions import can, get_for_user, memberships_of

from . import selectors
from .forms import StatisticsFilterForm
from .models import AbsenceType
from .statistics.export import CSV_COLUMNS, csv_rows
from .statistics.figures import page_figures, unit_statistics
from .statistics.periods import whole_months_as_of


def exempt_unit_ids(user, organization: Organization, units: list[selectors.UnitRow]) -> set[int]:
    """Units whose figures the user sees unsuppressed: HR and administrators in their scope, leaders in
    the units they lead (DOMAIN.md 1.9: only they may see individual absence data anyway)."""
    scopes = []
    for membership in memberships_of(user):
        if membership.organization_id != organization.pk:
            continue
        if membership.role in (Role.HR, Role.ADMIN) and membership.unit_id is None:
            return {u.pk for u in units}
        if membership.role in (Role.HR, Role.ADMIN, Role.LEADER) and membership.unit is not None:
            scopes.append(membership.unit.path)
    return {u.pk for u in units if any(u.path.startswith(path) for path in scopes)}


def _statistics_context(request: HtmxHttpRequest, slug: str, *, page: bool) -> dict:
    organization = get_for_user(request.user, "absence.view_statistics", selectors.employers(), slug=slug)
    units = selectors.unit_rows(OrgUnit.objects.filter(organization=organization).order_by("path"))
    form = StatisticsFilterForm(request.GET or None, units=units)
    today = timezone.localdate()
    as_of: date = today
    unit = None
    if form.is_valid():
        as_of = form.cleaned_data["as_of"] or today
        chosen_unit = next((u for u in units if u.code == form.cleaned_data["unit"]), None)
        unit = chosen_unit.instance() if chosen_unit is not None else None
    exempt = exempt_unit_ids(request.user, organization, units)
    chosen = as_of
    whole_months = len(exempt) < len(units) and whole_months_as_of(as_of) != as_of
    if whole_months:
        as_of = whole_months_as_of(as_of)
    if page:
        instances = lambda: [u.instance() for u in units]  # noqa: E731 - on a cache miss only
        stats, charts = page_figures(
            organization, as_of, unit=unit, exempt_unit_ids=exempt, org_units=instances
        )
    else:
        stats, charts = unit_statistics(organization, as_of, unit=unit, exempt_unit_ids=exempt), []
    # The figures are as of an earlier month end than the day chosen: for the union side every day
    # (whole months only), and where retention has deleted rows of the window (figures were kept up to
    # each month end only). One notice says which day is shown and why.
    as_of_notice = None
    if stats["as_of"] != chosen:
        as_of_notice = {"whole_months": whole_months, "retention": stats["as_of"] != stats["requested_as_of"]}
    as_of = stats["as_of"]
    query = {"as_of": as_of.isoformat()}
    if unit is not None:
        query["unit"] = unit.code
    return {
        "organization": organization,
        "form": form,
        "stats": stats,
        "charts": charts,
        "unit": unit,
        "as_of": as_of,
        "chosen_as_of": chosen,
        "as_of_notice": as_of_notice,
        "exempt": exempt,
        "query": query,
        "may_import": can(request.user, "absence.import", organization),
    }


def _chart(series: list[dict]) -> dict:
    """Bar geometry for the inline SVG: one bar per month with its value written above it."""
    bar, gap, top, height = 26, 8, 24, 160
    values = [m["absence_pct"] for m in series if m["absence_pct"] is not None]
    peak = max([*values, 1])
    bars = []
    for index, month in enumerate(series):
        value = month["absence_pct"]
        bar_height = 0 if value is None else round(float(value) / float(peak) * height, 1)
        x = 40 + index * (bar + gap)
        bars.append(
            {
                **month,
                "x": x,
                "y": top + height - bar_height,
                "height": bar_height,
                "label_x": x + bar / 2,
                "label_y": top + height - bar_height - 6,
            }
        )
    return {
        "bars": bars,
        "width": 40 + len(series) * (bar + gap) + 10,
        "height": top + height + 50,
        "bar_width": bar,
        "baseline": top + height,
        "month_y": top + height + 18,
    }


def _chart_svg(chart: dict) -> SafeString:
    """The chart's inline SVG (``_chart``'s geometry of its months), written in one pass: a page has a
    chart of 24 bars for the unit and each unit below it, about four thousand template lookups (see
    apps/core/rows.py). Numbers unlocalised and labels localised by the template filters' own functions."""
    geometry = _chart(chart["months"])
    width, height, baseline = (unlocalize(geometry[key]) for key in ("width", "height", "baseline"))
    bar_width = unlocalize(geometry["bar_width"])
    month_y, year_y = unlocalize(geometry["month_y"]), unlocalize(geometry["month_y"] + 14)
    title = escape(_("Absence percentage per month, %(name)s") % {"name": chart["name"]})
    parts = [
        f'<svg class="portal-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="chart-title-{int(chart["unit_id"])}">'
        f'<title id="chart-title-{int(chart["unit_id"])}">{title}</title>'
        f'<line x1="36" y1="{baseline}" x2="{width}" y2="{baseline}" stroke="#1a1a1a" stroke-width="1" />'
    ]
    for bar in geometry["bars"]:
        x = unlocalize(bar["label_x"])
        if bar["suppressed"]:
            parts.append(f'<text x="{x}" y="{unlocalize(bar["label_y"])}" text-anchor="middle">–</text>')
        else:
            parts.append(
                f'<rect x="{unlocalize(bar["x"])}" y="{unlocalize(bar["y"])}" width="{bar_width}" '
                f'height="{unlocalize(bar["height"])}" fill="#5c5c5c" stroke="#1a1a1a" stroke-width="1" />'
                f'<text x="{x}" y="{unlocalize(bar["label_y"])}" text-anchor="middle">'
                f"{escape(floatformat(bar['absence_pct'], 1))}</text>"
            )
        month = bar["month"]
        parts.append(
            f'<text x="{x}" y="{month_y}" text-anchor="middle">{escape(date_format(month, "M"))}</text>'
            f'<text x="{x}" y="{year_y}" text-anchor="middle">{escape(date_format(month, "y"))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers, escaped labels and the escaped title only


@require_safe
@login_required
def statistics(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    context = _statistics_context(request, slug, page=True)
    charts = context["charts"]
    context["charts"] = [{**chart, "svg": _chart_svg(chart)} for chart in charts]
    query = urlencode(context["query"])
    context["csv_url"] = f"{reverse('absence:statistics_csv', args=[slug])}?{query}"
    context["xlsx_url"] = f"{reverse('absence:statistics_xlsx', args=[slug])}?{query}"
    # The chosen unit (or the top units) and the units directly below, each of those with a link to its
    # own page: all of a large organisation's thousands of units is megabytes of HTML (the CSV has them).
    as_of = context["as_of"].isoformat()
    rows = [
        {**row, "drill_query": urlencode({"unit": row["code"], "as_of": as_of})}
        for row in context["stats"]["units"]
    ]
    context["rows"] = rows
    context["any_suppressed"] = (
        any(u["suppressed"] or u["bradford"]["suppressed"] or u["total"]["suppressed"] for u in rows)
        or any(group["suppressed"] for u in rows for group in u["types"])
        or any(m["suppressed"] for chart in charts for m in chart["months"])
    )
    template = "absence/statistics.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


def _export_rows(stats: dict):
    """``csv_rows`` for people: type names in their language, figures as numbers (hidden ones empty)."""
    labels = dict(AbsenceType.choices)
    for code, absence_type, *figures in csv_rows(stats):
        if absence_type == "bradford":
            yield [code, _("Bradford bands (employees per band)"), *figures]
        else:
            numbers = (Decimal(figure) if figure else None for figure in figures)
            yield [code, labels.get(absence_type, absence_type), *numbers]


@require_safe
@login_required
def statistics_csv(request: AuthenticatedHttpRequest, slug: str, fmt: str = "csv") -> HttpResponse:
    context = _statistics_context(request, slug, page=False)
    header = [
        _("Unit code"),
        _("Absence type"),
        _("Employees"),
        _("Full-time equivalents"),
        _("Spells"),
        _("Calendar days"),
        _("Absence hours"),
        _("Possible hours"),
        _("Absence %"),
        _("Days per full-time employee"),
    ]
    assert len(header) == len(CSV_COLUMNS)
    return table_response(
        fmt=fmt,
        filename=f"absence-{context['organization'].slug}-{context['as_of'].isoformat()}",
        header=header,
        rows=_export_rows(context["stats"]),
        title=_("Absence"),
    )
