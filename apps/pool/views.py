from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import trigger_client_event

from apps.core.exports import table_response
from apps.core.forms import add_errors
from apps.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from apps.core.ordering import moved
from apps.core.pdf import render_pdf
from apps.organizations.models import Organization, Role
from apps.organizations.permissions import can, get_for_user, roles_in

from . import services, workflow
from .forms import (
    AdvanceForm,
    ApplicationCreateForm,
    ApplicationForm,
    BudgetLineFormSet,
    ProjectGroupAddForm,
    RankingSessionForm,
    TargetGroupFormSet,
)
from .models import PoolApplication, PoolCall, RankingSession, Step, ThemeRanking
from .selectors import (
    application_checklist,
    application_queryset,
    borda_scores,
    budget_total,
    eligible_total,
    hu_officers,
    is_hu_member,
    valid_signatures,
    voided_signatures,
)

CHANGED_EVENT = "poolChanged"
VOIDED_MESSAGE = gettext_lazy("The change voided the HU's signatures. The application must be signed again.")


def _employer(request: HtmxHttpRequest, slug: str, action: str) -> Organization:
    organization = get_for_user(request.user, action, Organization, slug=slug)
    if organization.kind != Organization.Kind.EMPLOYER:
        raise Http404
    return organization


# ---------------------------------------------------------------------------------------- the list
@require_safe
@login_required
def application_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = _employer(request, slug, "pool.view")
    user = request.user
    sees_all = bool(roles_in(user, organization.pk) & {Role.HR, Role.ADMIN}) or is_hu_member(
        user, organization
    )
    applications = (
        PoolApplication.objects.filter(organization=organization)
        .select_related("call", "theme")
        .annotate(eligible=Sum("budget_lines__amount", filter=Q(budget_lines__eligible=True)))
        .order_by("-call__application_deadline", "title")
    )
    if not sees_all:
        applications = applications.filter(project_group=user)
    may_manage = can(user, "pool.manage", organization)
    sessions = RankingSession.objects.filter(organization=organization).select_related("call")
    if not (sees_all or may_manage):
        # The sessions this user may open (rules._may_view): those they facilitate, and the theme days
        # behind the applications whose project group they are in.
        theirs = Q(facilitator=user) | Q(
            pk__in=PoolApplication.objects.filter(project_group=user).values("ranking_session")
        )
        sessions = sessions.filter(theirs)
    today = timezone.localdate()
    return render(
        request,
        "pool/application_list.html",
        {
            "organization": organization,
            "applications": list(applications),
            "sessions": list(sessions),
            "open_calls": list(
                PoolCall.objects.filter(application_deadline__gte=today).prefetch_related("themes")
            ),
            "may_manage": may_manage,
            "create_form": ApplicationCreateForm(organization=organization, prefix="new")
            if may_manage
            else None,
            "session_form": RankingSessionForm(prefix="rank") if may_manage else None,
        },
    )


