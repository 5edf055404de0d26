"""One URL and view shape in every app: the organisation's slug in every route, the view takes it
as its first argument after the request, and an object opened under another organisation's slug is
not found, even for someone who belongs to both organisations."""

import inspect

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.organizations.models import Role
from tests.factories import (
    AnnualReportFactory,
    ClubFactory,
    CommitteeFactory,
    EmployeeFactory,
    MeetingFactory,
    MembershipFactory,
    PoolApplicationFactory,
    StrategyPlanFactory,
    UserFactory,
)

# The apps that hold an organisation's data; core (home, language, health check) holds none.
ORGANISATION_APPS = {"organizations", "strategy", "clubs", "meetings", "absence", "pool", "reports"}


def _routes():
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in ORGANISATION_APPS:
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                yield f"{entry.namespace}:{pattern.name}", str(pattern.pattern), pattern.callback


def test_every_route_of_every_app_names_the_organisation():
    routes = list(_routes())
    assert len(routes) > 150
    assert [name for name, route, _view in routes if "<slug:slug>" not in route] == []


def test_every_view_takes_the_slug_first():
    wrong = []
    for name, _route, view in _routes():
        parameters = list(inspect.signature(inspect.unwrap(view)).parameters)
        if parameters[:2] != ["request", "slug"]:
            wrong.append((name, parameters))
    assert wrong == []


@pytest.fixture
def admin_of_both(org, other_org):
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=Role.ADMIN)
    MembershipFactory(user=user, organization=other_org, role=Role.ADMIN)
    return user


def _meeting(org):
    return MeetingFactory(committee=CommitteeFactory(organization=org))


def _as_employers_for(url_name: str, *organizations) -> None:
    """Absence pages exist only for employers: both organisations employ people for those."""
    if url_name.startswith("absence:"):
        for organization in organizations:
            organization.kind = "employer"
            organization.save(update_fields=["kind"])


@pytest.mark.parametrize(
    ("url_name", "make"),
    [
        ("strategy:plan_detail", lambda org: StrategyPlanFactory(organization=org)),
        ("meetings:committee_detail", lambda org: CommitteeFactory(organization=org)),
        ("meetings:med_meeting_detail", _meeting),
        ("pool:application_detail", lambda org: PoolApplicationFactory(organization=org)),
        ("reports:report_detail", lambda org: AnnualReportFactory(organization=org)),
        ("clubs:club_detail", lambda org: ClubFactory(organization=org)),
        ("absence:employee", lambda org: EmployeeFactory(unit=org.units.first())),
    ],
)
def test_an_object_under_another_organisations_slug_is_not_found(
    login, admin_of_both, org, other_org, url_name, make
):
    _as_employers_for(url_name, org, other_org)
    obj = make(org)
    client = login(admin_of_both)
    assert client.get(reverse(url_name, args=[org.slug, obj.pk])).status_code == 200
    assert client.get(reverse(url_name, args=[other_org.slug, obj.pk])).status_code == 404


@pytest.mark.parametrize(
    ("url_name", "make", "roles"),
    [
        ("strategy:plan_edit", lambda org: StrategyPlanFactory(organization=org), (Role.MED, Role.BOARD)),
        ("absence:employee", lambda org: EmployeeFactory(unit=org.units.first()), (Role.MED, Role.HR)),
    ],
)
def test_another_organisations_slug_is_404_before_the_role_is_asked(
    login, org, other_org, url_name, make, roles
):
    """Someone without the right in the object's organisation but with it in another gets 404 under
    the other's slug, not 403 (which would tell that the number exists)."""
    role_here, role_there = roles
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=role_here)
    MembershipFactory(user=user, organization=other_org, role=role_there)
    _as_employers_for(url_name, org, other_org)
    obj = make(org)
    client = login(user)
    assert client.get(reverse(url_name, args=[org.slug, obj.pk])).status_code == 403
    assert client.get(reverse(url_name, args=[other_org.slug, obj.pk])).status_code == 404


def _public_progress(org):
    from apps.strategy.models import PlanLink, StrategyPlan

    plan = StrategyPlanFactory(organization=org, visibility=StrategyPlan.Visibility.PUBLIC)
    return "strategy:public_progress", PlanLink.objects.create(plan=plan).token


def _screen(org):
    from apps.meetings.models import ScreenLink

    return "meetings:med_meeting_screen", ScreenLink.objects.create(meeting=_meeting(org)).token


def _table(org):
    from datetime import date

    from apps.organizations.models import Organization
    from apps.pool.services import ranking_session_create
    from tests.factories import PoolCallFactory

    org.kind = Organization.Kind.EMPLOYER
    org.save(update_fields=["kind"])
    session = ranking_session_create(
        organization=org,
        call=PoolCallFactory(),
        title="Temadag",
        meeting_date=date(2026, 11, 15),
        tables=1,
        by=UserFactory(),
    )
    return "pool:ranking_table", session.rankings.get().token


@pytest.mark.parametrize("make", [_public_progress, _screen, _table])
def test_a_link_token_under_another_organisations_slug_is_not_found(client, org, other_org, make):
    """Links opened without logging in (public progress, a screen in the room, a table's ranking)."""
    url_name, token = make(org)
    assert client.get(reverse(url_name, args=[org.slug, token])).status_code == 200
    assert client.get(reverse(url_name, args=[other_org.slug, token])).status_code == 404
