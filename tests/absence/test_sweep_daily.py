"""The daily sweep looks only at what changed and at running spells; it must still make every advisory
a sweep over everyone makes, whatever the corrections, late registrations and deletions in between."""

import random
import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apps.absence.models import AbsenceRegistration, Advisory, PendingSweep, SweepState
from apps.absence.services import absence_delete, absence_update, advisory_policy_update
from apps.absence.sweep import advisory_sweep
from tests.factories import EmployeeFactory, register_absence

pytestmark = pytest.mark.django_db
FIRST_DAY = date(2026, 1, 5)


def full_sweep_would_add(employer, as_of):
    """What a sweep over everyone would create now (rolled back, so it changes nothing)."""
    with transaction.atomic():
        created = advisory_sweep(as_of=as_of, organization=employer, notify=False, full=True).created
        transaction.set_rollback(True)
    return created


def day_of_changes(rng, employees, ongoing, day):
    """One day of a payroll feed: new absence, ends, late registrations, corrections and deletions."""
    for employee in employees:
        registration = ongoing.get(employee.pk)
        roll = rng.random()
        try:
            if registration is not None and roll < 0.07:
                end = max(registration.start_date, day - timedelta(days=rng.choice([0, 1, 2])))
                absence_update(
                    registration=registration,
                    absence_type=registration.absence_type,
                    start_date=registration.start_date,
                    end_date=end,
                    fraction=registration.fraction,
                )
                del ongoing[employee.pk]
            elif registration is None and roll < 0.12:
                kind = rng.choice(["sick", "sick", "sick", "child_sick", "work_injury", "sick_partial"])
                ongoing[employee.pk] = register_absence(employee, day, None, absence_type=kind)
            elif registration is None and roll < 0.15:
                # Known in advance ("sick until Friday"): a spell that runs on without being ongoing.
                register_absence(employee, day, day + timedelta(days=rng.randint(1, 12)))
            elif registration is None and roll < 0.17:
                # Planned ahead (an operation next week): the spell starts after the sweep that took it.
                start = day + timedelta(days=rng.randint(1, 10))
                register_absence(employee, start, start + timedelta(days=rng.randint(0, 3)))
            elif registration is None and roll < 0.22:
                start = day - timedelta(days=rng.randint(2, 60))  # registered late
                register_absence(employee, start, start + timedelta(days=rng.randint(0, 6)))
            elif roll < 0.24:
                old = (
                    AbsenceRegistration.objects.filter(employee=employee, end_date__isnull=False)
                    .order_by("?")
                    .first()
                )
                if old is not None:
                    absence_delete(registration=old)
        except ValidationError:
            continue  # it overlapped what the employee already has: HR would get the same refusal


@pytest.mark.parametrize(
    ("seed", "counting"), [(1, "calendar"), (2, "working"), (3, "calendar"), (4, "working"), (5, "calendar")]
)
def test_daily_sweeps_make_exactly_what_a_sweep_over_everyone_makes(employer, leader, seed, counting):
    policy = employer.advisory_policy
    policy.day_counting = counting
    # Rules that fire within weeks, so the simulation reaches them.
    policy.frequent_rules = [
        {"kind": "spells", "count": 2, "months": 1},
        {"kind": "days", "count": 6, "months": 1},
        {"kind": "days", "count": 15, "months": 12},
    ]
    policy.save()
    rng = random.Random(seed)
    unit = employer.units.get(code="A1a")
    employees = [EmployeeFactory(unit=unit, leader=leader) for _ in range(12)]
    ongoing: dict[int, AbsenceRegistration] = {}
    runs, looked_at_fewer = 0, 0
    for offset in range(80):
        day = FIRST_DAY + timedelta(days=offset)
        day_of_changes(rng, employees, ongoing, day)
        if offset and rng.random() < 0.25:
            continue  # no sweep that day (the worker was down): the next one catches up
        result = advisory_sweep(as_of=day, organization=employer, notify=False)
        if runs:
            assert result.full == 0, "after the first run the sweep should look only at what changed"
            looked_at_fewer += result.employees < len(employees)
        runs += 1
        assert full_sweep_would_add(employer, day) == 0, f"the daily sweep missed advisories on {day}"
    assert runs > 40 and looked_at_fewer > 10
    made = set(Advisory.objects.values_list("kind", flat=True))
    assert made == {"contact", "legal", "frequent"}, "the simulation should reach every kind of advisory"


def test_a_change_is_queued_with_its_first_day_and_taken_by_the_next_sweep(employee, employer):
    advisory_sweep(as_of=date(2026, 3, 1), organization=employer)
    register_absence(employee, date(2026, 3, 2), date(2026, 3, 4))
    register_absence(employee, date(2026, 2, 2), date(2026, 2, 3))  # a late one reaches further back
    pending = PendingSweep.objects.get(employee=employee)
    assert (pending.organization_id, pending.changed_from) == (employer.pk, date(2026, 2, 2))
    result = advisory_sweep(as_of=date(2026, 3, 5), organization=employer)
    # Days 1 and 3 of the March spell; the February one ended before its day 3. All of them late.
    assert (result.full, result.created) == (0, 3)
    assert set(Advisory.objects.values_list("late", flat=True)) == {True}
    assert not PendingSweep.objects.exists()
    assert SweepState.objects.get(organization=employer).swept_through == date(2026, 3, 5)


