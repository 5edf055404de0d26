"""The pages the harness times: the busiest list and detail pages of each app, each resolved against
the seeded database (which organisation, which object, which demo user)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Count
from django.urls import reverse

if TYPE_CHECKING:
    from apps.organizations.models import Organization

ADMIN = "admin@demo.example"
# -> (organisation or None, reverse() args); raises Unavailable when the data is not there
Target = Callable[[], "tuple[Organization | None, list]"]


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    url_name: str
    users: tuple[str, ...]  # demo accounts in order of preference; members of the org are tried first
    target: Target


def _unavailable(message: str):
    from .measure import Unavailable

    return Unavailable(message)


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError as exc:
        raise _unavailable(f"model {label} does not exist yet") from exc


def org_by_slug(slug: str) -> Target:
    def pick():
        from apps.organizations.models import Organization

        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            raise _unavailable(f"organisation {slug} is not seeded")
        return org, [org.slug]

    return pick


def org_with_most(model_label: str, org_lookup: str = "organization") -> Target:
    """The organisation that has the most rows of ``model_label``."""

    def pick():
        from apps.organizations.models import Organization

        model = _model(model_label)
        row = model.objects.values(org_lookup).annotate(n=Count("pk")).order_by("-n", org_lookup).first()
        if not row:
            raise _unavailable(f"no {model_label} rows are seeded")
        org = Organization.objects.get(pk=row[org_lookup])
        return org, [org.slug]

    return pick


def busiest(model_label: str, org_lookup: str, count: str | None, *, org_slug: str | None = None) -> Target:
    """The object of ``model_label`` with the most ``count`` related rows (in ``org_slug`` if given);
    reverse() args are (org slug, pk)."""

    def pick():
        from apps.organizations.models import Organization

        model = _model(model_label)
        qs = model.objects.all()
        if org_slug:
            qs = qs.filter(**{f"{org_lookup}__slug": org_slug})
        if count:
            qs = qs.annotate(bench_n=Count(count, distinct=True)).order_by("-bench_n", "pk")
        else:
            qs = qs.order_by("pk")
        row = qs.values("pk", org_lookup).first()
        if row is None:
            raise _unavailable(f"no {model_label} rows are seeded" + (f" in {org_slug}" if org_slug else ""))
        org = Organization.objects.get(pk=row[org_lookup])
        return org, [org.slug, row["pk"]]

    return pick


def no_org() -> tuple[None, list]:
    return None, []


HR = ("hr.norddjurs@demo.example",)
MED = ("formand.hu.norddjurs@demo.example", "hr.norddjurs@demo.example")
BOARD = ("bestyrelse.djoef@demo.example", "styre.fagforbundet@demo.example", "bestyrelse.dsr@demo.example")
STEWARD = ("tr.djoef@demo.example", "tillitsvalgt.fagforbundet@demo.example")
NK = "norddjurs"

PAGES: list[Page] = [
    Page("home", "Home", "core:home", HR, no_org),
    Page("absence_queue", "HR advisory queue", "absence:queue", HR, org_by_slug(NK)),
    Page("absence_statistics", "Absence statistics", "absence:statistics", HR, org_by_slug(NK)),
    Page("absence_employees", "Employees (HR)", "absence:employees", HR, org_by_slug(NK)),
    Page(
        "absence_employee",
        "Employee with the most absence",
        "absence:employee",
        HR,
        busiest("absence.Employee", "organization", "registrations", org_slug=NK),
    ),
    Page(
        "strategy_plans",
        "Strategy plan overview",
        "strategy:plan_list",
        BOARD,
        org_with_most("strategy.StrategyPlan"),
    ),
    Page(
        "strategy_plan",
        "Strategy plan (most focus areas)",
        "strategy:plan_detail",
        BOARD,
        busiest("strategy.StrategyPlan", "organization", "focus_areas__initiatives"),
    ),
    Page(
        "focus_area",
        "Focus area (most initiatives)",
        "strategy:focus_area_detail",
        BOARD,
        busiest("strategy.FocusArea", "plan__organization", "initiatives"),
    ),
    Page("clubs", "Club list", "clubs:club_list", BOARD, org_with_most("clubs.Club")),
    Page("my_clubs", "My clubs (shop steward)", "clubs:my_clubs", STEWARD, org_by_slug("djoef-offentlig")),
    Page(
        "club",
        "Club (most meetings)",
        "clubs:club_detail",
        BOARD + STEWARD,
        busiest("clubs.Club", "organization", "meetings"),
    ),
    Page("committees", "MED committees", "meetings:committee_list", MED, org_by_slug(NK)),
    Page(
        "committee",
        "Committee (most meetings)",
        "meetings:committee_detail",
        MED,
        busiest("meetings.Committee", "organization", "meetings"),
    ),
    Page(
        "agenda_builder",
        "Agenda builder (meeting with most items)",
        "meetings:med_meeting_detail",
        MED,
        busiest("meetings.Meeting", "committee__organization", "items"),
    ),
    Page("pool", "Pool applications", "pool:application_list", MED, org_by_slug(NK)),
    Page("reports", "Annual reports", "reports:report_list", BOARD, org_with_most("reports.AnnualReport")),
    Page("organization", "Organisation overview", "organizations:detail", HR, org_by_slug(NK)),
]


def resolve_page(page: Page) -> tuple[str, list[str]]:
    """(path, demo accounts to try in order) for ``page`` against the seeded data."""
    from apps.organizations.models import Membership

    org, args = page.target()
    path = reverse(page.url_name, args=args)
    if org is None:
        return path, [*page.users, ADMIN]
    members = set(
        Membership.objects.filter(organization=org).values_list("user__email", flat=True).distinct()
    )
    ordered = [u for u in page.users if u in members] + [u for u in page.users if u not in members]
    return path, [*ordered, ADMIN]
