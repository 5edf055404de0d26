"""Payroll imports: upload → the worker checks → preview → confirm → the worker imports. For HR
(``absence.import``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from apps.core.exports import file_slug, table_response
from apps.core.forms import error_text
from apps.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from apps.organizations.models import Organization
from apps.organizations.permissions import get_for_user

from . import privacy, selectors
from .forms import ImportUploadForm
from .imports import jobs as import_jobs
from .imports.files import COLUMNS, KINDS, column_labels
from .models import NOTE_MAX_LENGTH, Employee, EmployeeAccessLog, ImportJob

RECENT_JOBS = 10  # the organisation's latest imports, listed under the upload form


@require_safe
@login_required
def import_template(request: AuthenticatedHttpRequest, slug: str, kind: str, fmt: str) -> HttpResponse:
    """An empty file with the header row in the user's language, to fill in or to map a payroll export to."""
    organization = get_for_user(request.user, "absence.import", selectors.employers(), slug=slug)
    if kind not in COLUMNS or fmt not in ("csv", "xlsx"):
        raise Http404
    return table_response(
        fmt=fmt,
        filename=f"{file_slug(str(KINDS[kind]))}-{organization.slug}",
        header=[str(label) for label in column_labels(kind)],
        rows=[],
        title=str(KINDS[kind]),
    )


def _job(request: HtmxHttpRequest, slug: str, pk: int) -> tuple[Organization, ImportJob]:
    organization = get_for_user(request.user, "absence.import", selectors.employers(), slug=slug)
    job = ImportJob.objects.filter(organization=organization, pk=pk).first()
    if job is None:
        raise Http404
    return organization, job


def _job_url(job: ImportJob) -> str:
    return reverse("absence:import_job", args=[job.organization.slug, job.pk])


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "absence.import", selectors.employers(), slug=slug)
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
        "note_max_length": NOTE_MAX_LENGTH,
        # Each kind's columns as the templates head them (in the reader's language) and by their English keys.
        "columns": {
            kind: {"labels": column_labels(kind), "keys": ",".join(columns)}
            for kind, columns in COLUMNS.items()
        },
    }
    return render(request, "absence/import_upload.html", context, status=status)


def _log_shown_rows(request: AuthenticatedHttpRequest, organization: Organization, job: ImportJob) -> None:
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
        "columns": column_labels(job.kind),
        "rows_done": done,
        "rows_total": total,
        "counts": counts,
        "good_cut": len(job.preview_rows) < counts.get("rows", 0) - counts.get("bad", 0),
        "keep_days": settings.ABSENCE_IMPORT_JOB_KEEP_DAYS,
    }


@require_safe
@login_required
def import_job(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
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
def import_job_confirm(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    organization, job = _job(request, slug, pk)
    try:
        import_jobs.import_job_confirm(job=job)
    except ValidationError as error:
        messages.error(request, error_text(error))
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
def import_job_discard(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    organization, job = _job(request, slug, pk)
    try:
        import_jobs.import_job_discard(job=job)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(_job_url(job))
    messages.success(request, _("The file was deleted."))
    return redirect("absence:import", organization.slug)