def test_a_run_for_an_earlier_day_leaves_queue_and_state_for_the_daily_run(employee, employer):
    advisory_sweep(as_of=date(2026, 3, 10), organization=employer)
    register_absence(employee, date(2026, 3, 2), None)
    result = advisory_sweep(as_of=date(2026, 3, 3), organization=employer)
    assert result.full == 1
    assert list(Advisory.objects.values_list("day", flat=True).order_by("day")) == [1]
    assert PendingSweep.objects.filter(employee=employee).exists()
    assert SweepState.objects.get(organization=employer).swept_through == date(2026, 3, 10)
    advisory_sweep(as_of=date(2026, 3, 11), organization=employer)
    assert list(Advisory.objects.values_list("day", flat=True).order_by("day")) == [1, 3, 10]


def test_a_changed_policy_makes_the_next_sweep_look_at_everyone(employee, employer):
    register_absence(employee, date(2026, 3, 2), date(2026, 3, 20))
    advisory_sweep(as_of=date(2026, 3, 21), organization=employer)
    assert advisory_sweep(as_of=date(2026, 3, 22), organization=employer).full == 0
    advisory_policy_update(policy=employer.advisory_policy, contact_days=[1, 3, 10, 14])
    result = advisory_sweep(as_of=date(2026, 3, 23), organization=employer)
    assert (result.full, result.created) == (1, 1)
    assert Advisory.objects.get(day=14, kind="contact").late is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sweep_skips_a_change_still_being_written_and_the_next_one_takes_it(employer, leader):
    """A registration whose transaction is open while the sweep runs: the sweep neither waits for it
    nor loses it."""
    unit = employer.units.get(code="A1a")
    employee = EmployeeFactory(unit=unit, leader=leader)
    advisory_sweep(as_of=date(2026, 3, 1), organization=employer)
    register_absence(employee, date(2026, 3, 2), date(2026, 3, 2))  # queued and committed
    written, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def writer():
        try:
            with transaction.atomic():
                register_absence(employee, date(2026, 3, 9), None)  # re-marks the queued row
                written.set()
                release.wait(timeout=30)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(timeout=10)
    outcome: dict = {}

    def sweep():
        try:
            outcome["result"] = advisory_sweep(as_of=date(2026, 3, 9), organization=employer)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    sweeper = threading.Thread(target=sweep)
    sweeper.start()
    sweeper.join(timeout=20)
    assert not sweeper.is_alive(), "the sweep waited for an open registration"
    release.set()
    thread.join(timeout=20)
    assert errors == []
    # It made day 1 of the committed spell (a spell running after the last sweep) and left the queued
    # row, which the open transaction held, for the next sweep.
    assert outcome["result"].created == 1
    assert PendingSweep.objects.get(employee=employee).changed_from == date(2026, 3, 2)
    advisory_sweep(as_of=date(2026, 3, 10), organization=employer)
    spells = {a.spell.start_date: a.day for a in Advisory.objects.select_related("spell")}
    assert spells == {date(2026, 3, 2): 1, date(2026, 3, 9): 1}


def test_after_days_without_a_sweep_a_changed_employee_keeps_what_came_due_on_an_older_spell(
    employee, employer
):
    register_absence(employee, date(2026, 3, 1), date(2026, 3, 6))  # known in advance
    advisory_sweep(as_of=date(2026, 3, 2), organization=employer)
    register_absence(employee, date(2026, 3, 9), None)  # the employee changes after the first spell
    advisory_sweep(as_of=date(2026, 3, 10), organization=employer)  # the first run in eight days
    assert sorted(Advisory.objects.values_list("spell_start", "day")) == [
        (date(2026, 3, 1), 1),
        (date(2026, 3, 1), 3),  # due on 3 March, while nobody swept
        (date(2026, 3, 9), 1),
    ]


@pytest.mark.parametrize("seed", [7, 8])
def test_a_sweep_in_slices_of_employees_makes_exactly_what_one_pass_makes(
    employer, leader, monkeypatch, seed
):
    """Big sweeps go through the employees a slice at a time (flat memory); the advisories must be the
    same as one pass over everyone, for the daily runs and for a full one."""
    from apps.absence import sweep

    policy = employer.advisory_policy
    policy.frequent_rules = [
        {"kind": "spells", "count": 2, "months": 1},
        {"kind": "days", "count": 6, "months": 1},
    ]
    policy.save()
    rng = random.Random(seed)
    unit = employer.units.get(code="A1a")
    employees = [EmployeeFactory(unit=unit, leader=leader) for _ in range(11)]
    ongoing: dict[int, AbsenceRegistration] = {}
    monkeypatch.setattr(sweep, "SWEEP_CHUNK_EMPLOYEES", 3)  # 11 employees: four slices
    for offset in range(50):
        day = FIRST_DAY + timedelta(days=offset)
        day_of_changes(rng, employees, ongoing, day)
        if offset % 3 == 0:
            advisory_sweep(as_of=day, organization=employer, notify=False)
    last = FIRST_DAY + timedelta(days=50)
    columns = ("employee_id", "spell_id", "kind", "day", "due_date", "late")

    def made(chunk: int) -> set[tuple]:
        monkeypatch.setattr(sweep, "SWEEP_CHUNK_EMPLOYEES", chunk)
        with transaction.atomic():
            Advisory.objects.all().delete()
            result = advisory_sweep(as_of=last, organization=employer, notify=False, full=True)
            rows = set(Advisory.objects.values_list(*columns))
            transaction.set_rollback(True)
        assert result.created == len(rows) and result.employees > 0
        return rows

    in_slices, in_one_pass = made(3), made(10_000)
    assert in_slices == in_one_pass and len(in_one_pass) > 20
    assert {kind for _e, _s, kind, *_rest in in_one_pass} >= {"contact", "frequent"}
    monkeypatch.setattr(sweep, "SWEEP_CHUNK_EMPLOYEES", 3)
    advisory_sweep(as_of=last, organization=employer, notify=False)
    assert full_sweep_would_add(employer, last) == 0  # the sliced daily runs missed nothing
