"""The progress page members follow, its public link, members' comments and their moderation, and the
board's list of initiatives without recent updates (issue 19)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from apps.core.forms import add_errors, error_text
from apps.core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from apps.organizations.permissions import can, get_for_user

from . import selectors, services
from .forms import CommentForm, PublishForm
from .models import Initiative, InitiativeComment, PlanLink, StrategyPlan

PLANS = StrategyPlan.objects.select_related("organization")
INITIATIVES = Initiative.objects.select_related(
    "focus_area__plan__organization", "goal", "responsible_unit", "implements"
)
COMMENTS = InitiativeComment.objects.select_related(
    "initiative__focus_area__plan__organization", "author", "moderated_by"
)
LINKS = PlanLink.objects.select_related("plan__organization")
MODERATION_FILTERS = ("pending", "approved", "hidden", "all")
MODERATION_ROWS = 200


def _readable(request: HtmxHttpRequest, plan: StrategyPlan) -> bool:
    """Whether the user may read the plan's progress page; True when they read it as the board (which
    also sees an unpublished page, as a preview). Members of the organisation read a published page."""
    may_edit = can(request.user, "strategy.edit", plan)
    if plan.visibility == StrategyPlan.Visibility.UNPUBLISHED and not may_edit:
        raise PermissionDenied(_("The board has not published this plan's progress page."))
    return may_edit


def _valid_link(slug: str, token: str) -> PlanLink:
    link = get_object_or_404(LINKS, token=token, plan__organization__slug=slug)
    if not link.is_valid:
        raise Http404
    return link


def _public(response: HttpResponse) -> HttpResponse:
    # The address is the credential: keep it out of search engines and out of Referer headers.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _progress_page(
    request: HtmxHttpRequest, plan: StrategyPlan, *, link: PlanLink | None, preview: bool = False
) -> HttpResponse:
    context = {
        "plan": plan,
        "organization": plan.organization,
        "data": selectors.plan_progress(plan),
        "link": link,
        "preview": preview,
        "today": timezone.localdate(),
    }
    return render(request, "strategy/plan_progress.html", context)


@require_safe
@login_required
def plan_progress(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_for_user(request.user, "strategy.view", PLANS, pk=pk, org_slug=slug)
    as_board = _readable(request, plan)
    preview = as_board and plan.visibility == StrategyPlan.Visibility.UNPUBLISHED
    return _progress_page(request, plan, link=None, preview=preview)


@require_safe
def public_progress(request: HtmxHttpRequest, slug: str, token: str) -> HttpResponse:
    link = _valid_link(slug, token)
    return _public(_progress_page(request, link.plan, link=link))


def _cascade_of(plan: StrategyPlan, initiative: Initiative) -> list:
    for section in selectors.plan_progress(plan)["sections"]:
        for item in section.items:
            if item.initiative.pk == initiative.pk:
                return item.cascade
    return []


def _initiative_page(
    request: HtmxHttpRequest,
    initiative: Initiative,
    *,
    link: PlanLink | None,
    form: CommentForm | None = None,
    preview: bool = False,
    status: int = 200,
) -> HttpResponse:
    plan = initiative.focus_area.plan
    context = {
        "plan": plan,
        "organization": plan.organization,
        "item": initiative,
        "area": initiative.focus_area,
        "cascade": _cascade_of(plan, initiative),
        "updates": list(initiative.updates.order_by("-date", "-created_at")[: selectors.LATEST_UPDATES]),
        "comments": selectors.approved_comments(initiative),
        "link": link,
        "form": form,
        "preview": preview,
    }
    return render(request, "strategy/initiative_progress.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def progress_initiative(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """One initiative on the progress page: its updates, the approved comments, and a form for members."""
    initiative = get_for_user(request.user, "strategy.view", INITIATIVES, pk=pk, org_slug=slug)
    plan = initiative.focus_area.plan
    as_board = _readable(request, plan)
    open_for_comments = services.may_comment_on(plan)
    form = CommentForm(request.POST or None) if open_for_comments else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Comments are closed: the plan's progress page is not open to members."))
        if form.is_valid():
            try:
                services.initiative_comment_post(
                    initiative=initiative, author=request.user, text=form.cleaned_data["text"]
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Thank you. Your comment is shown on the page once the board has approved it."),
                )
                return redirect(
                    reverse("strategy:progress_initiative", args=[slug, initiative.pk]) + "#comments"
                )
    preview = as_board and plan.visibility == StrategyPlan.Visibility.UNPUBLISHED
    status = 422 if request.method == "POST" else 200
    return _initiative_page(request, initiative, link=None, form=form, preview=preview, status=status)


@require_safe
def public_initiative(request: HtmxHttpRequest, slug: str, token: str, pk: int) -> HttpResponse:
    link = _valid_link(slug, token)
    initiative = get_object_or_404(INITIATIVES, pk=pk, focus_area__plan=link.plan)
    return _public(_initiative_page(request, initiative, link=link))


# --- the board: publishing, links, moderation, stale initiatives ----------------------------------


def _publish_page(
    request: HtmxHttpRequest, plan: StrategyPlan, form: PublishForm, status: int = 200
) -> HttpResponse:
    link = plan.links.filter(revoked_at__isnull=True).order_by("-created_at").first()
    public_url = (
        request.build_absolute_uri(
            reverse("strategy:public_progress", args=[plan.organization.slug, link.token])
        )
        if link is not None and link.is_valid
        else None
    )
    context = {
        "plan": plan,
        "organization": plan.organization,
        "form": form,
        "link": link,
        "public_url": public_url,
    }
    return render(request, "strategy/plan_publish.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def plan_publish(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_for_user(request.user, "strategy.edit", PLANS, pk=pk, org_slug=slug)
    form = PublishForm(request.POST or None, instance=plan)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.plan_set_publishing(plan=plan, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The settings were saved."))
                return redirect("strategy:plan_publish", slug, plan.pk)
        plan.refresh_from_db()
        return _publish_page(request, plan, form, status=422)
    return _publish_page(request, plan, form)


@require_POST
@login_required
def plan_link_create(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_for_user(request.user, "strategy.edit", PLANS, pk=pk, org_slug=slug)
    try:
        services.plan_link_create(plan=plan, user=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("A new public link was made. The old link no longer works."))
    return redirect("strategy:plan_publish", slug, plan.pk)


@require_POST
@login_required
def plan_link_revoke(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    link = get_for_user(request.user, "strategy.edit", LINKS, pk=pk, org_slug=slug)
    services.plan_link_revoke(link=link)
    messages.success(request, _("The public link was revoked. It no longer opens the progress page."))
    return redirect("strategy:plan_publish", slug, link.plan_id)


def _moderation_filter(value: str | None) -> str:
    return value if value in MODERATION_FILTERS else "pending"


@require_safe
@login_required
def comment_moderation(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_for_user(request.user, "strategy.edit", PLANS, pk=pk, org_slug=slug)
    shown = _moderation_filter(request.GET.get("status"))
    comments = COMMENTS.filter(initiative__focus_area__plan=plan).order_by("-created_at", "-pk")
    if shown != "all":
        comments = comments.filter(status=shown)
    rows = list(comments[: MODERATION_ROWS + 1])
    counts = selectors.comment_counts(plan)
    context = {
        "plan": plan,
        "organization": plan.organization,
        "comments": rows[:MODERATION_ROWS],
        "more": len(rows) > MODERATION_ROWS,
        "shown": shown,
        "counts": counts,
        "filters": [
            ("pending", _("Awaiting moderation"), counts["pending"]),
            ("approved", _("Approved"), counts["approved"]),
            ("hidden", _("Hidden"), counts["hidden"]),
            ("all", _("All"), counts["all"]),
        ],
    }
    return render(request, "strategy/comment_moderation.html", context)


@require_POST
@login_required
def comment_moderate(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    comment = get_for_user(request.user, "strategy.edit", COMMENTS, pk=pk, org_slug=slug)
    action = request.POST.get("action")
    if action not in ("approve", "hide"):
        return HttpResponse(
            _("Choose approve or hide."), status=400, content_type="text/plain; charset=utf-8"
        )
    comment = services.initiative_comment_moderate(
        comment=comment, approve=action == "approve", user=request.user
    )
    if request.htmx:
        comment = COMMENTS.get(pk=comment.pk)
        response = render(
            request, "strategy/comment_moderation.html#comment", {"comment": comment, "saved": True}
        )
        patch_vary_headers(response, ("HX-Request",))
        return response
    if action == "approve":
        messages.success(request, _("The comment was approved and is shown to members."))
    else:
        messages.success(request, _("The comment was hidden. Members no longer see it."))
    shown = _moderation_filter(request.POST.get("shown"))
    plan_id = comment.initiative.focus_area.plan_id
    return redirect(reverse("strategy:comment_moderation", args=[slug, plan_id]) + f"?status={shown}")


@require_safe
@login_required
def stale_list(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = get_for_user(request.user, "strategy.edit", PLANS, pk=pk, org_slug=slug)
    today = timezone.localdate()
    initiatives = list(selectors.stale_initiatives(plan, today))
    for item in initiatives:
        last = max(filter(None, [item.last_update, timezone.localtime(item.updated_at).date()]))
        item.last_activity = last
        item.weeks_quiet = (today - last).days // 7
    context = {"plan": plan, "organization": plan.organization, "initiatives": initiatives}
    return render(request, "strategy/stale_list.html", context)
