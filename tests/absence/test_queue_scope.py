"""The queue shows exactly the advisories of the employees the user may see, whichever way the query
reaches them (the whole organisation joined directly, a narrower scope through its employees): a
matrix of roles, scopes and two organisations, on both queue pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.absence.models import Advisory, AdvisoryPolicy
from apps.absence.selectors import employees_visible_to, followed_up_by
from apps.absence.sweep import advisory_sweep
from apps.organizations.models import Membership, Role
from tests.conftest import _user_with
from tests.factories import EmployeeFactory, register_absence

pytestmark = pytest.mark.django_db


def expected_queue(user, organization, today, *, mine: bool) -> set[int] | None:
    visible = employees_visible_to(user, organization)
    if visible is None:
        return None
    due = Advisory.objects.filter(employee__in=visible, due_date__lte=today).exclude(status="closed")
    if mine:
        due = due.filter(followed_up_by(user.pk))
    return set(due.values_list("pk", flat=True))


def test_every_role_and_scope_sees_exactly_its_employees_advisories(
    client, employer, other_org, leader, hr_user, hr_user_other
):
    today = timezone.localdate()
    other_org.kind = "employer"
    other_org.save()
    AdvisoryPolicy.objects.create(organization=other_org)
    leader_b = _user_with(employer, Role.LEADER, "B", email="leader.b@example.org")
    people = [
        EmployeeFactory(unit=employer.units.get(code="A1a"), leader=leader),
        EmployeeFactory(unit=employer.units.get(code="A1"), leader=leader_b),
        EmployeeFactory(unit=employer.units.get(code="B"), leader=leader_b),
        EmployeeFactory(unit=employer.units.get(code="B"), leader=leader),
        EmployeeFactory(unit=other_org.units.get(code="X"), leader=leader),
    ]
    for person in people:
        register_absence(person, today - timedelta(days=4))
    advisory_sweep(as_of=today, organization=employer, notify=False)
    advisory_sweep(as_of=today, organization=other_org, notify=False)
    assigned = Advisory.objects.filter(employee=people[2]).first()
    assigned.assigned_leader = leader  # HR asked a leader of another unit to follow this one up
    assigned.save(update_fields=["assigned_leader"])
    leader_here_hr_there = _user_with(employer, Role.LEADER, "A1", email="mixed@example.org")
    Membership.objects.create(user=leader_here_hr_there, organization=other_org, role=Role.HR)
    leader_and_unit_hr = _user_with(employer, Role.LEADER, "B", email="both@example.org")
    Membership.objects.create(
        user=leader_and_unit_hr, organization=employer, role=Role.HR, unit=employer.units.get(code="A1a")
    )
    users = {
        "HR of the whole organisation": hr_user,
        "leader": leader,
        "leader of B": leader_b,
        "HR of A1": _user_with(employer, Role.HR, "A1", email="hr.a1@example.org"),
        "admin of B": _user_with(employer, Role.ADMIN, "B", email="admin.b@example.org"),
        "HR of the other organisation": hr_user_other,
        "leader here, HR there": leader_here_hr_there,
        "leader of B and HR of A1a": leader_and_unit_hr,
        "leader without a unit": _user_with(employer, Role.LEADER, None, email="leader.none@example.org"),
        **{
            role: _user_with(employer, role, email=f"{role}@example.org")
            for role in (Role.BOARD, Role.STEWARD)
        },
    }
    seen_whole = False
    for organization in (employer, other_org):
        for name, user in users.items():
            client.force_login(user)
            for view, mine in (("queue", False), ("my_queue", True)):
                response = client.get(reverse(f"absence:{view}", args=[organization.slug]), {"per_page": 100})
                expected = expected_queue(user, organization, today, mine=mine)
                if expected is None:
                    assert response.status_code in (403, 404), (name, organization.slug, view)
                    continue
                assert response.status_code == 200, (name, organization.slug, view, response.status_code)
                shown = {advisory.pk for advisory in response.context["advisories"]}
                assert shown == expected, (name, organization.slug, view)
                seen_whole |= user == hr_user and not mine and organization == employer and len(shown) >= 4
    assert seen_whole  # the whole organisation's queue held every employee's advisories
