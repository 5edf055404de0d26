"""Follow-up views: the advisory queues, an employee's timeline, registrations, the GDPR export, policy.

Individual data is shown only to HR and the employee's own leader (``employees_visible_to``); the
union side gets 403 and other organisations 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from apps.core.forms import add_errors, error_text, form_error_text
from apps.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from apps.core.keyset import keyset_page
from apps.organizations.models import Organization, User
from apps.organizations.permissions import authorize, can, get_for_user, is_member, units_where

from . import privacy, selectors, services
from .forms import NoteReviewForm, PolicyForm, QueueBulkForm, QueueFilterForm, RegistrationForm, StepForm
from .models import (
    NOTE_MAX_LENGTH,
    NOTE_WARNING,
    AbsenceRegistration,
    Adjustment,
    Advisory,
    AdvisoryEvent,
    ContactForm,
    Employee,
    EmployeeAccessLog,
    FollowUpOutcome,
)

ACCESS_LOG_ON_PAGE = 5  # the newest entries on the employee's page; the whole log has a page of its own
ACCESS_LOG_PAGE_SIZE = 50
EMPLOYEES_PER_PAGE = 50
COUNT_LIMIT = 1000  # the queue counts its advisories this far; beyond, it says "more than 1,000"

# What the step form in each queue row offers: written out in the template (a form instance per row
# would cost a hundred renders per page).
STEP_CHOICES = {
    "contact_forms": ContactForm.choices,
    "outcomes": FollowUpOutcome.choices,
    "adjustments": Adjustment.choices,
    "note_max_length": NOTE_MAX_LENGTH,
}


def _organization(request: HtmxHttpRequest, slug: str, action: str) -> Organization:
    return get_for_user(request.user, action, Organization, slug=slug)


def _visible_employees(request: HtmxHttpRequest, organization: Organization):
    employees = selectors.employees_visible_to(request.user, organization)
    if employees is None:
        raise PermissionDenied
    return employees


def _employee(request: HtmxHttpRequest, slug: str, pk: int) -> Employee:
    """The employee if the user may see their individual data: 404 elsewhere, 403 for other roles."""
    employee = get_object_or_404(
        Employee.objects.select_related("organization", "unit", "leader"), pk=pk, organization__slug=slug
    )
    if not is_member(request.user, employee.organization_id):
        raise Http404
    if not _visible_employees(request, employee.organization).filter(pk=employee.pk).exists():
        raise PermissionDenied
    return employee


def _log(request: AuthenticatedHttpRequest, employees, action: str) -> None:
    """The access log: this user saw these employees' absence data on this page (by its URL name)."""
    privacy.access_log_record(
        employees=employees, user=request.user, action=action, where=request.resolver_match.view_name
    )


