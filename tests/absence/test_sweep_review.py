"""Review of the daily advisory sweep: scenarios where a daily run must still create exactly what a
sweep over everyone creates (tests/absence/test_sweep_daily.py has the randomized simulation)."""

from datetime import date, timedelta

import pytest
from django.db import transaction

from apps.absence.imports.applying import import_file
from apps.absence.models import Advisory, AdvisoryPolicy, PendingSweep
from apps.absence.retention import retention_apply
from apps.absence.services import absence_update
from apps.absence.sweep import advisory_sweep
from tests.factories import register_absence

pytestmark = pytest.mark.django_db


def keys():
    return set(Advisory.objects.values_list("employee_id", "spell_start", "kind", "day", "due_date"))


def full_sweep_would_add(employer, as_of):
    """The advisories a sweep over everyone would create now (rolled back, so it changes nothing)."""
    before = keys()
    with transaction.atomic():
        advisory_sweep(as_of=as_of, organization=employer, notify=False, full=True)
        added = keys() - before
        transaction.set_rollback(True)
    return {(start, kind, day, due) for _e, start, kind, day, due in added}


def sweep_daily(employer, first, last):
    day = first
    while day <= last:
        advisory_sweep(as_of=day, organization=employer, notify=False)
        day += timedelta(days=1)


def set_rules(employer, rules, **fields):
    policy = employer.advisory_policy
    policy.frequent_rules = rules
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save()


def test_spells_rule_fires_on_a_spell_registered_in_advance(employer, employee):
    # A planned absence (an operation next week) is registered before it starts. The spell is queued
    # and taken by the sweep of the registration day, when it has not started (start > as_of), so it
    # gives nothing yet. On its first day the employee is no longer pending, and the only frequent
    # rules the daily run follows for other employees are the rules on days ("growing"): the rule
    # "2 spells in 6 months", due on the first day of the new spell, is never created.
    set_rules(employer, [{"kind": "spells", "count": 2, "months": 6}])
    register_absence(employee, date(2026, 2, 2), date(2026, 2, 3))
    advisory_sweep(as_of=date(2026, 3, 1), organization=employer, notify=False)
    register_absence(employee, date(2026, 3, 10), date(2026, 3, 11))  # known in advance
    sweep_daily(employer, date(2026, 3, 2), date(2026, 3, 12))
    assert full_sweep_would_add(employer, date(2026, 3, 12)) == set()


def test_days_rule_due_between_sweeps_for_an_employee_whose_later_spell_changed(employer, employee):
    # A spell known in advance (1-6 March, short) reaches "5 days in 1 month" on 5 March. The sweep
    # runs on 4 March, then not again until 9 March (the worker was down). Before that run a new spell
    # from 9 March is registered, so on 9 March the employee is pending with changed_from = 9 March
    # and frequent_candidates keeps only firings due after changed_from - 1 (8 March), not after
    # ``since`` (4 March): the firing of 5 March on the unchanged earlier spell is dropped. The next
    # day the employee is only "growing" with limit since = 9 March, so it is never created.
    set_rules(employer, [{"kind": "days", "count": 5, "months": 1}])
    register_absence(employee, date(2026, 3, 1), date(2026, 3, 6))  # known in advance
    advisory_sweep(as_of=date(2026, 3, 4), organization=employer, notify=False)
    register_absence(employee, date(2026, 3, 9), None)
    sweep_daily(employer, date(2026, 3, 9), date(2026, 3, 10))
    assert full_sweep_would_add(employer, date(2026, 3, 10)) == set()


