"""The Django admin shows the follow-up's data but changes none of it: a change there would bypass the
spells, the sweep's queue, the overlap rule and the statistics that the portal's services keep in step."""

from datetime import date

import pytest
from django.urls import reverse

from apps.absence.models import AbsenceRegistration, Advisory, AdvisoryPolicy
from apps.absence.sweep import advisory_sweep
from tests.factories import UserFactory, register_absence

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(email="super@example.org", is_staff=True, is_superuser=True))
    return client


def test_registrations_advisories_and_policy_are_shown_not_changed(superuser_client, employee, employer):
    registration = register_absence(employee, date(2026, 3, 2), date(2026, 3, 4))
    advisory_sweep(as_of=date(2026, 3, 4), organization=employer, notify=False)
    advisory = Advisory.objects.first()
    policy = AdvisoryPolicy.objects.get(organization=employer)
    for name, obj in (
        ("absence_absenceregistration", registration),
        ("absence_advisory", advisory),
        ("absence_advisorypolicy", policy),
        ("absence_spell", registration.employee.spells.get()),
    ):
        url = reverse(f"admin:{name}_change", args=[obj.pk])
        page = superuser_client.get(url)
        assert page.status_code == 200, name
        assert 'name="_save"' not in page.content.decode(), f"{name} can be saved in the admin"
        assert superuser_client.post(url, {}).status_code == 403, name
        assert superuser_client.get(reverse(f"admin:{name}_add")).status_code == 403, name
        assert (
            superuser_client.post(reverse(f"admin:{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
    assert AbsenceRegistration.objects.filter(pk=registration.pk, end_date=date(2026, 3, 4)).exists()


def test_an_employee_keeps_their_organisation_in_the_admin(superuser_client, employee):
    page = superuser_client.get(reverse("admin:absence_employee_change", args=[employee.pk])).content.decode()
    assert 'name="name"' in page  # the rest stays editable
    assert 'name="organization"' not in page and employee.organization.name in page


def test_import_jobs_are_shown_without_their_rows_or_file(superuser_client, employer):
    from apps.absence.models import ImportJob

    job = ImportJob.objects.create(
        organization=employer,
        kind="absences",
        filename="fravaer-2026.csv",
        status=ImportJob.Status.CHECKED,
        error_total=1,
        row_errors=[{"line": 2, "values": ["4711", "sick", "2026-03-02"], "reasons": ["unknown"]}],
        preview_rows=[{"line": 3, "values": ["4712", "sick", "2026-03-09"], "action": "create"}],
    )
    listing = superuser_client.get(reverse("admin:absence_importjob_changelist")).content.decode()
    assert "fravaer-2026.csv" in listing
    url = reverse("admin:absence_importjob_change", args=[job.pk])
    page = superuser_client.get(url).content.decode()
    assert "fravaer-2026.csv" in page and 'name="_save"' not in page
    assert "4711" not in page and "4712" not in page
    assert superuser_client.post(url, {}).status_code == 403
