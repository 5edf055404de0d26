"""Review of the daily advisory sweep: scenarios where a daily run must still create exactly what a
sweep over everyone creates (tests/absence/test_sweep_daily.py has the randomized simulation)."""

from datetime import date, timedelta

import pytest
from django.db import transaction

from apps.absence.models import Advisory
from apps.absence.services import advisory_sweep, retention_apply
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


def test_retention_deleting_an_old_spell_changes_the_chain_without_queueing_the_employee(
    employer, employee
):
    # "2 spells in 12 months", retention 1 year. The spell of January 2025 makes the rule fire on
    # 1 December 2025; 20 January 2026 is within 12 months of that firing and does not fire. On 25
    # January 2026 retention deletes the spell of January 2025 (it ended before the cut-off, 25
    # January 2025) but queues nobody. A full sweep now finds 1 December alone in its window, so
    # 20 January fires; the daily run does not look at the employee and never creates it.
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
    advisory_sweep(as_of=date(2026, 1, 25), organization=employer, notify=False)
    assert full_sweep_would_add(employer, date(2026, 1, 25)) == set()