def test_spells_rule_chain_changes_when_the_lookback_slides_past_an_old_spell(employer, employee):
    # "2 spells in 1 month", late horizon 90 days. 1 Jan and 20 Jan: the rule fires on 20 January.
    # 15 Feb: the rule holds again (20 Jan, 15 Feb) but is within a month of the firing of 20 Jan, so
    # it does not fire. Every change was swept on its day. A full sweep on 10 May fetches only spells
    # ending on or after its lookback (add_months(10 May, -1) - 90 days = 10 January): the spell of 1
    # January is gone, so 20 January no longer fires and 15 February (>= the horizon, 9 February) does.
    # The daily run never looks at this employee again (nothing changed, nothing running) and the
    # full sweep creates a frequent advisory the daily runs never make. The chain "fires again only
    # after W months" depends on spells older than any window the daily run re-reads.
    set_rules(employer, [{"kind": "spells", "count": 2, "months": 1}])
    for start in (date(2026, 1, 1), date(2026, 1, 20), date(2026, 2, 15)):
        register_absence(employee, start, start)
        advisory_sweep(as_of=start, organization=employer, notify=False)
    assert Advisory.objects.filter(kind="frequent").count() == 1
    advisory_sweep(as_of=date(2026, 5, 9), organization=employer, notify=False)
    advisory_sweep(as_of=date(2026, 5, 10), organization=employer, notify=False)
    assert full_sweep_would_add(employer, date(2026, 5, 10)) == set()


def test_retention_deleting_an_old_spell_changes_the_chain_without_queueing_the_employee(employer, employee):
    # "2 spells in 12 months", retention 1 year. The spell of January 2025 makes the rule fire on
    # 1 December 2025; 20 January 2026 is within 12 months of that firing and does not fire. On 25
    # January 2026 retention deletes the spell of January 2025 (it ended before the cut-off, 25
    # January 2025). Recomputed from the spells left, 20 January would fire; the firing of 1 December
    # is known from its advisory, so neither a full sweep nor the daily run makes one, and retention
    # queues the employee so that the daily run looks at them as a full sweep would.
    set_rules(employer, [{"kind": "spells", "count": 2, "months": 12}], retention_years=1)
    for start, end in (
        (date(2025, 1, 5), date(2025, 1, 10)),
        (date(2025, 12, 1), date(2025, 12, 2)),
        (date(2026, 1, 20), date(2026, 1, 21)),
    ):
        register_absence(employee, start, end)
        advisory_sweep(as_of=end, organization=employer, notify=False)
    assert Advisory.objects.filter(kind="frequent").count() == 1
    retention_apply(as_of=date(2026, 1, 25), organization=employer)
    assert PendingSweep.objects.get(employee=employee).changed_from == date(2025, 1, 5)
    advisory_sweep(as_of=date(2026, 1, 25), organization=employer, notify=False)
    assert full_sweep_would_add(employer, date(2026, 1, 25)) == set()


def test_an_employee_moved_to_another_organisation_is_queued_for_the_new_one(employer, employee, other_org):
    # An employee moved to another organisation (in code: the admin shows the organisation read-only)
    # while a change of theirs is still queued. The next change re-queues them under the new
    # organisation, whose daily run then works it out with its own policy (1-5-14), and the old
    # organisation's sweep does not look at them (``_spells_of`` reads only its own employees).
    other_org.kind = "employer"
    other_org.save(update_fields=["kind"])
    AdvisoryPolicy.objects.create(organization=other_org, contact_days=[1, 5, 14])
    for organization in (employer, other_org):
        advisory_sweep(as_of=date(2026, 3, 1), organization=organization, notify=False)
    register_absence(employee, date(2026, 1, 5), date(2026, 1, 5))  # queued under the old organisation
    employee.organization, employee.unit = other_org, other_org.units.get(code="X")
    employee.full_clean()
    employee.save()
    register_absence(employee, date(2026, 2, 2), date(2026, 2, 12))  # registered late, after the move
    assert PendingSweep.objects.get(employee=employee).organization_id == other_org.pk  # follows the move
    for organization in (employer, other_org):
        advisory_sweep(as_of=date(2026, 3, 3), organization=organization, notify=False)
    assert full_sweep_would_add(other_org, date(2026, 3, 3)) == set()


# Scenarios checked that hold (not covered by tests/absence/test_sweep_daily.py) -----------------------


def test_work_injury_added_to_a_swept_spell_gives_its_milestone(employer, employee):
    # A work-injury registration joined onto a spell already swept turns includes_work_injury on: the
    # spell is queued, and the report milestone (day 14), already due, is created late.
    register_absence(employee, date(2026, 3, 2), date(2026, 3, 10))
    sweep_daily(employer, date(2026, 3, 2), date(2026, 3, 20))
    register_absence(employee, date(2026, 3, 11), date(2026, 3, 20), absence_type="work_injury")
    advisory_sweep(as_of=date(2026, 3, 21), organization=employer, notify=False)
    assert Advisory.objects.filter(kind="legal", day=14, late=True).exists()
    assert full_sweep_would_add(employer, date(2026, 3, 21)) == set()


