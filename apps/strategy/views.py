from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh, reswap, retarget

from apps.core.exports import file_slug, table_response
from apps.core.forms import add_errors, error_text
from apps.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from apps.core.rows import reverse_each
from apps.organizations.models import Organization
from apps.organizations.permissions import can, get_for_user

from . import selectors, services
from .forms import (
    CopyForm,
    FilterForm,
    FocusAreaEditForm,
    FocusAreaForm,
    GoalEditForm,
    GoalForm,
    ImportForm,
    InitiativeEditForm,
    InitiativeForm,
    InitiativeStatusForm,
    InitiativeUpdateForm,
    PlanForm,
)
from .models import FocusArea, Goal, Initiative, StrategyPlan
from .plan_csv import PlanImportError, column_labels, plan_import, plan_rows, read_plan_file

PLAN_QS = StrategyPlan.objects.select_related("organization")
AREA_QS = FocusArea.objects.select_related("plan__organization")
GOAL_QS = Goal.objects.select_related("focus_area__plan__organization")
INITIATIVE_QS = Initiative.objects.select_related(
    "focus_area__plan__organization", "goal", "responsible_unit", "responsible_person", "implements"
)


def _plan_of(obj: StrategyPlan | FocusArea | Goal | Initiative) -> StrategyPlan:
    if isinstance(obj, StrategyPlan):
        return obj
    area = obj if isinstance(obj, FocusArea) else obj.focus_area
    return area.plan


def _get_editable(request: HtmxHttpRequest, queryset, slug: str, pk: int, action: str = "strategy.edit"):
    """An object the user may edit, in a plan that is not archived (an archived plan is read-only)."""
    obj = get_for_user(request.user, action, queryset, pk=pk, org_slug=slug)
    if _plan_of(obj).archived:
        raise PermissionDenied(_("The plan is archived and read-only. Unarchive it to change it."))
    return obj


def _may_edit(user, obj: StrategyPlan | FocusArea | Goal | Initiative) -> bool:
    return not _plan_of(obj).archived and can(user, "strategy.edit", obj)


def _direction(request: HtmxHttpRequest) -> str:
    return "up" if request.POST.get("direction") == "up" else "down"


def _on_page(request: HtmxHttpRequest, path: str) -> bool:
    """Whether the browser shows ``path`` (htmx sends the address of the page it works in)."""
    current = request.htmx.current_url_abs_path if request.htmx else None
    return current is not None and current.split("?", 1)[0] == path


def _refusal_status(request: HtmxHttpRequest, *, stale: bool = False) -> int:
    """A refused submit is not a success: 409 when someone else saved first, 422 for invalid input."""
    if stale:
        return 409
    return 422 if request.method == "POST" else 200


def _form_page(request: HtmxHttpRequest, context: dict) -> HttpResponse:
    """One template for every edit form: the whole page, or only the form when htmx asks. Reached by a
    POST only when the form was refused (a saved form redirects)."""
    template = "strategy/form_page.html#form" if request.htmx else "strategy/form_page.html"
    return render(
        request, template, context, status=_refusal_status(request, stale=context.get("stale", False))
    )


# --- plans ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "strategy.view", Organization, slug=slug)
    may_edit = can(request.user, "strategy.edit", organization)
    form = PlanForm(organization=organization)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = PlanForm(request.POST, organization=organization)
        if form.is_valid():
            try:
                plan = services.plan_create(organization=organization, **form.cleaned_data)
            except ValidationError as error:  # another plan was saved for these years meanwhile
                add_errors(form, error)
            else:
                messages.success(request, _("The plan was created."))
                return redirect("strategy:plan_detail", slug, plan.pk)
    # Archived plans leave the default list; ?archived=1 lists them (still readable, marked).
    show_archived = request.GET.get("archived") == "1"
    plans = list(
        organization.strategy_plans.filter(archived_at__isnull=not show_archived).order_by(
            "-start_year", "title"
        )
    )
    other_count = organization.strategy_plans.filter(archived_at__isnull=show_archived).count()
    year = timezone.localdate().year
    return render(
        request,
        "strategy/plan_list.html",
        {
            "organization": organization,
            "plans": plans,
            "form": form,
            "may_edit": may_edit,
            "year": year,
            "show_archived": show_archived,
            "other_count": other_count,
        },
        status=_refusal_status(request),
    )


