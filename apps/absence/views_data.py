"""Data views: payroll imports (upload → the worker checks → preview → confirm → the worker imports) and
the statistics page with its CSV export.

Imports are for HR (``absence.import``). Statistics are aggregates for everyone with
``absence.view_statistics``; figures describing fewer than ``settings.ABSENCE_MIN_GROUP_SIZE`` people
(a small unit, or few people with one absence type) are shown as "–" except to HR and administrators
(their scope) and leaders (their units).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from apps.core.exports import table_response
from apps.organizations.models import Organization, OrgUnit, Role
from apps.organizations.permissions import can, get_for_user, memberships_of

from . import privacy
from .forms_data import ImportUploadForm, StatisticsFilterForm
from .imports import jobs as import_jobs
from .imports.files import COLUMN_LABELS, COLUMNS, KINDS
from .models import AbsenceType, Employee, EmployeeAccessLog, ImportJob
from .statistics.export import CSV_COLUMNS, csv_rows
from .statistics.figures import page_figures, unit_statistics
from .statistics.periods import whole_months_as_of

RECENT_JOBS = 10  # the organisation's latest imports, listed under the upload form


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


def _job(request: HttpRequest, slug: str, pk: int) -> tuple[Organization, ImportJob]:
    organization = get_for_user(request.user, "absence.import", Organization, slug=slug)
    job = ImportJob.objects.filter(organization=organization, pk=pk).first()
    if job is None:
        raise Http404
    return organization, job


def _job_url(job: ImportJob) -> str:
    return reverse("absence:import_job", args=[job.organization.slug, job.pk])


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "absence.import", Organization, slug=slug)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # The worker checks the stored file; the job page shows how far it is.
            try:
                job = import_jobs.import_job_start(
                    organization=organization,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    user=request.user,
                )
            except import_jobs.ImportQueueUnavailable:
                messages.error(
                    request,
                    _(
                        "The file could not be checked: the job queue is not reachable just now. "
                        "Nothing was imported; upload the file again later."
                    ),
                )
                status = 503
            else:
                return redirect(_job_url(job))
        else:
            status = 400
    jobs = ImportJob.objects.filter(organization=organization).order_by("-created_at")[:RECENT_JOBS]
    context = {
        "organization": organization,
        "form": form,
        "jobs": jobs,
        "max_mb": settings.PORTAL_IMPORT_MAX_MB,
    }
    return render(request, "absence/import_upload.html", context, status=status)


def _log_shown_rows(request: HttpRequest, organization: Organization, job: ImportJob) -> None:
    """The preview shows employee numbers with absence data: log the employees they name (as every
    absence page logs what it shows)."""
    if job.kind == "units":
        return
    column = COLUMNS[job.kind].index("employee_number")
    numbers = {row["values"][column] for row in [*job.row_errors, *job.preview_rows] if row["values"]}
    numbers.discard("")
    if not numbers:
        return
    employees = Employee.objects.filter(organization=organization, employee_number__in=numbers).values_list(
        "pk", flat=True
    )
    privacy.access_log_record(
        employees=list(employees),
        user=request.user,
        action=EmployeeAccessLog.Action.LIST_ROW,
        where=request.resolver_match.view_name,
    )


def _job_context(organization: Organization, job: ImportJob) -> dict:
    done, total = import_jobs.import_job_progress(job)
    counts = job.counts or {}
    return {
        "organization": organization,
        "job": job,
        "kind_label": KINDS.get(job.kind, job.kind),
        "columns": COLUMNS.get(job.kind, []),
        "rows_done": done,
        "rows_total": total,
        "counts": counts,
        "good_cut": len(job.preview_rows) < counts.get("rows", 0) - counts.get("bad", 0),
    }


@require_safe
@login_required
def import_job(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The job's page: a progress bar while the worker checks or imports (htmx polls the status part
    every second; without JavaScript a link reloads the page), then the preview, the problems or the
    result."""
    organization, job = _job(request, slug, pk)
    if job.status == ImportJob.Status.CHECKED:
        _log_shown_rows(request, organization, job)
    template = "absence/import_job.html"
    if request.htmx and not request.htmx.boosted:
        if not job.is_running:  # finished while the page polled: the whole page shows the result
            return HttpResponseClientRefresh()
        template += "#status"
    return render(request, template, _job_context(organization, job))


@require_POST
@login_required
def import_job_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization, job = _job(request, slug, pk)
    try:
        import_jobs.import_job_confirm(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except import_jobs.ImportQueueUnavailable:
        messages.error(
            request,
            _(
                "The file could not be imported: the job queue is not reachable just now. Nothing was "
                "imported; confirm again later."
            ),
        )
    return redirect(_job_url(job))


@require_POST
@login_required
def import_job_discard(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organization, job = _job(request, slug, pk)
    try:
        import_jobs.import_job_discard(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_job_url(job))
    messages.success(request, _("The file was deleted."))
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