@require_POST
@login_required
def application_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = _employer(request, slug, "pool.manage")
    form = ApplicationCreateForm(request.POST, organization=organization, prefix="new")
    if form.is_valid():
        try:
            application = services.application_create(
                organization=organization,
                call=form.cleaned_data["call"],
                title=form.cleaned_data["title"],
                ranking_session=form.cleaned_data["ranking_session"],
                by=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The application is created. You are in its project group."))
            return redirect("pool:application_detail", slug, application.pk)
    return render(
        request,
        "pool/application_create.html",
        {"organization": organization, "form": form},
        status=422,  # reached only when the form was refused
    )


# ------------------------------------------------------------------------------------ application
def _load(request: HtmxHttpRequest, slug: str, pk: int, action: str) -> PoolApplication:
    return get_for_user(request.user, action, application_queryset(), pk=pk, org_slug=slug)


def _formsets(application: PoolApplication, data=None) -> tuple:
    groups = TargetGroupFormSet(
        data,
        prefix="groups",
        initial=[
            {
                "name": g.name,
                "employees_in_group": g.employees_in_group,
                "benefitting": g.benefitting,
                "participants": g.participants,
            }
            for g in application.target_groups.all()
        ],
    )
    budget = BudgetLineFormSet(
        data,
        prefix="budget",
        initial=[
            {"text": b.text, "amount": b.amount, "eligible": b.eligible}
            for b in application.budget_lines.all()
        ],
    )
    return groups, budget


def _detail_context(request: AuthenticatedHttpRequest, application: PoolApplication, **extra) -> dict:
    officers = hu_officers(application.organization)
    moves = workflow.available(request.user, application, officers)
    may_edit = application.status != Step.SUBMITTED and can(request.user, "pool.edit", application)
    checklist = application_checklist(application, officers)
    signed = valid_signatures(application)
    role = services.signer_role(application, request.user, officers)
    context = {
        "application": application,
        "organization": application.organization,
        "checklist": checklist,
        "officers": officers,
        "signatures": list(signed.values()),
        "voided": voided_signatures(application),
        "eligible_total": eligible_total(application),
        "budget_total": budget_total(application),
        "below_minimum": eligible_total(application) < application.call.minimum_eligible_expenses,
        "may_edit": may_edit,
        # The seed's theme day proposes 2-3 themes for the process: the top three of the Borda count.
        "proposals": borda_scores(application.ranking_session)[:3] if application.ranking_session else [],
        "may_sign": role is not None and role not in signed and application.status == Step.QUALIFICATION,
        "may_submit": checklist.complete and any(t.name == "submit" for t in moves),
        "moves": [t for t in moves if t in workflow.MANUAL],
        "owns_submit": any(t.name == "submit" for t in moves),
        "sign_blocked": [item for item in checklist.missing if not item.key.startswith("signature_")],
        "history": list(application.events.all()),
        "steps": list(Step),
        "step_index": list(Step.values).index(application.status),
    }
    if may_edit and "form" not in extra:
        context["form"] = ApplicationForm(instance=application)
        context["groups"], context["budget"] = _formsets(application)
    if may_edit:
        context["member_form"] = extra.pop("member_form", None) or ProjectGroupAddForm()
    context.update(extra)
    return context


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def application_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    if request.method != "POST":
        application = _load(request, slug, pk, "pool.view")
        return render(request, "pool/application_detail.html", _detail_context(request, application))
    application = _load(request, slug, pk, "pool.edit")
    form = ApplicationForm(request.POST, instance=application)
    groups, budget = _formsets(application, request.POST)
    saved = False
    if all([form.is_valid(), groups.is_valid(), budget.is_valid()]):
        try:
            voided = services.application_update(
                application=application,
                by=request.user,
                fields={name: form.cleaned_data[name] for name in form.Meta.fields},
                target_groups=groups.rows(),
                budget_lines=budget.rows(),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            saved = True
            if not request.htmx:
                if voided:
                    messages.warning(request, VOIDED_MESSAGE)
                messages.success(request, _("The application is saved."))
                return redirect("pool:application_detail", slug, application.pk)
    application = application_queryset().get(pk=application.pk)
    if saved:
        context = _detail_context(
            request, application, saved=True, voided_now=voided, voided_message=VOIDED_MESSAGE
        )
    else:
        context = _detail_context(request, application, form=form, groups=groups, budget=budget)
    status = 200 if saved else 422  # refused input is no success; htmx swaps 422 (base.html)
    if request.htmx:
        response = render(request, "pool/application_detail.html#editor", context, status=status)
        return trigger_client_event(response, CHANGED_EVENT) if saved else response
    return render(request, "pool/application_detail.html", context, status=status)


@require_safe
@login_required
def application_checklist_view(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = _load(request, slug, pk, "pool.view")
    if not request.htmx:
        return redirect(reverse("pool:application_detail", args=[slug, application.pk]) + "#checklist")
    return render(request, "pool/application_detail.html#status", _detail_context(request, application))


def _refused(request: HtmxHttpRequest, application: PoolApplication, reason: str) -> HttpResponse:
    return render(
        request,
        "pool/move_refused.html",
        {"application": application, "organization": application.organization, "reason": reason},
        status=403,
    )


@require_POST
@login_required
def application_advance(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    # Every member who sees the application gets this far; the workflow decides who owns the move.
    application = _load(request, slug, pk, "pool.view")
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step."))
    else:
        try:
            services.application_advance(
                application=application,
                to_step=form.cleaned_data["to_step"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except PermissionDenied as exc:
            return _refused(request, application, str(exc))
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(
                request,
                _("The application moved to “%(step)s”.")
                % {"step": Step(form.cleaned_data["to_step"]).label},
            )
    return redirect("pool:application_detail", slug, application.pk)


@require_POST
@login_required
def application_sign(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = _load(request, slug, pk, "pool.view")
    try:
        if not can(request.user, "pool.sign", application):
            raise PermissionDenied(services.SIGN_REFUSED)
        # The service checks again: administrators pass every rule, but only the officers may sign.
        services.signature_add(application=application, by=request.user)
    except PermissionDenied as exc:
        officers = hu_officers(application.organization)
        return render(
            request,
            "pool/sign_refused.html",
            {"application": application, "officers": officers, "reason": str(exc)},
            status=403,
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Your signature is registered."))
    return redirect("pool:application_detail", slug, application.pk)


@require_POST
@login_required
def application_submit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = _load(request, slug, pk, "pool.view")
    try:
        services.application_submit(application=application, by=request.user)
    except PermissionDenied as exc:
        return _refused(request, application, str(exc))
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("The application is submitted."))
    return redirect("pool:application_detail", slug, application.pk)


@require_POST
@login_required
def project_group_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = _load(request, slug, pk, "pool.edit")
    form = ProjectGroupAddForm(request.POST)
    if form.is_valid():
        try:
            services.project_group_add(
                application=application, user=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as exc:
            add_errors(form, exc, field="email")
        else:
            messages.success(
                request, _("%(name)s joined the project group.") % {"name": form.cleaned_data["email"]}
            )
            return redirect(
                reverse("pool:application_detail", args=[slug, application.pk]) + "#project-group"
            )
    application = application_queryset().get(pk=application.pk)
    return render(
        request,
        "pool/application_detail.html",
        _detail_context(request, application, member_form=form),
        status=422,  # reached only when the form was refused
    )


@require_POST
@login_required
def project_group_remove(request: AuthenticatedHttpRequest, slug: str, pk: int, user_pk: int) -> HttpResponse:
    application = _load(request, slug, pk, "pool.edit")
    member = get_object_or_404(application.project_group.all(), pk=user_pk)
    try:
        services.project_group_remove(application=application, user=member, by=request.user)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("%(name)s left the project group.") % {"name": member})
    return redirect(reverse("pool:application_detail", args=[slug, application.pk]) + "#project-group")


@require_safe
@login_required
def application_timeline(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = _load(request, slug, pk, "pool.view")
    planned = {p.step: p for p in application.call.planned_steps.all()}
    events = list(application.events.select_related("by"))
    reached = {e.to_step: e for e in events}
    current = list(Step.values).index(application.status)
    rows = [
        {
            "step": step,
            "planned": planned.get(step.value),
            "event": reached.get(step.value),
            "state": "done" if i < current else ("current" if i == current else "future"),
        }
        for i, step in enumerate(Step)
    ]
    return render(
        request,
        "pool/application_timeline.html",
        {
            "application": application,
            "organization": application.organization,
            "rows": rows,
            "events": events,
        },
    )


@require_safe
@login_required
def application_pdf(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    application = _load(request, slug, pk, "pool.view")
    context = _detail_context(request, application)
    pdf = render_pdf(
        "pool/application_pdf.html",
        context,
        title=str(application),
        author=application.organization.name,
        language=get_language() or "da",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pool-application-{application.pk}.pdf"'
    return response


@require_safe
@login_required
def application_budget_csv(
    request: AuthenticatedHttpRequest, slug: str, pk: int, fmt: str = "csv"
) -> HttpResponse:
    application = _load(request, slug, pk, "pool.view")
    yes, no = _("yes"), _("no")
    rows = [[line.text, line.amount, yes if line.eligible else no] for line in application.budget_lines.all()]
    rows.append([_("Total"), budget_total(application), ""])
    rows.append([_("Eligible total"), eligible_total(application), ""])
    return table_response(
        fmt=fmt,
        filename=f"pool-budget-{application.pk}",
        header=[_("Expense"), _("Amount (DKK)"), _("Eligible")],
        rows=rows,
        title=_("Budget"),
    )


# -------------------------------------------------------------------------------------- theme day
@require_POST
@login_required
def ranking_session_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = _employer(request, slug, "pool.manage")
    form = RankingSessionForm(request.POST, prefix="rank")
    if form.is_valid():
        session = services.ranking_session_create(
            organization=organization, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("The theme day ranking is ready. Give each table its link."))
        return redirect("pool:ranking_session", slug, session.pk)
    return render(request, "pool/ranking_session_create.html", {"organization": organization, "form": form})


def _chart(scores: list) -> dict:
    """Geometry of a horizontal bar chart: theme name above its bar, points as text after it."""
    row, bar_max = 50, 520
    bars = []
    for i, score in enumerate(scores):
        width = round(bar_max * score.percent_of_max / 100)
        top = i * row
        bars.append(
            {
                "score": score,
                "label_y": top + 16,
                "bar_y": top + 23,
                "width": width,
                "text_x": width + 8,
                "text_y": top + 36,
            }
        )
    return {"width": 680, "height": max(len(scores) * row, row), "bars": bars}


@require_safe
@login_required
def ranking_session_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_for_user(
        request.user,
        "pool.view",
        RankingSession.objects.select_related("organization", "call"),
        pk=pk,
        org_slug=slug,
    )
    rankings = list(session.rankings.all())
    for ranking in rankings:
        # The absolute address, as the QR code and the copy button give it to a table's phone.
        ranking.url = request.build_absolute_uri(reverse("pool:ranking_table", args=[slug, ranking.token]))
    scores = borda_scores(session)
    context = {
        "session": session,
        "organization": session.organization,
        "scores": scores,
        "chart": _chart(scores),
        "rankings": rankings,
        "submitted": sum(1 for r in rankings if r.submitted_at),
        "theme_count": session.call.themes.count(),
        "may_run": session.facilitator_id == request.user.pk or can(request.user, "pool.manage", session),
    }
    if request.htmx:
        return render(request, "pool/ranking_session_detail.html#results", context)
    # A theme day's facilitator may watch it without seeing the pool's list (rules.py): no link there.
    may_see_list = can(request.user, "pool.view", session.organization)
    context["list_url"] = reverse("pool:application_list", args=[slug]) if may_see_list else ""
    return render(request, "pool/ranking_session_detail.html", context)


@require_POST
@login_required
def ranking_session_close(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    session = get_for_user(request.user, "pool.manage", RankingSession, pk=pk, org_slug=slug)
    services.ranking_session_close(session=session, by=request.user)
    messages.success(request, _("The ranking is closed. The tables' links no longer accept rankings."))
    return redirect("pool:ranking_session", slug, session.pk)


def _order_from_post(request: HtmxHttpRequest, theme_ids: list[int]) -> list[int]:
    try:
        order = [int(x) for x in request.POST.getlist("order")]
    except ValueError:
        return theme_ids
    return order if sorted(order) == sorted(theme_ids) and len(order) == len(theme_ids) else theme_ids


def _move(order: list[int], instruction: str) -> list[int]:
    """The order after a "<theme id>:up" or "<theme id>:down" button; anything else leaves it."""
    theme, _sep, direction = instruction.partition(":")
    try:
        return moved(order, int(theme), direction)
    except ValueError:
        return order


@require_http_methods(["GET", "HEAD", "POST"])
def ranking_table(request: HtmxHttpRequest, slug: str, token: str) -> HttpResponse:
    """A table's ranking page at a theme day, opened without logging in.

    The link is the table's credential: 256 random bits, valid for one table of one session and only
    while the facilitator keeps the session open; it reveals nothing but the call's theme names.
    Participants at a theme day share a phone per table and need no portal account.
    """
    ranking = get_object_or_404(
        ThemeRanking.objects.select_related("session__call", "session__organization"),
        token=token,
        session__organization__slug=slug,
    )
    session = ranking.session
    themes = {t.pk: t for t in session.call.themes.all()}
    default = list(themes)
    saved = list(ranking.places.values_list("theme_id", flat=True).order_by("place"))
    order = saved if sorted(saved) == sorted(default) and saved else default
    errors: list[str] = []
    sent = False
    if request.method == "POST":
        order = _order_from_post(request, default)
        if "move" in request.POST:
            order = _move(order, request.POST["move"])
        else:
            try:
                services.ranking_submit(ranking=ranking, theme_ids=order)
            except ValidationError as exc:
                errors = exc.messages
            else:
                sent = True
                ranking.refresh_from_db(fields=["submitted_at"])
    context = {
        "organization": session.organization,
        "ranking": ranking,
        "session": session,
        "themes": [themes[pk] for pk in order],
        "errors": errors,
        "sent": sent,
        "closed": session.closed_at is not None,
    }
    if request.htmx:
        return render(request, "pool/ranking_table.html#rankform", context)
    return render(request, "pool/ranking_table.html", context)
