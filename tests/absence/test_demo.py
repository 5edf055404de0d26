import random
from datetime import date
from io import StringIO

import pytest
from django.db.models import F, Q

from apps.absence import demo
from apps.absence.health import HealthTerms, note_check
from apps.absence.models import AbsenceRegistration, Advisory, AdvisoryEvent, Employee, Spell
from apps.core.demo import DemoContext
from apps.organizations import demo as organizations_demo
from apps.organizations.models import OrgUnit


def seeded(employees=120, years=2, seed=7):
    ctx = DemoContext(
        rng=random.Random(seed), today=date(2026, 11, 23), employees=employees, years=years, out=StringIO()
    )
    organizations_demo.seed(ctx)
    demo.seed(ctx)
    return ctx


@pytest.mark.django_db
def test_demo_builds_workplaces_employees_absence_and_a_queue():
    ctx = seeded()
    org = ctx.organizations["norddjurs"]
    assert Employee.objects.filter(organization=org).count() == 120
    workplaces = OrgUnit.objects.filter(organization=org, depth=4)
    assert workplaces.count() == 5
    assert all(OrgUnit.objects.get_parent(unit).depth == 3 for unit in workplaces)
    registrations = AbsenceRegistration.objects.filter(employee__organization=org)
    assert 4 * 120 * 2 < registrations.count() < 9 * 120 * 2
    assert set(registrations.values_list("absence_type", flat=True)) >= {"sick", "child_sick", "care_day"}
    assert Spell.objects.filter(employee__organization=org).exists()
    assert Advisory.objects.filter(employee__organization=org).exclude(status="closed").exists()
    follow_ups = AdvisoryEvent.objects.filter(advisory__employee__organization=org)
    assert follow_ups.exists() and not follow_ups.filter(contact_form="").exists()
    terms = HealthTerms.active()
    for note in follow_ups.exclude(note="").values_list("note", flat=True).distinct():
        assert note_check(note, terms=terms) == note  # the demo writes no health details
    assert all("@demo.example" in email for email, _description in ctx.logins)
    first = (
        Employee.objects.filter(organization=org)
        .order_by("employee_number")
        .values_list("name", flat=True)[:5]
    )
    assert list(first) == list(
        Employee.objects.filter(organization=org)
        .order_by("employee_number")
        .values_list("name", flat=True)[:5]
    )


@pytest.mark.django_db
def test_demo_opens_more_departments_when_there_are_many_workplaces():
    ctx = seeded(employees=2600, years=1)
    org = ctx.organizations["norddjurs"]
    assert OrgUnit.objects.filter(organization=org, depth=4).count() == 104
    assert OrgUnit.objects.filter(organization=org, depth=3).count() == 9
    assert OrgUnit.objects.filter(organization=org, depth__gt=4).count() == 0
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_the_demo_absence_stays_inside_each_employment():
    """As an import demands (an absence may not run past the employment's end): the generated history
    of employees who left stops with their employment."""
    ctx = seeded(employees=400, years=3, seed=11)
    org = ctx.organizations["norddjurs"]
    registrations = AbsenceRegistration.objects.filter(employee__organization=org)
    assert registrations.filter(employee__employment_end__isnull=False).exists()
    outside = registrations.filter(employee__employment_end__isnull=False).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=F("employee__employment_end"))
    )
    assert list(outside.values_list("employee_id", "start_date", "end_date")) == []
    assert not registrations.filter(start_date__lt=F("employee__employment_start")).exists()


@pytest.mark.django_db
def test_workplaces_under_a_named_department_are_of_its_kind():
    """A leader of Hjemmeplejen saw "Plejecentret Grenaa 1" below it, and Skoler held a day care."""
    ctx = seeded(employees=2600, years=1)
    org = ctx.organizations["norddjurs"]
    checked = 0
    for department in OrgUnit.objects.filter(organization=org, depth=3):
        kinds = demo.DEPARTMENT_WORKPLACE_KINDS.get(department.code.rsplit("-", 1)[-1])
        if kinds is None:
            continue
        for workplace in OrgUnit.objects.get_children(department):
            assert workplace.name.rsplit(" ", 2)[0] in kinds, (department.name, workplace.name)
            checked += 1
    assert checked > 50
