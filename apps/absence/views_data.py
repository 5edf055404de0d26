"""Data views: payroll imports (upload → preview → confirm) and the statistics page with its CSV export.

Imports are for HR (``absence.import``). Statistics are aggregates for everyone with
``absence.view_statistics``; figures describing fewer than ``settings.ABSENCE_MIN_GROUP_SIZE`` people
(a small unit, or few people with one absence type) are shown as "–" except to HR and administrators
(their scope) and leaders (their units).
"""

from __future__ import annotations

import base64
import secrets
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.core.exports import table_response
from apps.organizations.models import Organization, OrgUnit, Role
from apps.organizations.permissions import can, get_for_user, memberships_of

from .forms_data import ImportUploadForm, StatisticsFilterForm
from .imports import COLUMN_LABELS, COLUMNS, KINDS, ImportPlan, apply_import, parse_import
from .models import AbsenceType
from .statistics import CSV_COLUMNS, csv_rows, page_figures, unit_statistics, whole_months_as_of

SESSION_KEY = "absence_import"


# --- imports ----------------------------------------------------------------------------------------


@require_safe
@login_required
def import_template(request: HttpRequest, slug: str, kind: str, fmt: str) -> HttpResponse:
    """An empty file with the header row in the user's language, to fill in or to map a payroll export to."""
    organization = get_for_user(request.user, "absence.import", Organization, slug=slug)
    if kind not in COLUMNS or fmt not in ("csv", "xlsx"):
        raise Http404
    return table_response(
        fmt=fmt,
        filename=f"{slugify(str(KINDS[kind]))}-{organization.slug}",
        header=[str(COLUMN_LABELS[column]) for column in COLUMNS[kind]],
        rows=[],
        title=str(KINDS[kind]),
    )


def _pending(request: HttpRequest, organization: Organization, token: str) -> dict | None:
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != token or pending.get("organization") != organization.pk:
        return None
    return pending


def _preview(request: HttpRequest, organization: Organization, plan: ImportPlan, pending: dict, status=200):
    bad, good = plan.preview()
    context = {
        "organization": organization,
        "plan": plan,
        "kind_label": KINDS[plan.kind],
        "filename": pending["filename"],
        "token": pending["token"],
        "bad_rows": bad,
        "good_rows": good,
        "good_cut": len(good) < len(plan.records) - len(bad),  # more good rows than the preview shows
        "counts": plan.counts(),
    }
    return render(request, "absence/import_preview.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "absence.import", Organization, slug=slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        kind = form.cleaned_data["kind"]
        plan = parse_import(organization, kind, data, upload.name)
        if plan.file_error:
            form.add_error("file", plan.file_error)
        else:
            # The file waits in the session (not on disk) until it is confirmed or replaced.
            pending = {
                "token": secrets.token_urlsafe(16),
                "organization": organization.pk,
                "kind": kind,
                "filename": upload.name,
                "data": base64.b64encode(data).decode("ascii"),
            }
            request.session[SESSION_KEY] = pending
            return _preview(request, organization, plan, pending)
    return render(request, "absence/import_upload.html", {"organization": organization, "form": form})


@require_POST
@login_required
def import_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    organization = get_for_user(request.user, "absence.import", Organization, slug=slug)
    pending = _pending(request, organization, token)
    if pending is None:
        messages.error(
            request, _("This import has expired or was replaced by another file. Upload it again.")
        )
        return redirect("absence:import", organization.slug)
    data = base64.b64decode(pending["data"])
    # Validate again, in the same transaction as the write: the data may have changed since the preview.
    with transaction.atomic():
        plan = parse_import(organization, pending["kind"], data, pending["filename"])
        result = apply_import(organization=organization, plan=plan) if plan.ok else None
    if result is None:
        return _preview(request, organization, plan, pending, status=400)
    del request.session[SESSION_KEY]
    summary = _("%(file)s imported. New: %(created)d. Changed: %(updated)d. Unchanged: %(unchanged)d.") % {
        "file": pending["filename"],
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
    if plan.kind == "absences":
        summary += " " + _("Advisories already due, now in the queue: %(count)d.") % {
            "count": result.advisories
        }
    messages.success(request, summary)
    return redirect("absence:import", organization.slug)


# --- statistics -------------------------------------------------------------------------------------


def exempt_unit_ids(user, organization: Organization, units: list[OrgUnit]) -> set[int]:
    """Units whose figures the user sees unsuppressed: HR and administrators in their scope, leaders in
    the units they lead (DOMAIN.md 1.9: only they may see individual absence data anyway)."""
    scopes = []
    for membership in memberships_of(user):
        if membership.organization_id != organization.pk:
            continue
        if membership.role in (Role.HR, Role.ADMIN) and membership.unit_id is None:
            return {u.pk for u in units}
        if membership.role in (Role.HR, Role.ADMIN, Role.LEADER) and membership.unit_id is not None:
            scopes.append(membership.unit.path)
    return {u.pk for u in units if any(u.path.startswith(path) for path in scopes)}


def _statistics_context(request: HttpRequest, slug: str, *, page: bool) -> dict:
    organization = get_for_user(request.user, "absence.view_statistics", Organization, slug=slug)
    units = list(OrgUnit.objects.filter(organization=organization).order_by("path"))
    form = StatisticsFilterForm(request.GET or None, units=units)
    today = timezone.localdate()
    as_of: date = today
    unit = None
    if form.is_valid():
        as_of = form.cleaned_data["as_of"] or today
        unit = next((u for u in units if u.code == form.cleaned_data["unit"]), None)
    exempt = exempt_unit_ids(request.user, organization, units)
    chosen = as_of
    whole_months = len(exempt) < len(units) and whole_months_as_of(as_of) != as_of
    if whole_months:
        as_of = whole_months_as_of(as_of)
    if page:
        stats, charts = page_figures(organization, as_of, unit=unit, exempt_unit_ids=exempt, org_units=units)
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


@require_safe
@login_required
def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    context = _statistics_context(request, slug, page=True)
    charts = context["charts"]
    context["charts"] = [{**chart, "chart": _chart(chart["months"])} for chart in charts]
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
def statistics_csv(request: HttpRequest, slug: str, fmt: str = "csv") -> HttpResponse:
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
