"""Advisories already due appear when absence comes in, not at the next morning's sweep (issue 15.3)."""

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.absence.imports.applying import import_file
from apps.absence.models import Advisory, AdvisoryPolicy
from apps.absence.services import absence_register
from strategy_portal.celery import app
from tests.factories import EmployeeFactory


def _absence_file(employee, start) -> bytes:
    return (
        "Medarbejdernummer;Fraværstype;Første dag;Sidste dag\r\n"
        f"{employee.employee_number};sick;{start:%d-%m-%Y};\r\n"
    ).encode("cp1252")


def test_an_imported_running_spell_has_its_due_contact_advisories_at_once(employee):
    start = timezone.localdate() - timedelta(days=10)
    plan, result = import_file(
        organization=employee.organization,
        kind="absences",
        data=_absence_file(employee, start),
        filename="a.csv",
    )
    assert plan.ok, plan.messages()
    assert sorted(Advisory.objects.filter(employee=employee).values_list("day", flat=True)) == [1, 3, 10]
    assert result.advisories == 3


def test_the_import_command_says_how_many_advisories_are_due_now(employee, tmp_path):
    path = tmp_path / "fravaer.csv"
    path.write_bytes(_absence_file(employee, timezone.localdate() - timedelta(days=3)))
    out = StringIO()
    call_command("import_absences", str(path), organization=employee.organization.slug, stdout=out)
    assert "1 created" in out.getvalue() and "2 advisories due now" in out.getvalue()


@pytest.fixture
def eager_tasks():
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_a_registration_entered_by_hand_is_swept_once_it_is_committed(
    employee, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        absence_register(
            employee=employee, absence_type="sick", start_date=timezone.localdate() - timedelta(days=2)
        )
    assert not Advisory.objects.filter(employee=employee).exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sorted(Advisory.objects.filter(employee=employee).values_list("day", flat=True)) == [1, 3]


def test_a_registration_still_saves_when_the_broker_refuses_the_task(
    employee, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.absence import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.sweep_advisories_task, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        registration = absence_register(
            employee=employee, absence_type="sick", start_date=timezone.localdate() - timedelta(days=2)
        )
    registration.refresh_from_db()  # saved; the morning sweep makes the advisory instead
    assert not Advisory.objects.filter(employee=employee).exists()


@pytest.mark.celery
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sweeps_a_new_registration_within_seconds(celery_worker_process, org, leader):
    org.kind = "employer"
    org.save(update_fields=["kind"])
    AdvisoryPolicy.objects.create(organization=org)
    employee = EmployeeFactory(unit=org.units.get(code="A1"), leader=leader)
    absence_register(
        employee=employee, absence_type="sick", start_date=timezone.localdate() - timedelta(days=3)
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and Advisory.objects.filter(employee=employee).count() < 2:
        time.sleep(0.2)
    assert sorted(Advisory.objects.filter(employee=employee).values_list("day", flat=True)) == [1, 3]
