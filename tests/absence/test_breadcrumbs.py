"""Every full page of the absence app has the shared breadcrumb trail: the overview, the list page, the
employee, the page itself; a level the viewer may not open is left out."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.absence.models import AbsenceRegistration, Advisory, AdvisoryEvent, ImportJob
from apps.absence.sweep import advisory_sweep
from apps.organizations.models import Role
from apps.organizations.permissions import RULES
from tests.factories import register_absence
from tests.helpers import breadcrumb_trail

pytestmark = pytest.mark.django_db


def da(msgid: str) -> str:
    """The label as the Danish page shows it (the default language), from the catalogues the page uses:
    one msgid can be translated by another app's catalogue first ("Employees" is, by the meetings app's)."""
    with translation.override("da"):
        label = translation.gettext(msgid)
    assert label != msgid, f"{msgid!r} has no Danish translation"
    return label


OVERVIEW = ("/", "Overblik")  # the shared trail's first level, from the site-wide catalogue


def trail(response) -> list[tuple[str, str]]:
    assert response.status_code in (200, 422)
    return breadcrumb_trail(response.text)


def url(name, *args):
    return reverse(f"absence:{name}", args=args)


@pytest.fixture
def sick_employee(employee, employer):
    """The leader's employee, sick for five days: advisories due, a registration to edit."""
    today = timezone.localdate()
    register_absence(employee, today - timedelta(days=4))
    advisory_sweep(as_of=today, organization=employer, notify=False)
    return employee


def test_the_queue(login, hr_user, sick_employee, employer):
    response = login(hr_user).get(url("queue", employer.slug))
    assert trail(response) == [OVERVIEW, ("", da("Advisories"))]


def test_my_queue_is_under_the_queue(login, leader, sick_employee, employer):
    response = login(leader).get(url("my_queue", employer.slug))
    assert trail(response) == [
        OVERVIEW,
        (url("queue", employer.slug), da("Advisories")),
        ("", da("My advisories")),
    ]


def test_the_employee_list(login, leader, sick_employee, employer):
    response = login(leader).get(url("employees", employer.slug))
    assert trail(response) == [OVERVIEW, ("", da("Employees"))]


def test_the_employee_page_for_their_leader(login, leader, sick_employee, employer):
    response = login(leader).get(url("employee", employer.slug, sick_employee.pk))
    assert trail(response) == [
        OVERVIEW,
        (url("employees", employer.slug), da("Employees")),
        ("", sick_employee.name),
    ]


def test_the_access_log(login, hr_user, sick_employee, employer):
    response = login(hr_user).get(url("access_log", employer.slug, sick_employee.pk))
    assert trail(response) == [
        OVERVIEW,
        (url("employees", employer.slug), da("Employees")),
        (url("employee", employer.slug, sick_employee.pk), sick_employee.name),
        ("", da("Access log")),
    ]


def test_the_registration_forms(login, hr_user, sick_employee, employer):
    client = login(hr_user)
    above = [
        OVERVIEW,
        (url("employees", employer.slug), da("Employees")),
        (url("employee", employer.slug, sick_employee.pk), sick_employee.name),
    ]
    new = client.get(url("registration_create", employer.slug, sick_employee.pk))
    assert trail(new) == [*above, ("", da("Register absence"))]
    registration = AbsenceRegistration.objects.get(employee=sick_employee)
    edit = client.get(url("registration_edit", employer.slug, registration.pk))
    assert trail(edit) == [*above, ("", da("Edit absence"))]
    refused = client.post(url("registration_edit", employer.slug, registration.pk), {"absence_type": ""})
    assert refused.status_code == 422
    assert trail(refused) == [*above, ("", da("Edit absence"))]


def test_the_policy(login, hr_user, employer):
    response = login(hr_user).get(url("policy", employer.slug))
    assert trail(response) == [OVERVIEW, ("", da("Follow-up model"))]


def test_the_notes_to_review_and_a_refused_review(login, hr_user, sick_employee, employer):
    event = AdvisoryEvent.objects.create(
        advisory=Advisory.objects.filter(employee=sick_employee).first(),
        from_status="new",
        to_status="seen",
        note="Ringer igen fredag.",
        note_needs_review=True,
        at=timezone.now() - timedelta(days=30),
    )
    client = login(hr_user)
    listed = client.get(url("note_review_list", employer.slug))
    assert trail(listed) == [OVERVIEW, ("", da("Notes to review"))]
    refused = client.post(url("note_review", employer.slug, event.pk), {"note": "x" * 201})
    assert refused.status_code == 422
    assert trail(refused) == [
        OVERVIEW,
        (url("note_review_list", employer.slug), da("Notes to review")),
        ("", da("Review the note")),
    ]


def test_the_import_pages(login, hr_user, employer):
    client = login(hr_user)
    assert trail(client.get(url("import", employer.slug))) == [OVERVIEW, ("", da("Import payroll files"))]
    job = ImportJob.objects.create(
        organization=employer, kind="absences", filename="fravaer-marts.csv", status=ImportJob.Status.DONE
    )
    assert trail(client.get(url("import_job", employer.slug, job.pk))) == [
        OVERVIEW,
        (url("import", employer.slug), da("Import payroll files")),
        ("", "fravaer-marts.csv"),
    ]


def test_a_long_file_name_is_shortened_in_the_trail(login, hr_user, employer):
    name = "lønudtræk-" + "x" * 80 + ".csv"
    job = ImportJob.objects.create(organization=employer, kind="absences", filename=name, status="done")
    response = login(hr_user).get(url("import_job", employer.slug, job.pk))
    current = trail(response)[-1]
    assert current[0] == "" and current[1] == name[:59] + "…"
    assert name in response.text  # the heading still names the whole file


def test_the_statistics_for_the_union_side(login, shop_steward, employer):
    response = login(shop_steward).get(url("statistics", employer.slug))
    assert trail(response) == [OVERVIEW, ("", da("Absence statistics"))]


def test_a_level_the_viewer_may_not_open_is_not_linked(login, leader, sick_employee, employer, monkeypatch):
    """The employee's page and the list are open under two rules (the employee set, ``absence.queue``):
    were the list HR's only, their leader would still see the employee but get no link to the list."""
    hr_only = replace(RULES["absence.queue"], roles=frozenset({Role.HR, Role.ADMIN}))
    monkeypatch.setitem(RULES, "absence.queue", hr_only)
    response = login(leader).get(url("employee", employer.slug, sick_employee.pk))
    assert trail(response) == [OVERVIEW, ("", sick_employee.name)]
    assert login(leader).get(url("employees", employer.slug)).status_code == 403