@require_safe
@login_required
def plan_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_for_user(request.user, "strategy.view", PLAN_QS, pk=pk, org_slug=slug)
    filter_form = FilterForm(request.GET or None, plan=plan)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    initiatives = list(selectors.filter_initiatives(selectors.initiatives_of_plan(plan), filters))
    today = timezone.localdate()
    context = {
        "plan": plan,
        "organization": plan.organization,
        "filter_form": filter_form,
        "initiatives": initiatives,
        "initiative_rows": _initiative_rows(plan.organization, initiatives, today),
        "filtered": bool(filters and any(filters.values())),
        "may_edit": _may_edit(request.user, plan),
        "may_archive": can(request.user, "strategy.edit", plan),
    }
    if (
        request.htmx
        and request.htmx.target == "initiative-results"
        and not request.htmx.history_restore_request
    ):
        response = render(request, "strategy/plan_detail.html#results", context)
    else:
        context["overview"] = selectors.plan_overview(plan)
        if context["may_archive"]:
            context["comment_counts"] = selectors.comment_counts(plan)
        response = render(request, "strategy/plan_detail.html", context)
    # The same URL serves the page and its fragment: browsers must not reuse one for the other.
    patch_vary_headers(response, ("HX-Request",))
    return response


def _initiative_rows(organization: Organization, initiatives: list[Initiative], today: date) -> SafeString:
    """The rows of the plan's initiative table, written in one pass: a plan has a hundred or more
    initiatives, which a template loop took most of the page's time to write (see apps/core/rows.py)."""
    url = reverse_each("strategy:initiative_detail", organization.slug)
    overdue = format_html(' <span class="badge badge-error">{}</span>', _("Overdue"))
    parts = []
    for item in initiatives:
        due = item.due_date
        person = item.responsible_person
        text = Truncator(item.text).words(18, truncate=" …")
        parts.append(
            f'<tr><td><a href="{escape(url(item.pk))}">{escape(text)}</a></td>'
            f"<td>{escape(item.focus_area.title)}</td>"
            f"<td>{escape(item.get_level_display())}</td><td>{escape(item.get_status_display())}</td>"
            f"<td>{int(item.progress)} %</td>"
            f"<td>{escape(date_format(due, 'SHORT_DATE_FORMAT')) if due else ''}"
            f"{overdue if due and due < today and item.is_open else ''}</td>"
            f"<td>{escape(item.responsible_unit.name) if item.responsible_unit else ''}"
            f"{' ' + escape(str(person)) if person else ''}</td></tr>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every text, label and address in it is escaped


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _get_editable(request, PLAN_QS, slug, pk)
    form = PlanForm(request.POST or None, instance=plan, organization=plan.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("strategy:plan_detail", slug, plan.pk)
    return _form_page(
        request,
        {
            "form": form,
            "plan": plan,
            "title": _("Edit plan"),
            "action": request.path,
            "cancel": plan_url(plan),
        },
    )


@require_POST
@login_required
def plan_archive(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_for_user(request.user, "strategy.edit", PLAN_QS, pk=pk, org_slug=slug)
    services.plan_archive(plan=plan)
    messages.success(request, _("The plan is archived. It is read-only and no longer listed or offered."))
    return redirect("strategy:plan_detail", slug, plan.pk)


@require_POST
@login_required
def plan_unarchive(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_for_user(request.user, "strategy.edit", PLAN_QS, pk=pk, org_slug=slug)
    try:
        services.plan_unarchive(plan=plan)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The plan is no longer archived and can be changed again."))
    return redirect("strategy:plan_detail", slug, plan.pk)


def plan_url(plan: StrategyPlan) -> str:
    return reverse("strategy:plan_detail", args=[plan.organization.slug, plan.pk])


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_copy(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_for_user(request.user, "strategy.edit", PLAN_QS, pk=pk, org_slug=slug)
    length = plan.end_year - plan.start_year
    initial = {
        "title": plan.title,
        "start_year": plan.end_year + 1,
        "end_year": plan.end_year + 1 + length,
    }
    form = CopyForm(request.POST or None, initial=initial, organization=plan.organization)
    if request.method == "POST" and form.is_valid():
        try:
            new_plan = services.plan_copy(source=plan, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The plan was copied into the new period."))
            return redirect("strategy:plan_detail", slug, new_plan.pk)
    return _form_page(
        request,
        {
            "form": form,
            "plan": plan,
            "title": _("Copy plan into a new period"),
            "action": request.path,
            "cancel": plan_url(plan),
            "submit": _("Copy plan"),
        },
    )


@require_safe
@login_required
def plan_export(request: AuthenticatedHttpRequest, slug: str, pk: int, fmt: str = "csv") -> HttpResponse:
    plan = get_for_user(request.user, "strategy.view", PLAN_QS, pk=pk, org_slug=slug)
    return table_response(
        fmt=fmt,
        filename=f"{file_slug(plan.title) or 'plan'}-{plan.start_year}-{plan.end_year}",
        header=column_labels(),
        rows=plan_rows(plan),
        title=_("Plan"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_import_view(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _get_editable(request, PLAN_QS, slug, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    import_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["file"]
            count = plan_import(plan=plan, records=read_plan_file(upload.read(), upload.name))
        except PlanImportError as exc:
            import_errors = exc.errors
        else:
            messages.success(request, _("%(count)d rows were imported.") % {"count": count})
            return redirect("strategy:plan_detail", slug, plan.pk)
    return render(
        request,
        "strategy/plan_import.html",
        {"form": form, "plan": plan, "import_errors": import_errors},
        status=_refusal_status(request),
    )


@require_safe
@login_required
def plan_print(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_for_user(request.user, "strategy.view", PLAN_QS, pk=pk, org_slug=slug)
    areas = list(plan.focus_areas.order_by("position", "pk"))
    goals = list(Goal.objects.filter(focus_area__plan=plan).order_by("position", "pk"))
    initiatives = list(selectors.initiatives_of_plan(plan).order_by("position", "pk"))
    sections = [
        {
            "area": a,
            "goals": [g for g in goals if g.focus_area_id == a.pk],
            "initiatives": [i for i in initiatives if i.focus_area_id == a.pk],
        }
        for a in areas
    ]
    return render(request, "strategy/plan_print.html", {"plan": plan, "sections": sections})


# --- focus areas ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def focus_area_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _get_editable(request, PLAN_QS, slug, pk)
    form = FocusAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        area = services.focus_area_add(plan=plan, **form.cleaned_data)
        return redirect("strategy:focus_area_detail", slug, area.pk)
    return _form_page(
        request,
        {
            "form": form,
            "plan": plan,
            "title": _("Add focus area"),
            "action": request.path,
            "cancel": plan_url(plan),
        },
    )


def _area_context(request: HtmxHttpRequest, area: FocusArea) -> dict:
    group = "level" if request.GET.get("group") == "level" else "goal"
    goals = list(area.goals.order_by("position", "pk"))
    initiatives = list(
        Initiative.objects.filter(focus_area=area)
        .select_related("goal", "responsible_unit", "responsible_person", "implements")
        .order_by("position", "pk")
    )
    return {
        "area": area,
        "plan": area.plan,
        "goals": goals,
        "initiatives": initiatives,
        "groups": selectors.group_initiatives(initiatives, goals, group),
        "group": group,
        "may_edit": _may_edit(request.user, area),
        "statuses": Initiative.Status.choices,
        "today": timezone.localdate(),
        **_deletion(request.user, area),
    }


@require_safe
@login_required
def focus_area_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    area = get_for_user(request.user, "strategy.view", AREA_QS, pk=pk, org_slug=slug)
    context = _area_context(request, area)
    if request.htmx and request.htmx.target == f"focus-area-{area.pk}":
        return render(request, "strategy/focus_area_detail.html#header", context)
    return render(request, "strategy/focus_area_detail.html", context)


# What can be deleted, by the word its addresses use: its objects and the name of its URLs.
DELETABLE = {
    "focus-area": (AREA_QS, "focus_area"),
    "goal": (GOAL_QS, "goal"),
    "initiative": (INITIATIVE_QS, "initiative"),
}


@require_POST
@login_required
def item_delete(request: AuthenticatedHttpRequest, slug: str, kind: str, pk: int) -> HttpResponse:
    """Delete a focus area, goal or initiative made by mistake (nothing refers to it yet), after the
    confirmation on its page; then back to where it was listed."""
    queryset, name = DELETABLE[kind]
    obj = _get_editable(request, queryset, slug, pk)
    area = obj if isinstance(obj, FocusArea) else obj.focus_area
    try:
        services.strategy_item_delete(obj=obj)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(f"strategy:{name}_detail", slug, pk)
    messages.success(request, _("Deleted."))
    if isinstance(obj, FocusArea):
        return redirect("strategy:plan_detail", slug, area.plan_id)
    return redirect("strategy:focus_area_detail", slug, area.pk)


def _deletion(user, obj: FocusArea | Goal | Initiative) -> dict:
    """What the delete section of an editor's page needs (nothing for anyone else)."""
    plan = _plan_of(obj)
    if not _may_edit(user, obj):
        return {"deletion": None}
    if isinstance(obj, Initiative):
        name, hint = "initiative", _("Set its status to Dropped instead: it stays on record as given up.")
    elif isinstance(obj, Goal):
        name, hint = "goal", _("Link its initiatives to another goal first, or keep it.")
    else:
        name, hint = "focus_area", _("Delete or move its goals and initiatives first, or keep it.")
    return {
        "deletion": {
            "url": reverse(f"strategy:{name}_delete", args=[plan.organization.slug, obj.pk]),
            "blockers": services.deletion_blockers(obj),
            "hint": hint,
            "name": f" · {obj}"[:80],
        }
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def focus_area_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    area = _get_editable(request, AREA_QS, slug, pk)
    form = FocusAreaEditForm(request.POST or None, instance=area, initial={"version": area.version})
    stale = False
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            area = services.focus_area_update(
                focus_area=area, expected_version=form.cleaned_data["version"], data=data
            )
        except services.StaleEditError as exc:
            stale, area = True, AREA_QS.get(pk=exc.current.pk)
            form = FocusAreaEditForm(instance=area, initial={"version": area.version})
        else:
            detail_url = reverse("strategy:focus_area_detail", args=[slug, area.pk])
            if request.htmx and not _on_page(request, request.path):
                # Edited in place on the focus area's page: swap in the saved header.
                return render(request, "strategy/focus_area_detail.html#header", _area_context(request, area))
            # From the edit page itself: leave it, so heading and address are the focus area's again.
            messages.success(request, _("The focus area was saved."))
            return HttpResponseClientRedirect(detail_url) if request.htmx else redirect(detail_url)
    return _form_page(
        request,
        {
            "form": form,
            "plan": area.plan,
            "title": _("Edit focus area"),
            "action": request.path,
            "cancel": reverse("strategy:focus_area_detail", args=[slug, area.pk]),
            "target": f"focus-area-{area.pk}",
            "cancel_inplace": True,
            "stale": stale,
        },
    )


@require_POST
@login_required
def focus_area_move(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    area = _get_editable(request, AREA_QS, slug, pk)
    services.focus_area_move(focus_area=area, direction=_direction(request))
    if request.htmx:
        context = {
            "plan": area.plan,
            "overview": selectors.plan_overview(area.plan),
            "may_edit": True,
        }
        return render(request, "strategy/plan_detail.html#areas", context)
    return redirect("strategy:plan_detail", slug, area.plan_id)


# --- goals -----------------------------------------------------------------------------------------


def _goals_response(request: HtmxHttpRequest, area: FocusArea) -> HttpResponse:
    response = render(request, "strategy/focus_area_detail.html#goals", _area_context(request, area))
    return reswap(retarget(response, "#goals"), "outerHTML")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def goal_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    area = _get_editable(request, AREA_QS, slug, pk)
    # The goal's focus area lets the form check the indicator against the plan's period.
    form = GoalForm(request.POST or None, instance=Goal(focus_area=area))
    if request.method == "POST" and form.is_valid():
        services.goal_add(focus_area=area, data=form.cleaned_data)
        if request.htmx:
            return _goals_response(request, area)
        return redirect("strategy:focus_area_detail", slug, area.pk)
    return _form_page(
        request,
        {
            "form": form,
            "plan": area.plan,
            "title": _("Add goal"),
            "action": request.path,
            "cancel": reverse("strategy:focus_area_detail", args=[slug, area.pk]),
            "target": "goal-add",
        },
    )


@require_safe
@login_required
def goal_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    goal = get_for_user(request.user, "strategy.view", GOAL_QS, pk=pk, org_slug=slug)
    context = {
        "goal": goal,
        "area": goal.focus_area,
        "plan": goal.focus_area.plan,
        "may_edit": _may_edit(request.user, goal),
    }
    if request.htmx and request.htmx.target == f"goal-{goal.pk}":
        # Cancelled in place: on the focus area's page the goal links to its own page, as before.
        context["link"] = not _on_page(request, request.path)
        return render(request, "strategy/_goal_item.html", context)
    context["history"] = selectors.history_entries(goal)
    context.update(_deletion(request.user, goal))
    context["initiatives"] = list(
        goal.initiatives.select_related("responsible_unit").order_by("position", "pk")
    )
    return render(request, "strategy/goal_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def goal_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    goal = _get_editable(request, GOAL_QS, slug, pk)
    form = GoalEditForm(request.POST or None, instance=goal, initial={"version": goal.version})
    stale = False
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            goal = services.goal_update(goal=goal, expected_version=form.cleaned_data["version"], data=data)
        except services.StaleEditError as exc:
            stale, goal = True, GOAL_QS.get(pk=exc.current.pk)
            form = GoalEditForm(instance=goal, initial={"version": goal.version})
        else:
            detail_url = reverse("strategy:goal_detail", args=[slug, goal.pk])
            if request.htmx and not _on_page(request, request.path):
                # Edited in place (on the goal's or the focus area's page): swap in the saved goal.
                goal = GOAL_QS.get(pk=goal.pk)
                context = {
                    "goal": goal,
                    "may_edit": True,
                    "saved": True,
                    "link": not _on_page(request, detail_url),
                }
                return render(request, "strategy/_goal_item.html", context)
            # From the edit page itself: leave it, so heading and address are the goal's again.
            messages.success(request, _("The goal was saved."))
            return HttpResponseClientRedirect(detail_url) if request.htmx else redirect(detail_url)
    return _form_page(
        request,
        {
            "form": form,
            "plan": goal.focus_area.plan,
            "title": _("Edit goal"),
            "action": request.path,
            "cancel": reverse("strategy:goal_detail", args=[slug, goal.pk]),
            "target": f"goal-{goal.pk}",
            "cancel_inplace": True,
            "stale": stale,
        },
    )


@require_POST
@login_required
def goal_move(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    goal = _get_editable(request, GOAL_QS, slug, pk)
    services.goal_move(goal=goal, direction=_direction(request))
    if request.htmx:
        return _goals_response(request, goal.focus_area)
    return redirect("strategy:focus_area_detail", slug, goal.focus_area_id)


# --- initiatives -----------------------------------------------------------------------------------


def _initiatives_response(request: HtmxHttpRequest, area: FocusArea) -> HttpResponse:
    response = render(request, "strategy/focus_area_detail.html#initiatives", _area_context(request, area))
    return reswap(retarget(response, "#initiatives"), "outerHTML")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def initiative_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    area = _get_editable(request, AREA_QS, slug, pk)
    form = InitiativeForm(request.POST or None, focus_area=area)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiative_add(focus_area=area, data=form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if request.htmx:
                return _initiatives_response(request, area)
            return redirect("strategy:focus_area_detail", slug, area.pk)
    return _form_page(
        request,
        {
            "form": form,
            "plan": area.plan,
            "title": _("Add initiative"),
            "action": request.path,
            "cancel": reverse("strategy:focus_area_detail", args=[slug, area.pk]),
            "target": "initiative-add",
        },
    )


def _item_context(request: HtmxHttpRequest, initiative: Initiative, **extra) -> dict:
    own_page = reverse(
        "strategy:initiative_detail", args=[initiative.focus_area.plan.organization.slug, initiative.pk]
    )
    return {
        "item": initiative,
        # Swapped in by htmx on the focus area's page, the initiative links to its own page as before.
        "link": bool(request.htmx) and not _on_page(request, own_page),
        "may_edit": _may_edit(request.user, initiative),
        "may_post_update": not _plan_of(initiative).archived
        and can(request.user, "strategy.post_update", initiative),
        "statuses": Initiative.Status.choices,
        "today": timezone.localdate(),
        **extra,
    }


@require_safe
@login_required
def initiative_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    initiative = get_for_user(request.user, "strategy.view", INITIATIVE_QS, pk=pk, org_slug=slug)
    if request.htmx and request.htmx.target == f"initiative-{initiative.pk}":
        return render(request, "strategy/_initiative_item.html", _item_context(request, initiative))
    return _initiative_page(request, initiative)


def _initiative_page(
    request: HtmxHttpRequest, initiative: Initiative, status: int = 200, **extra
) -> HttpResponse:
    context = _item_context(
        request,
        initiative,
        area=initiative.focus_area,
        plan=initiative.focus_area.plan,
        updates=list(initiative.updates.select_related("author")),
        history=selectors.history_entries(initiative),
        cascade=selectors.cascade_rollup(initiative),
        **_deletion(request.user, initiative),
        **extra,
    )
    context.setdefault("update_form", InitiativeUpdateForm(initial={"version": initiative.version}))
    return render(request, "strategy/initiative_detail.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def initiative_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Every field of the initiative: the edit form on its own page, or in place in a list (htmx)."""
    initiative = _get_editable(request, INITIATIVE_QS, slug, pk)
    area = initiative.focus_area
    form = InitiativeEditForm(
        request.POST or None, instance=initiative, focus_area=area, initial={"version": initiative.version}
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            initiative = services.initiative_edit(
                initiative=initiative, expected_version=form.cleaned_data["version"], data=data
            )
        except services.StaleEditError as exc:
            stale, initiative = True, INITIATIVE_QS.get(pk=exc.current.pk)
            form = InitiativeEditForm(
                instance=initiative, focus_area=area, initial={"version": initiative.version}
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            detail_url = reverse("strategy:initiative_detail", args=[slug, initiative.pk])
            if request.htmx and not _on_page(request, request.path):
                # Edited in place (in a list of initiatives): swap in the saved item.
                initiative = INITIATIVE_QS.get(pk=initiative.pk)
                return render(request, "strategy/_initiative_item.html", _item_context(request, initiative))
            # From the edit page itself: leave it, so heading and address are the initiative's again.
            messages.success(request, _("The initiative was saved."))
            return HttpResponseClientRedirect(detail_url) if request.htmx else redirect(detail_url)
    return _form_page(
        request,
        {
            "form": form,
            "plan": area.plan,
            "title": _("Edit initiative"),
            "action": request.path,
            "cancel": reverse("strategy:initiative_detail", args=[slug, initiative.pk]),
            "target": f"initiative-{initiative.pk}",
            "cancel_inplace": True,
            "stale": stale,
        },
    )


@require_POST
@login_required
def initiative_status_set(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Status and progress set in place, without a note (the board): htmx swaps the item, without JS the
    page reloads."""
    initiative = _get_editable(request, INITIATIVE_QS, slug, pk)
    form = InitiativeStatusForm(request.POST)
    extra: dict = {}
    if form.is_valid():
        try:
            services.initiative_edit(
                initiative=initiative,
                expected_version=form.cleaned_data["version"],
                data={"status": form.cleaned_data["status"], "progress": form.cleaned_data["progress"]},
            )
        except services.StaleEditError:
            extra["stale"] = True
        except ValidationError as exc:
            extra["status_errors"] = exc.messages
        else:
            extra["saved"] = True
        initiative = INITIATIVE_QS.get(pk=initiative.pk)
    else:
        extra["status_errors"] = [e for errors in form.errors.values() for e in errors]
    status = 200 if extra.get("saved") else _refusal_status(request, stale=extra.get("stale", False))
    if request.htmx:
        context = _item_context(request, initiative, **extra)
        return render(request, "strategy/_initiative_item.html", context, status=status)
    if extra.get("saved"):
        messages.success(request, _("The status was saved."))
        return redirect("strategy:initiative_detail", slug, initiative.pk)
    return _initiative_page(request, initiative, status=status, **extra)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def initiative_update_post(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """A dated progress update with a note, which may set a new status and progress too (the board or the
    initiative's responsible person); it is listed on the initiative's page."""
    initiative = _get_editable(request, INITIATIVE_QS, slug, pk, "strategy.post_update")
    if request.method != "POST":
        return redirect(reverse("strategy:initiative_detail", args=[slug, initiative.pk]) + "#update-form")
    form = InitiativeUpdateForm(request.POST)
    stale = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.initiative_update_post(
                initiative=initiative,
                expected_version=data["version"],
                author=request.user,
                text=data["text"],
                on=data["on"],
                status=data["status"],
                progress=data["progress"],
            )
        except services.StaleEditError:
            stale = True
            initiative = INITIATIVE_QS.get(pk=initiative.pk)
            form = InitiativeUpdateForm(
                initial={"version": initiative.version, "text": data["text"], "on": data["on"]}
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            if request.htmx:
                return HttpResponseClientRefresh()
            messages.success(request, _("The update was posted."))
            return redirect("strategy:initiative_detail", slug, initiative.pk)
    status = _refusal_status(request, stale=stale)
    if request.htmx:
        context = _item_context(request, initiative, update_form=form, stale=stale)
        return render(request, "strategy/initiative_detail.html#update_form", context, status=status)
    return _initiative_page(request, initiative, status=status, update_form=form, stale=stale)


@require_POST
@login_required
def initiative_move(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    initiative = _get_editable(request, INITIATIVE_QS, slug, pk)
    services.initiative_move(initiative=initiative, direction=_direction(request))
    if request.htmx:
        return _initiatives_response(request, initiative.focus_area)
    return redirect("strategy:focus_area_detail", slug, initiative.focus_area_id)
