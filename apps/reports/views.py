from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from apps.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from apps.organizations.models import Organization
from apps.organizations.permissions import can, get_for_user

from . import selectors, services
from .forms import MoveForm, PullQuoteForm, ReportCreateForm, ReportForm, SectionIntroductionForm
from .models import AnnualReport, PullQuote, ReportGeneration, ReportSectionChoice

REPORTS = AnnualReport.objects.select_related("organization")
CHOICES = ReportSectionChoice.objects.select_related("report__organization")
REPORT_CHANGED = "report-changed"


@require_safe
@login_required
def report_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "reports.view", Organization, slug=slug)
    return _render_list(request, organization, ReportCreateForm(organization=organization))


@require_POST
@login_required
def report_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "reports.edit", Organization, slug=slug)
    form = ReportCreateForm(request.POST, organization=organization)
    if not form.is_valid():
        return _render_list(request, organization, form, status=400)
    report = services.annual_report_create(organization=organization, year=form.cleaned_data["year"])
    return redirect("reports:report_detail", report.organization.slug, report.pk)


def _render_list(request: HtmxHttpRequest, organization, form, status=200) -> HttpResponse:
    may_edit = can(request.user, "reports.edit", organization)
    stored = ReportGeneration.objects.filter(
        report=OuterRef("pk"), status=ReportGeneration.Status.DONE
    ).exclude(file="")
    reports = selectors.reports_for_list(organization, include_drafts=may_edit).annotate(
        has_pdf=Exists(stored)
    )
    return render(
        request,
        "reports/report_list.html",
        {"organization": organization, "reports": reports, "may_edit": may_edit, "form": form},
        status=status,
    )


@require_safe
@login_required
def report_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    report = get_for_user(request.user, "reports.view", REPORTS, pk=pk, org_slug=slug)
    return _render_detail(request, report)


def _section_options(choices: list[ReportSectionChoice]) -> list[tuple[str, str]]:
    return [(c.key, selectors.section_label(c.key)) for c in choices]


def _render_detail(
    request: HtmxHttpRequest,
    report: AnnualReport,
    *,
    report_form: ReportForm | None = None,
    quote_form: PullQuoteForm | None = None,
    intro_forms: dict[int, SectionIntroductionForm] | None = None,
    partial: str = "",
    status: int = 200,
) -> HttpResponse:
    may_edit = can(request.user, "reports.edit", report) and not report.is_final
    final_pdf = selectors.final_pdf(report)
    choices = selectors.section_choices(report)
    context = {
        "report": report,
        "organization": report.organization,
        "may_edit": may_edit,
        "generation": selectors.latest_generation(report),
        "stored_pdf": selectors.latest_stored_pdf(report),
        "final_pdf": final_pdf,
        "year_running": report.year >= timezone.localdate().year,
    }
    context["may_generate"] = can(request.user, "reports.edit", report) and final_pdf is None
    if may_edit:
        intro_forms = intro_forms or {}
        context.update(
            {
                "report_form": report_form or ReportForm(instance=report, prefix="report"),
                "quote_form": quote_form or PullQuoteForm(sections=_section_options(choices), prefix="quote"),
                "choices": [
                    (
                        choice,
                        selectors.section_label(choice.key),
                        intro_forms.get(choice.pk)
                        or SectionIntroductionForm(instance=choice, prefix=f"section-{choice.pk}"),
                    )
                    for choice in choices
                ],
                "quotes": [
                    (quote, selectors.section_label(quote.section_key) if quote.section_key else "")
                    for quote in report.pull_quotes.order_by("id")
                ],
            }
        )
    if not partial and final_pdf is None:  # a final report is its PDF, not today's figures
        context["preview"] = _render_preview(request, report)
    template = "reports/report_detail.html" + (f"#{partial}" if partial else "")
    return render(request, template, context, status=status)


def _render_preview(request: HtmxHttpRequest, report: AnnualReport) -> str:
    """The report's HTML in the report's own language, with the same section templates as the PDF."""
    with translation.override(report.language):
        html = render_to_string(
            "reports/report_detail.html#preview",
            {
                "report": report,
                "organization": report.organization,
                "year": report.year,
                "sections": selectors.report_sections_build(report),
                "foreword_quotes": selectors.foreword_quotes(report),
            },
            request=request,
        )
    return mark_safe(html)  # noqa: S308 - rendered by our own templates with autoescaping on


