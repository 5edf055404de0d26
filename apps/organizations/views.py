from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from apps.core.forms import add_errors
from apps.core.http import AuthenticatedHttpRequest

from . import services
from .forms import AppearanceForm
from .models import Membership, Organization
from .permissions import can, get_for_user


@require_safe
@login_required
def organization_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "organizations.view", Organization, slug=slug)
    units = _unit_tree(organization.units.order_by("path").values_list("depth", "name", "code"))
    memberships = None
    if can(request.user, "organizations.manage", organization):
        memberships = list(
            Membership.objects.filter(organization=organization)
            .select_related("user", "unit")
            .order_by("user__first_name", "user__last_name", "role")
        )
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "units": units,
            "memberships": memberships,
            "may_edit_appearance": can(request.user, "organizations.appearance", organization),
        },
    )


def _unit_tree(rows) -> SafeString:
    """The units (depth, name, code; in tree order) as nested lists, so the tree is there for screen
    readers too. Written in one pass: a municipality has thousands of units, which a template loop
    takes tens of milliseconds to write on every view of the page."""
    parts: list[str] = []
    open_depth = 0
    for depth, name, code in rows:
        if depth > open_depth:
            parts.append('<ul class="portal-tree">' * (depth - open_depth))
        else:
            parts.append("</li>" + "</ul></li>" * (open_depth - depth))
        parts.append(f'<li>{escape(name)} <span class="portal-muted">({escape(code)})</span>')
        open_depth = depth
    if open_depth:
        parts.append("</li></ul>" * open_depth)
    return mark_safe("".join(parts))  # noqa: S308 - every name and code in it is escaped


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def organization_appearance(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "organizations.appearance", Organization, slug=slug)
    if request.method == "POST":
        form = AppearanceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.organization_appearance_update(
                    organization=organization,
                    logo_png=form.cleaned_data["logo"] or None,
                    remove_logo=form.cleaned_data["remove_logo"],
                    brand_color=form.cleaned_data["brand_color"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The logo and colour were saved."))
                return redirect("organizations:appearance", slug=organization.slug)
    else:
        form = AppearanceForm(initial={"brand_color": organization.cover_color})
    return render(
        request,
        "organizations/organization_appearance.html",
        {"organization": organization, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@require_safe
@login_required
def organization_logo(request: AuthenticatedHttpRequest, slug: str) -> FileResponse:
    """The logo for the organisation's members only, always as the PNG the upload was re-encoded to."""
    organization = get_for_user(request.user, "organizations.view", Organization, slug=slug)
    if not organization.logo:
        raise Http404
    try:
        handle = organization.logo.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type="image/png", as_attachment=False, filename="logo.png")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