def test_working_days_across_easter_with_skipped_sweeps(employer, employee):
    # Working-day counting over Easter 2026 (2-6 April off) with no sweep for a week: day 3 and 10
    # fall in the gap and come from the running spell.
    set_rules(employer, [], day_counting="working")
    register_absence(employee, date(2026, 3, 31), None)
    advisory_sweep(as_of=date(2026, 3, 31), organization=employer, notify=False)
    advisory_sweep(as_of=date(2026, 4, 16), organization=employer, notify=False)
    due = dict(Advisory.objects.filter(kind="contact").values_list("day", "due_date"))
    assert due == {1: date(2026, 3, 31), 3: date(2026, 4, 7), 10: date(2026, 4, 16)}
    assert full_sweep_would_add(employer, date(2026, 4, 16)) == set()


def test_an_import_queues_what_it_changed(employer, employee):
    advisory_sweep(as_of=date(2026, 3, 1), organization=employer, notify=False)
    data = (
        "employee_number,absence_type,start_date,end_date,fraction\n"
        f"{employee.employee_number},sick,2026-02-02,2026-02-12,1\n"
    ).encode()
    plan, result = import_file(organization=employer, kind="absences", data=data, filename="a.csv")
    assert result is not None, plan.messages
    assert advisory_sweep(as_of=date(2026, 3, 2), organization=employer, notify=False).created == 3
    assert full_sweep_would_add(employer, date(2026, 3, 2)) == set()


def test_two_sweeps_on_one_day_with_a_correction_between(employer, employee):
    set_rules(employer, [{"kind": "days", "count": 4, "months": 1}])
    registration = register_absence(employee, date(2026, 3, 2), None)
    sweep_daily(employer, date(2026, 3, 2), date(2026, 3, 3))
    # Later the same day HR corrects the start: the spell moves to 27 February.
    absence_update(
        registration=registration,
        absence_type="sick",
        start_date=date(2026, 2, 27),
        end_date=None,
        fraction=registration.fraction,
    )
    advisory_sweep(as_of=date(2026, 3, 3), organization=employer, notify=False)
    assert full_sweep_would_add(employer, date(2026, 3, 3)) == set()
    sweep_daily(employer, date(2026, 3, 4), date(2026, 3, 12))
    assert full_sweep_would_add(employer, date(2026, 3, 12)) == set()


def test_a_deleted_employee_leaves_nothing_queued(employer, employee, leader):
    from tests.factories import EmployeeFactory

    other = EmployeeFactory(unit=employee.unit, leader=leader)
    advisory_sweep(as_of=date(2026, 3, 1), organization=employer, notify=False)
    register_absence(employee, date(2026, 2, 2), date(2026, 2, 4))
    register_absence(other, date(2026, 2, 2), date(2026, 2, 4))
    employee.delete()
    assert advisory_sweep(as_of=date(2026, 3, 2), organization=employer, notify=False).created == 2
    assert not PendingSweep.objects.exists()
    assert full_sweep_would_add(employer, date(2026, 3, 2)) == set()


def test_a_running_short_spell_turning_long_with_rules_on_days(employer, employee):
    # An ongoing spell is short for its first 14 days (it may still end) and long after: the rule on
    # days fires while it is short, and once long the full sweep has nothing more either.
    set_rules(employer, [{"kind": "days", "count": 8, "months": 1}])
    register_absence(employee, date(2026, 2, 20), date(2026, 2, 22))
    register_absence(employee, date(2026, 3, 2), None)
    sweep_daily(employer, date(2026, 3, 2), date(2026, 3, 4))
    sweep_daily(employer, date(2026, 3, 8), date(2026, 3, 8))  # skipped days: due 6 March
    assert Advisory.objects.filter(kind="frequent", due_date=date(2026, 3, 6), late=True).exists()
    sweep_daily(employer, date(2026, 3, 9), date(2026, 3, 25))
    assert full_sweep_would_add(employer, date(2026, 3, 25)) == set()
