from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.absence.models import (
    AbsenceRegistration,
    Advisory,
    AdvisoryPolicy,
    Employee,
    EmployeeAccessLog,
    Spell,
)
from apps.absence.privacy import access_log_record
from apps.absence.retention import retention_apply
from apps.absence.statistics.figures import unit_statistics
from apps.absence.sweep import advisory_sweep
from apps.absence.tasks import apply_retention_task, sweep_advisories_task
from strategy_portal.celery import app
from tests.factories import EmployeeFactory, register_absence

START = date(2026, 3, 2)


@pytest.mark.celery
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_sweep_task(celery_worker_process, org, leader):
    org.kind = "employer"
    org.save(update_fields=["kind"])
    AdvisoryPolicy.objects.create(organization=org)
    employee = EmployeeFactory(unit=org.units.get(code="A1"), leader=leader)
    # A closed two-week spell: the sweep the registration queues on commit (as of today) and the one
    # below (as of day 10) both come to the three contact days; together they make each once.
    register_absence(employee, START, START + timedelta(days=13))
    result = sweep_advisories_task.delay(as_of=(START + timedelta(days=10)).isoformat())
    assert result.get(timeout=60)["candidates"] == 3
    assert sorted(Advisory.objects.values_list("day", flat=True)) == [1, 3, 10]


def test_beat_schedule_runs_the_sweep_at_six_and_retention_nightly():
    schedule = app.conf.beat_schedule
    sweep = schedule["absence-sweep-advisories"]
    assert sweep["task"] == sweep_advisories_task.name == "apps.absence.tasks.sweep_advisories_task"
    assert sweep["schedule"].hour == {6} and sweep["schedule"].minute == {0}
    weekly = schedule["absence-sweep-advisories-full"]
    assert weekly["task"] == sweep_advisories_task.name and weekly["kwargs"] == {"full": True}
    assert weekly["schedule"].day_of_week == {0} and weekly["schedule"].hour == {5}
    assert schedule["absence-apply-retention"]["task"] == apply_retention_task.name
    assert app.conf.timezone == "Europe/Copenhagen"


@pytest.mark.django_db
def test_the_weekly_full_task_brings_back_an_advisory_the_daily_task_cannot_see(employee, employer):
    register_absence(employee, START)
    day = (START + timedelta(days=3)).isoformat()
    assert sweep_advisories_task(as_of=day)["created"] == 2
    Advisory.objects.filter(day=3).delete()  # lost outside the portal's own writes
    assert sweep_advisories_task(as_of=day)["created"] == 0
    weekly = app.conf.beat_schedule["absence-sweep-advisories-full"]["kwargs"]
    assert sweep_advisories_task(as_of=day, **weekly)["created"] == 1
    assert sorted(Advisory.objects.values_list("day", flat=True)) == [1, 3]


@pytest.mark.django_db
def test_sweep_command_with_as_of_and_organization(employee, employer):
    register_absence(employee, START)
    out = StringIO()
    call_command("sweep_advisories", "--organization", employer.slug, "--as-of", "2026-03-04", stdout=out)
    assert "2 new advisories" in out.getvalue()
    call_command("sweep_advisories", "--as-of", "2026-03-04", stdout=out)
    assert Advisory.objects.count() == 2
    Advisory.objects.filter(day=3).delete()  # gone behind the sweep's back: only a full run sees it
    out = StringIO()
    call_command("sweep_advisories", "--as-of", "2026-03-04", stdout=out)
    assert "0 new advisories" in out.getvalue() and "0 of them looked at in full" in out.getvalue()
    out = StringIO()
    call_command("sweep_advisories", "--as-of", "2026-03-04", "--full", stdout=out)
    assert "1 new advisories" in out.getvalue() and "1 of them looked at in full" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("sweep_advisories", "--as-of", "31.02.2026")
    with pytest.raises(CommandError):
        call_command("sweep_advisories", "--organization", "nope")


@pytest.mark.django_db
def test_export_advisories_csv(employee, employer):
    register_absence(employee, START)
    advisory_sweep(as_of=START + timedelta(days=2), organization=employer, notify=False)
    out = StringIO()
    call_command("export_advisories", "--organization", employer.slug, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "employee_number,spell_start,kind,day,due_date,status"
    assert lines[1:] == [
        f"{employee.employee_number},2026-03-02,contact,1,2026-03-02,new",
        f"{employee.employee_number},2026-03-02,contact,3,2026-03-04,new",
    ]


@pytest.mark.django_db
def test_retention_deletes_old_individual_data_and_keeps_the_figures(employee, employer, hr_user):
    old = register_absence(employee, date(2019, 1, 28), date(2019, 2, 3))
    recent = register_absence(employee, date(2025, 6, 2), date(2025, 6, 3))
    advisory_sweep(as_of=date(2019, 2, 3), organization=employer, notify=False)
    access_log_record(employees=[employee], user=hr_user, action="view_page", where="absence:employee")
    leaver = EmployeeFactory(
        unit=employee.unit, employment_start=date(2010, 1, 1), employment_end=date(2020, 6, 30)
    )
    register_absence(leaver, date(2020, 3, 2), date(2020, 3, 2))
    apply_retention_task(as_of="2026-03-01")
    assert list(AbsenceRegistration.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Advisory.objects.exists()
    assert list(Spell.objects.values_list("start_date", flat=True)) == [date(2025, 6, 2)]
    assert not Employee.objects.filter(pk=leaver.pk).exists()
    assert EmployeeAccessLog.objects.count() == 1  # written today, well inside the period
    # The figures of those years stay (frozen before the rows went; tests/absence/test_retention.py).
    sick = {
        year: next(
            t
            for t in unit_statistics(employer, date(year, 12, 31), unit=employee.unit, suppress=False)[
                "units"
            ][0]["types"]
            if t["absence_type"] == "sick"
        )
        for year in (2019, 2020)
    }
    assert (sick[2019]["spells"], sick[2019]["calendar_days"], sick[2020]["calendar_days"]) == (1, 7, 1)
    assert sick[2019]["absence_hours"] == Decimal("37.0")  # 28 January - 3 February 2019: 5 working days
    assert old.pk not in AbsenceRegistration.objects.values_list("pk", flat=True)
    again = retention_apply(as_of=date(2026, 3, 1))
    assert again.registrations == 0 and again.snapshots == 0