@require_safe
@login_required
def report_preview(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    report = get_for_user(request.user, "reports.view", REPORTS, pk=pk, org_slug=slug)
    if not request.htmx:
        return _render_detail(request, report)
    return HttpResponse(_render_preview(request, report))


def _saved(request: HtmxHttpRequest, report: AnnualReport, message: str = "") -> HttpResponse:
    """After a change: the editor again (htmx, and the preview is told to refresh) or a redirect."""
    if request.htmx:
        response = _render_detail(request, report, partial="editor")
        return trigger_client_event(response, REPORT_CHANGED)
    if message:
        messages.success(request, message)
    return redirect("reports:report_detail", report.organization.slug, report.pk)


def _refused(request: HtmxHttpRequest, report: AnnualReport, error: ValidationError) -> HttpResponse:
    for text in error.messages:
        messages.error(request, text)
    url = reverse("reports:report_detail", args=[report.organization.slug, report.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _editor_invalid(request: HtmxHttpRequest, report: AnnualReport, **forms) -> HttpResponse:
    if report.is_final:  # a stale editor: say why nothing can be saved rather than show the errors
        return _refused(
            request, report, ValidationError(_("The report is final and can no longer be changed."))
        )
    # 400 with htmx too: the editor with its errors still replaces itself (htmx swaps 400, base.html).
    return _render_detail(request, report, partial="editor" if request.htmx else "", status=400, **forms)


@require_POST
@login_required
def report_update(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    report = get_for_user(request.user, "reports.edit", REPORTS, pk=pk, org_slug=slug)
    form = ReportForm(request.POST, instance=AnnualReport.objects.get(pk=report.pk), prefix="report")
    if not form.is_valid():
        return _editor_invalid(request, report, report_form=form)
    try:
        services.annual_report_update(report=report, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, report, error)
    return _saved(request, report, _("The foreword and details were saved."))


@require_POST
@login_required
def section_move(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    choice = get_for_user(request.user, "reports.edit", CHOICES, pk=pk, org_slug=slug)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    try:
        services.report_section_move(choice=choice, direction=form.cleaned_data["direction"])
    except ValidationError as error:
        return _refused(request, choice.report, error)
    return _saved(request, choice.report, _("The order of the sections was changed."))


@require_POST
@login_required
def section_toggle(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    choice = get_for_user(request.user, "reports.edit", CHOICES, pk=pk, org_slug=slug)
    try:
        services.report_section_toggle(choice=choice)
    except ValidationError as error:
        return _refused(request, choice.report, error)
    return _saved(request, choice.report, _("The section was switched."))


@require_POST
@login_required
def section_introduction(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    choice = get_for_user(request.user, "reports.edit", CHOICES, pk=pk, org_slug=slug)
    form = SectionIntroductionForm(
        request.POST, instance=ReportSectionChoice.objects.get(pk=choice.pk), prefix=f"section-{choice.pk}"
    )
    if not form.is_valid():
        return _editor_invalid(request, choice.report, intro_forms={choice.pk: form})
    try:
        services.report_section_update(
            choice=choice, enabled=choice.enabled, introduction=form.cleaned_data["introduction"]
        )
    except ValidationError as error:
        return _refused(request, choice.report, error)
    return _saved(request, choice.report, _("The introduction was saved."))


@require_POST
@login_required
def quote_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    report = get_for_user(request.user, "reports.edit", REPORTS, pk=pk, org_slug=slug)
    sections = _section_options(selectors.section_choices(report))
    form = PullQuoteForm(request.POST, sections=sections, prefix="quote")
    if not form.is_valid():
        return _editor_invalid(request, report, quote_form=form)
    try:
        services.pull_quote_add(report=report, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, report, error)
    return _saved(request, report, _("The quotation was added."))


@require_POST
@login_required
def quote_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    quote = get_for_user(
        request.user,
        "reports.edit",
        PullQuote.objects.select_related("report__organization"),
        pk=pk,
        org_slug=slug,
    )
    try:
        services.pull_quote_delete(quote=quote)
    except ValidationError as error:
        return _refused(request, quote.report, error)
    return _saved(request, quote.report, _("The quotation was removed."))


@require_POST
@login_required
def report_publish(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    report = get_for_user(request.user, "reports.edit", REPORTS, pk=pk, org_slug=slug)
    try:
        services.annual_report_publish(report=report, user=request.user)
    except ValidationError as error:
        return _refused(request, report, error)
    except services.QueueUnavailable:
        report.refresh_from_db()
        return _not_queued(
            request, report, _("The report could not be published: the PDF job could not be queued.")
        )
    messages.success(request, _("The report is final. Its PDF is being built for the members."))
    url = reverse("reports:report_detail", args=[report.organization.slug, report.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
@login_required
def report_generate(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    report = get_for_user(request.user, "reports.edit", REPORTS, pk=pk, org_slug=slug)
    try:
        generation = services.report_generation_start(report=report, user=request.user)
    except ValidationError as error:
        return _refused(request, report, error)
    except services.QueueUnavailable:
        return _not_queued(request, report, _("The PDF could not be built: the job could not be queued."))
    if request.htmx:
        return render(request, "reports/generation_status.html#status", _status_context(generation))
    return redirect("reports:generation_status", slug, generation.pk)


def _not_queued(request: HtmxHttpRequest, report: AnnualReport, what: str) -> HttpResponse:
    """The broker is unreachable: say so on the report page; nothing was kept, so trying later is safe."""
    advice = _("The job queue is not reachable just now. Nothing was changed; try again later.")
    messages.error(request, f"{what} {advice}")
    if request.htmx:
        return HttpResponseClientRedirect(
            reverse("reports:report_detail", args=[report.organization.slug, report.pk])
        )
    return _render_detail(request, report, status=503)


def _status_context(generation: ReportGeneration) -> dict:
    return {
        "generation": generation,
        "report": generation.report,
        "organization": generation.report.organization,
    }


@require_safe
@login_required
def generation_status(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    generation = get_for_user(
        request.user,
        "reports.view",
        ReportGeneration.objects.select_related("report__organization"),
        pk=pk,
        org_slug=slug,
    )
    template = "reports/generation_status.html" + ("#status" if request.htmx else "")
    return render(request, template, _status_context(generation))


@require_safe
@login_required
def report_download(request: AuthenticatedHttpRequest, slug: str, pk: int) -> FileResponse:
    report = get_for_user(request.user, "reports.view", REPORTS, pk=pk, org_slug=slug)
    generation = selectors.latest_stored_pdf(report)
    if generation is None:
        raise Http404
    return FileResponse(
        generation.file.open("rb"),
        as_attachment=True,
        filename=services.report_file_name(report),
        content_type="application/pdf",
    )
