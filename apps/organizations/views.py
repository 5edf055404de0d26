from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Membership, Organization
from .permissions import can, get_for_user


@require_safe
@login_required
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_for_user(request.user, "organizations.view", Organization, slug=slug)
    units = list(organization.units.order_by("path"))
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
        {"organization": organization, "units": units, "memberships": memberships},
    )
