"""Follow-up views: the advisory queues and their steps, the policy, and the review of old notes.

Individual data is shown only to HR and the employee's own leader (``employees_visible_to``); the
union side gets 403 and other organisations 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
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
from apps.organizations.permissions import can, units_where

from . import selectors, services
from .forms import NoteReviewForm, PolicyForm, QueueBulkForm, QueueFilterForm, StepForm
from .models import (
    NOTE_MAX_LENGTH,
    NOTE_WARNING,
    Adjustment,
    Advisory,
    AdvisoryEvent,
    ContactForm,
    EmployeeAccessLog,
    FollowUpOutcome,
)
from .views_employees import (
    employee_for,
    individual_scope,
    log_view,
    organization_for,
    visible_employees,
    visible_scope,
)

COUNT_LIMIT = 1000  # the queue counts its advisories this far; beyond, it says "more than 1,000"


# What the step form in each queue row offers: written out in the template (a form instance per row
# would cost a hundred renders per page).
def _step_choices() -> dict:
    """The choices in the language of the request, translated once per page rather than once per row."""
    return {
        "contact_forms": [(value, str(label)) for value, label in ContactForm.choices],
        "outcomes": [(value, str(label)) for value, label in FollowUpOutcome.choices],
        "adjustments": [(value, str(label)) for value, label in Adjustment.choices],
        "note_max_length": NOTE_MAX_LENGTH,
    }


def _queue(request: AuthenticatedHttpRequest, slug: str, *, mine: bool) -> HttpResponse:
    organization = organization_for(request, slug, "absence.queue")
    visible = visible_scope(request, organization)
    employees = selectors.employees_in(organization, visible)
    scope = selectors.units_for_filter(request.user, organization)
    form = QueueFilterForm(
        request.GET or None, units=scope, leaders=[] if mine else selectors.queue_leaders(employees)
    )
    filters = form.filters()
    unit = next((u for u in scope if u.code == filters["unit"]), None) if filters["unit"] else None
    leader_id = request.user.pk if mine else (int(filters["leader"]) if filters["leader"] else None)
    today = timezone.localdate()
    queue = selectors.advisory_queue(
        organization,
        visible,
        today,
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
    log_view(request, [a.employee_id for a in advisories], EmployeeAccessLog.Action.LIST_ROW)
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
        "step_choices": _step_choices(),
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
    individual_scope(request, slug)  # 403 for the union side before the number is looked up
    advisory = get_object_or_404(
        Advisory.objects.select_related(
            "employee", "employee__organization", "employee__unit", "employee__leader"
        ),
        pk=pk,
        employee__organization__slug=slug,
    )
    employee_for(request, slug, advisory.employee_id)
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
        log_view(request, [advisory.employee_id], EmployeeAccessLog.Action.LIST_ROW)
        response = render(
            request,
            "absence/advisory_queue.html#row",
            {
                "advisory": advisory,
                "organization": advisory.employee.organization,
                "today": today,
                "note_warning": NOTE_WARNING,
                "step_choices": _step_choices(),
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
    organization = organization_for(request, slug, "absence.queue")
    employees = visible_employees(request, organization)
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
    log_view(request, [a.employee_id for a in chosen], EmployeeAccessLog.Action.LIST_ROW)
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


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def policy_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = organization_for(request, slug, "absence.policy")
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
    employees = visible_employees(request, organization)
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
    log_view(
        request, [event.advisory.employee_id for event, _form in rows], EmployeeAccessLog.Action.LIST_ROW
    )
    return render(
        request,
        "absence/note_review.html",
        # A refused review is the page of that one note: its breadcrumbs lead back to the list.
        {"organization": organization, "page": page, "rows": rows, "refused": refused is not None},
        status=422 if refused else 200,
    )


@require_safe
@login_required
def note_review_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """HR's list of free-text notes from before the health-text check, each to keep, rewrite or clear."""
    return _note_review_page(request, organization_for(request, slug, "absence.review_notes"))


@require_POST
@login_required
def note_review(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    individual_scope(request, slug)  # 403 for the union side before the number is looked up
    event = get_object_or_404(
        AdvisoryEvent.objects.select_related("advisory"), pk=pk, advisory__employee__organization__slug=slug
    )
    employee = employee_for(request, slug, event.advisory.employee_id)
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
