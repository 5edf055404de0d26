"""Two sweeps at the same time against PostgreSQL: no duplicate, nothing lost, one mail per leader."""

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection

from apps.absence.models import AbsenceRegistration, Advisory, AdvisoryPolicy
from apps.absence.services import spells_rederive_many
from apps.absence.sweep import advisory_sweep
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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_import_waits_for_a_running_sweep_and_then_goes_through(org, leader):
    """A bulk re-derivation (an import) first waits for a sweep of its organisation to finish, so the two
    never lock each other's rows in a cycle (a deadlock would abort the import)."""
    from django.db import transaction

    from apps.absence.models import SweepState

    org.kind = "employer"
    org.save(update_fields=["kind"])
    AdvisoryPolicy.objects.create(organization=org)
    employee = EmployeeFactory(unit=org.units.get(code="A1"), leader=leader)
    advisory_sweep(as_of=START, organization=org)  # makes the sweep state
    AbsenceRegistration.objects.create(
        employee=employee, absence_type="sick", start_date=START, end_date=None
    )
    sweeping, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def sweep_holding_its_state():
        try:
            with transaction.atomic():
                SweepState.objects.select_for_update().get(organization=org)  # as a running sweep does
                sweeping.set()
                done.wait(timeout=2)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=sweep_holding_its_state)
    thread.start()
    assert sweeping.wait(timeout=10)
    imported = threading.Event()

    def import_():
        try:
            with transaction.atomic():
                spells_rederive_many(organization=org, employee_ids=[employee.pk])
            imported.set()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    importer = threading.Thread(target=import_)
    importer.start()
    assert not imported.wait(timeout=1), "the import did not wait for the running sweep"
    done.set()
    thread.join(timeout=10)
    importer.join(timeout=10)
    assert errors == [] and imported.is_set()
    assert employee.spells.count() == 1
