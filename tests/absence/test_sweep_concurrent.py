"""Two sweeps at the same time against PostgreSQL: no duplicate, nothing lost, one mail per leader."""

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection

from apps.absence.models import AbsenceRegistration, Advisory, AdvisoryPolicy
from apps.absence.services import advisory_sweep, spells_rederive_many
from tests.factories import EmployeeFactory

START = date(2026, 3, 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_create_each_advisory_exactly_once(org, leader):
    org.kind = "employer"
    org.save(update_fields=["kind"])
    AdvisoryPolicy.objects.create(organization=org)
    unit = org.units.get(code="A1")
    employees = [EmployeeFactory(unit=unit, leader=leader) for _ in range(40)]
    AbsenceRegistration.objects.bulk_create(
        AbsenceRegistration(
            employee=e, absence_type="sick", start_date=START + timedelta(days=i % 5), end_date=None
        )
        for i, e in enumerate(employees)
    )
    spells_rederive_many(organization=org)
    as_of = START + timedelta(days=60)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            advisory_sweep(as_of=as_of, organization=org)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    # 3 contact days + 4 legal milestones for each of the 40 ongoing spells.
    assert Advisory.objects.count() == 40 * 7
    assert Advisory.objects.filter(kind="contact").count() == 40 * 3
    assert Advisory.objects.filter(kind="contact", notified_at__isnull=True).count() == 0
    assert len(mail.outbox) == 1
