"""An employee's absence data: the list, the timeline, registrations, the GDPR export, the access log;
and the gate every view showing one employee's data goes through (``employee_for``, ``log_view``).

Individual data is shown only to HR and the employee's own leader (``selectors.visible_scope``); the
union side gets 403 and other organisations 404, and an employee outside a leader's is not found (404).
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
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from apps.core.forms import add_errors
from apps.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from apps.core.keyset import keyset_page
from apps.organizations.models import Organization
from apps.organizations.permissions import authorize, can, get_for_user, memberships_of

from . import privacy, selectors, services
from .forms import RegistrationForm
from .models import (
    NOTE_WARNING,
    AbsenceRegistration,
    Employee,
    EmployeeAccessLog,
)

ACCESS_LOG_ON_PAGE = 5  # the newest entries on the employee's page; the whole log has a page of its own
ACCESS_LOG_PAGE_SIZE = 50
EMPLOYEES_PER_PAGE = 50


def organization_for(request: HtmxHttpRequest, slug: str, action: str) -> Organization:
    return get_for_user(request.user, action, selectors.employers(), slug=slug)


def visible_scope(request: HtmxHttpRequest, organization: Organization) -> Q:
    """``selectors.visible_scope`` of the user; 403 when they may see no one's individual data."""
    scope = selectors.visible_scope(request.user, organization)
    if scope is None:
        raise PermissionDenied
    return scope


def visible_employees(request: HtmxHttpRequest, organization: Organization):
    return selectors.employees_in(organization, visible_scope(request, organization))


def individual_scope(request: HtmxHttpRequest, slug: str) -> tuple[Organization, Q]:
    """The organisation the URL names and which of its employees the user sees the individual data of.

    Decided before any number in the URL is looked up: 404 for an organisation the user is not a
    member of, 403 for a member who may see no one's individual data (the union side), whether the
    number exists or not."""
    organization = next(
        (m.organization for m in memberships_of(request.user) if m.organization.slug == slug), None
    )
    if organization is None or organization.kind != Organization.Kind.EMPLOYER:
        raise Http404
    return organization, visible_scope(request, organization)


def employee_for(request: HtmxHttpRequest, slug: str, pk: int) -> Employee:
    """The employee, if the user may see their individual data (see ``individual_scope``). An employee
    outside what the user sees is not found (404), like a number that does not exist: a leader cannot
    try numbers to learn who is employed, or has absence on record, elsewhere."""
    organization, scope = individual_scope(request, slug)
    return get_object_or_404(
        selectors.employees_in(organization, scope).select_related("organization", "unit", "leader"),
        pk=pk,
    )


def may_list_employees(request: HtmxHttpRequest, organization: Organization) -> bool:
    """May the user open the employee list (for the breadcrumbs of one employee's pages)? Those pages
    are open to whoever sees that one employee (``employee_for``), the list to
    ``absence.queue``: two rules, so the trail asks rather than assumes."""
    return can(request.user, "absence.queue", organization)


def employee_context(request: HtmxHttpRequest, employee: Employee, **more) -> dict:
    """What every page of one employee's own needs: the organisation, the employee, the breadcrumbs."""
    return {
        "organization": employee.organization,
        "employee": employee,
        "may_list_employees": may_list_employees(request, employee.organization),
        **more,
    }


def log_view(request: AuthenticatedHttpRequest, employees, action: str) -> None:
    """The access log: this user saw these employees' absence data on this page (by its URL name)."""
    privacy.access_log_record(
        employees=employees, user=request.user, action=action, where=request.resolver_match.view_name
    )


@require_safe
@login_required
def employee_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = organization_for(request, slug, "absence.queue")
    employees = visible_employees(request, organization).select_related("unit", "leader")
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
    log_view(request, page.object_list, EmployeeAccessLog.Action.LIST_ROW)
    context = {"organization": organization, "page": page, "query": query}
    template = "absence/employee_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@require_safe
@login_required
def employee_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    employee = employee_for(request, slug, pk)
    log_view(request, [employee], EmployeeAccessLog.Action.VIEW_PAGE)
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
        "may_list_employees": may_list_employees(request, organization),
    }
    return render(request, "absence/employee_detail.html", context)


@require_safe
@login_required
def employee_export(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    employee = employee_for(request, slug, pk)
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
    employee = employee_for(request, slug, pk)
    authorize(request.user, "absence.view_access_log", employee)
    log_view(request, [employee], EmployeeAccessLog.Action.VIEW_LOG)
    entries = employee.access_log.select_related("user")
    page = Paginator(entries, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "absence/access_log_list.html", employee_context(request, employee, page=page))


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
    log_view(request, [employee], EmployeeAccessLog.Action.EDIT_FORM)
    context = employee_context(request, employee, form=form, registration=registration)
    return render(request, "absence/registration_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def registration_create(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _registration_form_view(request, employee_for(request, slug, pk), None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def registration_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    individual_scope(request, slug)  # 403 for the union side before the number is looked up
    registration = get_object_or_404(AbsenceRegistration, pk=pk, employee__organization__slug=slug)
    employee = employee_for(request, slug, registration.employee_id)
    registration.employee = employee
    return _registration_form_view(request, employee, registration)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def registration_delete(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what is about to be deleted, to confirm (a deleted registration changes the spells, the
    Bradford factor and the advisories, and cannot be brought back); POST: delete it."""
    individual_scope(request, slug)  # 403 for the union side before the number is looked up
    registration = get_object_or_404(AbsenceRegistration, pk=pk, employee__organization__slug=slug)
    employee = employee_for(request, slug, registration.employee_id)
    if not can(request.user, "absence.manage", employee):
        raise PermissionDenied
    registration.employee = employee
    if request.method != "POST":
        log_view(request, [employee], EmployeeAccessLog.Action.EDIT_FORM)
        context = employee_context(request, employee, registration=registration)
        return render(request, "absence/registration_delete.html", context)
    services.absence_delete(registration=registration)
    messages.success(request, _("The registration is deleted."))
    return redirect("absence:employee", slug, employee.pk)
