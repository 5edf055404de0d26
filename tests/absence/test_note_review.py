"""HR's review of the free-text notes written before the health-text check (issue 14, point 2): only HR
sees a flagged note until it is reviewed; review keeps (checked), rewrites or clears it and unflags it."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from apps.absence.models import Advisory, AdvisoryEvent
from apps.absence.sweep import advisory_sweep
from apps.organizations.models import Role
from tests.conftest import _user_with
from tests.factories import EmployeeFactory, register_absence

pytestmark = pytest.mark.django_db
OLD_NOTE = "Diagnose: depression, F32.1. Ringer igen fredag."


@pytest.fixture(autouse=True)
def health_terms():
    importlib.import_module("apps.absence.migrations.0007_structured_notes").seed_health_terms(
        django_apps, None
    )


def flagged_note(employee, note=OLD_NOTE) -> AdvisoryEvent:
    """A step as migration 0008 leaves an old free-text note: kept whole, flagged for HR."""
    today = timezone.localdate()
    if not Advisory.objects.filter(employee=employee).exists():
        register_absence(employee, today - timedelta(days=4))
        advisory_sweep(as_of=today, organization=employee.organization, notify=False)
    advisory = Advisory.objects.filter(employee=employee).first()
    return AdvisoryEvent.objects.create(
        advisory=advisory,
        from_status="new",
        to_status="seen",
        note=note,
        note_needs_review=True,
        at=timezone.now() - timedelta(days=30),
    )


@pytest.fixture
def event(employee):
    return flagged_note(employee)


def list_url(org):
    return reverse("absence:note_review_list", args=[org.slug])


def review_url(org, event):
    return reverse("absence:note_review", args=[org.slug, event.pk])


# The list ---------------------------------------------------------------------------------------------


def test_hr_sees_the_flagged_notes_in_full(login, hr_user, employer, event, employee):
    response = login(hr_user).get(list_url(employer))
    assert response.status_code == 200
    assert [e.pk for e, _form in response.context["rows"]] == [event.pk]
    assert OLD_NOTE.replace("Diagnose", "") in response.text and employee.name in response.text


def test_hr_of_one_unit_sees_only_the_notes_of_that_unit(login, employer, event):
    hr_b = _user_with(employer, Role.HR, "B")
    other = flagged_note(EmployeeFactory(unit=employer.units.get(code="B")), note="Ringede")
    response = login(hr_b).get(list_url(employer))
    assert [e.pk for e, _form in response.context["rows"]] == [other.pk]


def test_list_anonymous_redirects_to_login(client, employer, event):
    response = client.get(list_url(employer))
    assert response.status_code == 302 and "/login/" in response.url


def test_list_of_another_organisation_is_404(login, hr_user_other, employer, event):
    assert login(hr_user_other).get(list_url(employer)).status_code == 404


@pytest.mark.parametrize("role", [Role.LEADER, Role.STEWARD, Role.BOARD, Role.MED, Role.SAFETY_REP])
def test_list_is_for_hr_only(login, employer, event, role):
    user = _user_with(employer, role, "A1" if role == Role.LEADER else None)
    assert login(user).get(list_url(employer)).status_code == 403


def test_list_post_is_405(login, hr_user, employer, event):
    assert login(hr_user).post(list_url(employer)).status_code == 405


def test_list_query_count_does_not_grow(login, hr_user, employer, django_assert_max_num_queries):
    client = login(hr_user)
    unit = employer.units.get(code="A1")

    def add(n):
        for _ in range(n):
            flagged_note(EmployeeFactory(unit=unit), note="Ringede; aftalte samtale")

    add(2)
    with django_assert_max_num_queries(9):
        assert len(client.get(list_url(employer)).context["rows"]) == 2
    add(12)
    with django_assert_max_num_queries(9):
        assert len(client.get(list_url(employer)).context["rows"]) == 14


# The review -------------------------------------------------------------------------------------------


def test_hr_rewrites_the_note_and_it_is_unflagged(login, hr_user, employer, event):
    response = login(hr_user).post(review_url(employer, event), {"note": "Ringer igen fredag."})
    assert response.status_code == 302 and response.url == list_url(employer)
    event.refresh_from_db()
    assert (event.note, event.note_needs_review, event.note_reviewed_by) == (
        "Ringer igen fredag.",
        False,
        hr_user,
    )
    assert event.note_reviewed_at is not None


def test_hr_clears_the_note(login, hr_user, employer, event):
    login(hr_user).post(review_url(employer, event), {"note": ""})
    event.refresh_from_db()
    assert (event.note, event.note_needs_review) == ("", False)


def test_keeping_the_diagnosis_is_refused_and_the_note_stays_flagged(login, hr_user, employer, event):
    response = login(hr_user).post(review_url(employer, event), {"note": OLD_NOTE})
    assert response.status_code == 422
    assert "“depression”" in response.text and 'aria-invalid="true"' in response.text
    event.refresh_from_db()
    assert event.note == OLD_NOTE and event.note_needs_review


def test_a_reviewed_note_is_not_reviewed_twice(login, hr_user, employer, event):
    client = login(hr_user)
    client.post(review_url(employer, event), {"note": "Ringede"})
    response = client.post(review_url(employer, event), {"note": "Noget andet"}, follow=True)
    assert response.status_code == 200
    event.refresh_from_db()
    assert event.note == "Ringede"


def test_review_anonymous_redirects_to_login(client, employer, event):
    response = client.post(review_url(employer, event), {"note": ""})
    assert response.status_code == 302 and "/login/" in response.url
    event.refresh_from_db()
    assert event.note_needs_review


def test_review_of_another_organisation_is_404(login, hr_user_other, employer, event):
    assert login(hr_user_other).post(review_url(employer, event), {"note": ""}).status_code == 404


def test_the_employees_leader_may_not_review(login, leader, employer, event):
    assert login(leader).post(review_url(employer, event), {"note": ""}).status_code == 403
    event.refresh_from_db()
    assert event.note_needs_review


def test_review_get_is_405(login, hr_user, employer, event):
    assert login(hr_user).get(review_url(employer, event)).status_code == 405


# Who sees a flagged note ------------------------------------------------------------------------------


def test_the_leader_does_not_see_a_flagged_note_until_hr_has_reviewed_it(
    login, leader, hr_user, employer, event
):
    url = reverse("absence:employee", args=[employer.slug, event.advisory.employee_id])
    page = login(leader).get(url).text
    assert "depression" not in page and "Ringer igen fredag" not in page
    hr_page = login(hr_user).get(url).text
    assert "Ringer igen fredag" in hr_page and list_url(employer) in hr_page
    login(hr_user).post(review_url(employer, event), {"note": "Ringer igen fredag."})
    assert "Ringer igen fredag." in login(leader).get(url).text


def test_the_queue_links_hr_to_the_review(login, hr_user, leader, employer, event):
    assert list_url(employer) in login(hr_user).get(reverse("absence:queue", args=[employer.slug])).text
    assert list_url(employer) not in login(leader).get(reverse("absence:queue", args=[employer.slug])).text


def test_a_refused_review_shows_its_note_first_even_from_a_later_page(
    login, hr_user, employer, employee, event
):
    unit = employer.units.get(code="A1")
    for _ in range(50):
        flagged_note(EmployeeFactory(unit=unit), note="Ringede")
    AdvisoryEvent.objects.filter(pk=event.pk).update(at=timezone.now())  # the newest: on page 2
    response = login(hr_user).post(review_url(employer, event), {"note": "Har stadig migræne"})
    assert response.status_code == 422
    first_event, form = response.context["rows"][0]
    assert first_event.pk == event.pk and "“migræne”" in form.errors["note"][0]
