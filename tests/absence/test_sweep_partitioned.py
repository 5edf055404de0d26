"""The full re-sweep in partitions (an organisation's employees a slice at a time), run here one after
another or by Celery workers as a chord: exactly the advisories of one sweep over everyone."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from apps.absence.models import AbsenceRegistration, Advisory, PendingSweep, SweepState
from apps.absence.sweep import advisory_sweep, advisory_sweep_partitioned, advisory_sweep_plan
from tests.absence.test_sweep_daily import FIRST_DAY, day_of_changes
from tests.factories import EmployeeFactory

COLUMNS = ("employee_id", "spell_id", "kind", "day", "due_date", "late")
LAST = FIRST_DAY + timedelta(days=45)


def _history(employer, leader, seed: int, employees: int = 13) -> None:
    policy = employer.advisory_policy
    policy.frequent_rules = [
        {"kind": "spells", "count": 2, "months": 1},
        {"kind": "days", "count": 6, "months": 1},
    ]
    policy.save()
    rng = random.Random(seed)
    unit = employer.units.get(code="A1a")
    people = [EmployeeFactory(unit=unit, leader=leader) for _ in range(employees)]
    ongoing: dict[int, AbsenceRegistration] = {}
    for offset in range(45):
        day_of_changes(rng, people, ongoing, FIRST_DAY + timedelta(days=offset))


def _one_pass(employer) -> set[tuple]:
    """What one sweep over everyone makes (rolled back)."""
    with transaction.atomic():
        Advisory.objects.all().delete()
        advisory_sweep(as_of=LAST, organization=employer, notify=False, full=True)
        rows = set(Advisory.objects.values_list(*COLUMNS))
        transaction.set_rollback(True)
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [11, 12])
def test_partitions_run_here_make_exactly_what_one_full_sweep_makes(employer, leader, seed):
    _history(employer, leader, seed)
    expected = _one_pass(employer)
    result = advisory_sweep_partitioned(as_of=LAST, organization=employer, size=4, notify=False)
    assert set(Advisory.objects.values_list(*COLUMNS)) == expected and len(expected) > 10
    assert result.created == len(expected) and result.full == 1
    state = SweepState.objects.get(organization=employer)
    assert state.swept_through == LAST and not PendingSweep.objects.exists()
    # Run again (a partition sent twice, a second run): nothing new.
    assert advisory_sweep_partitioned(as_of=LAST, organization=employer, size=5, notify=False).created == 0


@pytest.mark.django_db
def test_the_plan_covers_every_employee_once(employer, leader):
    _history(employer, leader, 3, employees=10)
    plan = advisory_sweep_plan(as_of=LAST, organization=employer, size=3)
    ids = sorted(employer.employees.values_list("pk", flat=True))
    covered = [i for p in plan.partitions for i in ids if p.first_employee_id <= i <= p.last_employee_id]
    assert sorted(covered) == ids and len(plan.partitions) == 4


@pytest.mark.django_db
def test_the_command_without_a_result_backend_runs_the_partitions_here(employer, leader, settings):
    import io

    settings.CELERY_RESULT_BACKEND = None
    _history(employer, leader, 5)
    expected = _one_pass(employer)
    out = io.StringIO()
    call_command(
        "sweep_advisories", "--full", "--partitioned", "--as-of", LAST.isoformat(), "--organization",
        employer.slug, stdout=out,
    )  # fmt: skip
    assert "here (no result backend" in out.getvalue()
    assert set(Advisory.objects.values_list(*COLUMNS)) == expected


@pytest.mark.django_db
def test_partitioned_needs_full(employer):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--full"):
        call_command("sweep_advisories", "--partitioned", "--organization", employer.slug)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery
def test_workers_sweeping_partitions_as_a_chord_make_the_same_rows(
    celery_worker_process, employer, leader, monkeypatch
):
    from apps.absence import services
    from apps.absence.tasks import sweep_partitioned_send

    # The history is written without the at-once sweeps (the worker would sweep them as of today).
    monkeypatch.setattr(services, "_sweep_on_commit", lambda organization_id: None)
    _history(employer, leader, 21, employees=14)
    expected = _one_pass(employer)
    assert not Advisory.objects.exists()
    outcome = sweep_partitioned_send(as_of=LAST, organization_id=employer.pk, size=3, notify=False).get(
        timeout=180
    )
    assert set(Advisory.objects.values_list(*COLUMNS)) == expected and len(expected) > 10
    assert outcome["created"] == len(expected)
    assert SweepState.objects.get(organization=employer).swept_through == LAST