def _queue(request: AuthenticatedHttpRequest, slug: str, *, mine: bool) -> HttpResponse:
    organization = _organization(request, slug, "absence.queue")
    employees = _visible_employees(request, organization)
    scope = selectors.units_for_filter(request.user, organization)
    form = QueueFilterForm(
        request.GET or None, units=scope, leaders=[] if mine else selectors.queue_leaders(employees)
    )
    filters = form.filters()
    unit = next((u for u in scope if u.code == filters["unit"]), None) if filters["unit"] else None
    leader_id = request.user.pk if mine else (int(filters["leader"]) if filters["leader"] else None)
    today = timezone.localdate()
    queue = selectors.advisory_queue(
        employees,
        today,
        organization=organization,
        unit=unit,
        leader_id=leader_id,
        overdue_only=filters["overdue"],
    )
    page = keyset_page(
        queue,
        selectors.QUEUE_ORDER,
        per_page=filters["per_page"],
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    advisories = page.object_list
    _log(request, [a.employee_id for a in advisories], EmployeeAccessLog.Action.LIST_ROW)
    may_assign = _may_assign(request, organization)
    context = {
        "organization": organization,
        "form": form,
        "page": page,
        "advisories": advisories,
        # How many, counted no further than COUNT_LIMIT: a national queue is not counted whole per page.
        "total": queue.order_by().values("pk")[: COUNT_LIMIT + 1].count(),
        "count_limit": COUNT_LIMIT,
        "today": today,
        "mine": mine,
        "note_warning": NOTE_WARNING,
        "step_choices": STEP_CHOICES,
        "may_manage": can(request.user, "absence.manage", organization),
        "may_assign": may_assign,
        "assignable_leaders": selectors.assignable_leaders(organization) if may_assign and advisories else [],
        "next_url": request.get_full_path(),
    }
    template = "absence/advisory_queue.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


def _may_assign(request: HtmxHttpRequest, organization: Organization) -> bool:
    """HR (for the whole organisation or some units) may say which leader follows an advisory up."""
    return units_where(request.user, "absence.manage", organization.pk) != []


@require_safe
@login_required
def queue(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _queue(request, slug, mine=False)


@require_safe
@login_required
def my_queue(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _queue(request, slug, mine=True)


@require_POST
@login_required
def advisory_step(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    advisory = get_object_or_404(
        Advisory.objects.select_related(
            "employee", "employee__organization", "employee__unit", "employee__leader"
        ),
        pk=pk,
        employee__organization__slug=slug,
    )
    _employee(request, slug, advisory.employee_id)
    form = StepForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            advisory = services.advisory_step(
                advisory=advisory,
                to_status=form.cleaned_data["to_status"],
                by=request.user,
                **form.step_fields(),
            )
        except ValidationError as exc:
            error = error_text(exc)
    elif "to_status" in form.errors:
        error = _("Choose a valid status.")
    else:
        error = form_error_text(form)
    if request.htmx:
        today = timezone.localdate()
        advisory = selectors.advisory_rows(
            Advisory.objects.select_related("employee__organization"), today
        ).get(pk=advisory.pk)
        _log(request, [advisory.employee_id], EmployeeAccessLog.Action.LIST_ROW)
        response = render(
            request,
            "absence/advisory_queue.html#row",
            {
                "advisory": advisory,
                "organization": advisory.employee.organization,
                "today": today,
                "note_warning": NOTE_WARNING,
                "step_choices": STEP_CHOICES,
                "error": error,
                "posted": _posted_step(request) if error else {},
                "next_url": _safe_next(request, slug),
            },
        )
        if error:
            response.status_code = 422
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("%(employee)s: the advisory is now “%(status)s”.")
            % {"employee": advisory.employee.name, "status": advisory.get_status_display()},
        )
    return redirect(_safe_next(request, slug))


@require_POST
@login_required
def advisory_bulk(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The queue's bulk actions on the ticked rows: mark them seen (anyone who may step them), or assign
    the leader who follows them up (HR). All or nothing: one advisory the user may not act on refuses
    the whole request."""
    organization = _organization(request, slug, "absence.queue")
    employees = _visible_employees(request, organization)
    may_assign = _may_assign(request, organization)
    if request.POST.get("action") == QueueBulkForm.ASSIGN and not may_assign:
        raise PermissionDenied
    form = QueueBulkForm(
        request.POST, leaders=selectors.assignable_leaders(organization) if may_assign else []
    )
    back = _safe_next(request, slug)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return _redirect(request, back)
    ids = form.cleaned_data["advisories"]
    action = form.cleaned_data["action"]
    chosen = list(
        Advisory.objects.filter(pk__in=ids, employee__in=employees).select_related(
            "employee", "employee__unit", "employee__organization"
        )
    )
    if action == QueueBulkForm.ASSIGN:
        # HR scoped to some units assigns only there, even where another role lets them see more.
        chosen = [a for a in chosen if can(request.user, "absence.manage", a.employee)]
    refused = len(ids) - len(chosen)
    if refused:
        messages.error(
            request,
            ngettext(
                "%(count)d of the chosen advisories is not yours to act on. Nothing was changed.",
                "%(count)d of the chosen advisories are not yours to act on. Nothing was changed.",
                refused,
            )
            % {"count": refused},
        )
        return _redirect(request, back)
    _log(request, [a.employee_id for a in chosen], EmployeeAccessLog.Action.LIST_ROW)
    if action == QueueBulkForm.SEEN:
        moved = len(services.advisories_mark_seen(advisories=chosen, by=request.user))
        text = ngettext(
            "%(count)d advisory is now “Seen”.", "%(count)d advisories are now “Seen”.", moved
        ) % {"count": moved}
        if moved < len(chosen):
            left = len(chosen) - moved
            text += " " + ngettext(
                "%(count)d was already further along and is unchanged.",
                "%(count)d were already further along and are unchanged.",
                left,
            ) % {"count": left}
    else:
        leader = User.objects.get(pk=form.cleaned_data["leader"])
        assigned = services.advisories_assign(advisories=chosen, leader=leader)
        text = ngettext(
            "%(count)d advisory is now followed up by %(leader)s.",
            "%(count)d advisories are now followed up by %(leader)s.",
            assigned,
        ) % {"count": assigned, "leader": leader}
    messages.success(request, text)
    return _redirect(request, back)


def _redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx and not request.htmx.boosted else redirect(url)


def _posted_step(request: HtmxHttpRequest) -> dict:
    """What the user entered in a refused step, to fill the row's form again."""
    return {
        "contact_form": request.POST.get("contact_form", ""),
        "outcome": request.POST.get("outcome", ""),
        "adjustments": request.POST.getlist("adjustments"),
        "next_contact": request.POST.get("next_contact", ""),
        "note": request.POST.get("note", ""),
    }


def _safe_next(request: HtmxHttpRequest, slug: str) -> str:
    """The queue page the step came from, or the queue: never another site."""
    next_url = request.POST.get("next", "")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("absence:queue", args=[slug])
    return next_url


@require_safe
@login_required
def employee_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = _organization(request, slug, "absence.queue")
    employees = _visible_employees(request, organization).select_related("unit", "leader")
    query = request.GET.get("q", "").strip()
    if query:
        employees = employees.filter(Q(name__icontains=query) | Q(employee_number__iexact=query))
    page = keyset_page(
        employees,
        ["name", "employee_number", "pk"],
        per_page=EMPLOYEES_PER_PAGE,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    _log(request, page.object_list, EmployeeAccessLog.Action.LIST_ROW)
    context = {"organization": organization, "page": page, "query": query}
    template = "absence/employee_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_safe
@login_required
def employee_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    employee = _employee(request, slug, pk)
    _log(request, [employee], EmployeeAccessLog.Action.VIEW_PAGE)
    organization = employee.organization
    today = timezone.localdate()
    may_manage = can(request.user, "absence.manage", employee)
    context = {
        "organization": organization,
        "employee": employee,
        "timeline": selectors.employee_timeline(employee, today),
        "bradford": selectors.bradford(employee, today),
        "today": today,
        "may_manage": may_manage,
        "access_log": selectors.access_log(employee, limit=ACCESS_LOG_ON_PAGE)
        if can(request.user, "absence.view_access_log", employee)
        else None,
        "note_warning": NOTE_WARNING,
    }
    return render(request, "absence/employee_detail.html", context)


@require_safe
@login_required
def employee_export(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    employee = _employee(request, slug, pk)
    if not can(request.user, "absence.manage", employee):
        raise PermissionDenied
    content = privacy.employee_data_export(
        employee=employee, by=request.user, where=request.resolver_match.view_name
    )
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    filename = f"absence-{employee.employee_number}-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@login_required
def access_log(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Who saw this employee's absence data, newest first. Reading it is logged too (a data protection
    officer wants to see that HR read the log)."""
    employee = _employee(request, slug, pk)
    authorize(request.user, "absence.view_access_log", employee)
    _log(request, [employee], EmployeeAccessLog.Action.VIEW_LOG)
    entries = employee.access_log.select_related("user")
    page = Paginator(entries, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"organization": employee.organization, "employee": employee, "page": page}
    return render(request, "absence/access_log_list.html", context)


def _registration_form_view(
    request: AuthenticatedHttpRequest, employee: Employee, registration: AbsenceRegistration | None
) -> HttpResponse:
    if not can(request.user, "absence.manage", employee):
        raise PermissionDenied
    initial = {}
    if registration is not None:
        initial = {
            "absence_type": registration.absence_type,
            "start_date": registration.start_date,
            "end_date": registration.end_date,
            "fraction": registration.fraction,
            "note": registration.note,
        }
    form = RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if registration is None:
                services.absence_register(employee=employee, **data)
            else:
                services.absence_update(registration=registration, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The absence is saved."))
            url = reverse("absence:employee", args=[employee.organization.slug, employee.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    status = 422 if request.method == "POST" else 200
    _log(request, [employee], EmployeeAccessLog.Action.EDIT_FORM)
    return render(
        request,
        "absence/registration_form.html",
        {
            "organization": employee.organization,
            "employee": employee,
            "form": form,
            "registration": registration,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def registration_create(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _registration_form_view(request, _employee(request, slug, pk), None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def registration_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    registration = get_object_or_404(AbsenceRegistration, pk=pk, employee__organization__slug=slug)
    employee = _employee(request, slug, registration.employee_id)
    registration.employee = employee
    return _registration_form_view(request, employee, registration)


@require_POST
@login_required
def registration_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    registration = get_object_or_404(AbsenceRegistration, pk=pk, employee__organization__slug=slug)
    employee = _employee(request, slug, registration.employee_id)
    if not can(request.user, "absence.manage", employee):
        raise PermissionDenied
    registration.employee = employee
    services.absence_delete(registration=registration)
    messages.success(request, _("The registration is deleted."))
    return redirect("absence:employee", slug, employee.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def policy_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = _organization(request, slug, "absence.policy")
    policy = selectors.policy_for(organization)
    initial = PolicyForm.initial_from(policy)
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.advisory_policy_update(policy=policy, **form.policy_fields())
        except ValidationError as exc:
            add_errors(form, exc, rename={"contact_days": "custom_days"})
        else:
            messages.success(request, _("The follow-up model is saved."))
            return redirect("absence:policy", slug)
    return render(
        request,
        "absence/policy_form.html",
        {"organization": organization, "form": form, "policy": policy},
        status=422 if request.method == "POST" else 200,
    )


# Notes from before the health-text check ----------------------------------------------------------


def _note_review_page(
    request: AuthenticatedHttpRequest,
    organization: Organization,
    *,
    refused: tuple[AdvisoryEvent, NoteReviewForm] | None = None,
) -> HttpResponse:
    employees = _visible_employees(request, organization)
    events = (
        AdvisoryEvent.objects.filter(note_needs_review=True, advisory__employee__in=employees)
        .select_related("advisory__employee__unit", "by")
        .order_by("at", "pk")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = [
        (event, NoteReviewForm(initial={"note": event.note}, auto_id=f"review-{event.pk}-%s"))
        for event in page.object_list
        if not (refused and refused[0].pk == event.pk)
    ]
    if refused:
        rows.insert(0, refused)  # the refused note first, with its error, whichever page it is on
    _log(request, [event.advisory.employee_id for event, _form in rows], EmployeeAccessLog.Action.LIST_ROW)
    return render(
        request,
        "absence/note_review.html",
        {"organization": organization, "page": page, "rows": rows},
        status=422 if refused else 200,
    )


@require_safe
@login_required
def note_review_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """HR's list of free-text notes from before the health-text check, each to keep, rewrite or clear."""
    return _note_review_page(request, _organization(request, slug, "absence.review_notes"))


@require_POST
@login_required
def note_review(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    event = get_object_or_404(
        AdvisoryEvent.objects.select_related("advisory"), pk=pk, advisory__employee__organization__slug=slug
    )
    employee = _employee(request, slug, event.advisory.employee_id)
    event.advisory.employee = employee
    if not can(request.user, "absence.review_notes", employee):
        raise PermissionDenied
    if not event.note_needs_review:
        messages.info(request, _("This note has already been reviewed."))
        return redirect("absence:note_review_list", slug)
    form = NoteReviewForm(request.POST, auto_id=f"review-{event.pk}-%s")
    if form.is_valid():
        try:
            services.advisory_note_review(event=event, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as exc:
            add_errors(form, exc, field="note")
    if form.errors:
        return _note_review_page(request, employee.organization, refused=(event, form))
    messages.success(request, _("%(employee)s: the note is reviewed.") % {"employee": employee.name})
    return redirect("absence:note_review_list", slug)
