from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from apps.absence.models import Advisory, Spell
from apps.absence.services import absence_delete, absence_update, advisory_step
from apps.absence.sweep import advisory_sweep
from tests.factories import EmployeeFactory, register_absence

pytestmark = pytest.mark.django_db
START = date(2026, 3, 2)


def keys(employee):
    return sorted((a.kind, a.day, a.due_date, a.late) for a in Advisory.objects.filter(employee=employee))


def test_sweep_on_each_morning_creates_1_3_10_on_time(employee, employer, django_capture_on_commit_callbacks):
    register_absence(employee, START)
    for offset in range(0, 10):
        with django_capture_on_commit_callbacks(execute=True):
            advisory_sweep(as_of=START + timedelta(days=offset), organization=employer)
    assert keys(employee) == [
        ("contact", 1, date(2026, 3, 2), False),
        ("contact", 3, date(2026, 3, 4), False),
        ("contact", 10, date(2026, 3, 11), False),
    ]


def test_late_registration_gets_its_past_due_advisories_at_once_marked_late(employee, employer):
    register_absence(employee, START, START + timedelta(days=39))
    result = advisory_sweep(as_of=START + timedelta(days=45), organization=employer)
    assert result.created == 6
    assert keys(employee) == [
        ("contact", 1, date(2026, 3, 2), True),
        ("contact", 3, date(2026, 3, 4), True),
        ("contact", 10, date(2026, 3, 11), True),
        ("legal", 28, date(2026, 3, 29), True),
        ("legal", 30, date(2026, 3, 31), True),
        ("legal", 35, date(2026, 4, 5), True),
    ]


def test_running_the_sweep_twice_creates_nothing_new(employee, employer):
    register_absence(employee, START)
    first = advisory_sweep(as_of=START + timedelta(days=12), organization=employer)
    second = advisory_sweep(as_of=START + timedelta(days=12), organization=employer)
    assert (first.created, second.created) == (3, 0)
    assert Advisory.objects.count() == 3


def test_work_injury_spell_gets_the_report_deadline(employee, employer):
    register_absence(employee, START, START + timedelta(days=20), absence_type="work_injury")
    advisory_sweep(as_of=START + timedelta(days=20), organization=employer)
    assert ("legal", 14, START + timedelta(days=13), True) in keys(employee)


def test_non_counting_types_get_no_advisory(employee, employer):
    register_absence(employee, START, START + timedelta(days=20), absence_type="parental")
    register_absence(employee, START + timedelta(days=30), None, absence_type="child_sick")
    advisory_sweep(as_of=START + timedelta(days=40), organization=employer)
    assert keys(employee) == []


def test_new_contact_advisories_email_the_leader_once_without_health_details(
    employee, employer, leader, django_capture_on_commit_callbacks
):
    register_absence(employee, START, absence_type="pregnancy")
    with django_capture_on_commit_callbacks(execute=True):
        advisory_sweep(as_of=START + timedelta(days=3), organization=employer)
    with django_capture_on_commit_callbacks(execute=True):
        advisory_sweep(as_of=START + timedelta(days=3), organization=employer)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [leader.email]
    text = (message.subject + message.body).lower()
    for word in ("pregnan", "gravid", "sick", "syg", employee.name.lower()):
        assert word not in text
    assert f"/absence/{employer.slug}/advisories/mine/" in message.body


def test_a_later_end_date_rederives_and_keeps_advisories_of_the_same_spell(employee, employer, hr_user):
    registration = register_absence(employee, START, START + timedelta(days=3))
    advisory_sweep(as_of=START + timedelta(days=3), organization=employer)
    first = Advisory.objects.get(employee=employee, day=1)
    advisory_step(advisory=first, to_status="seen", by=hr_user, note="Called, will call again Friday")
    absence_update(
        registration=registration,
        absence_type="sick",
        start_date=START,
        end_date=START + timedelta(days=15),
        fraction=registration.fraction,
    )
    spell = Spell.objects.get(employee=employee)
    assert spell.end_date == START + timedelta(days=15)
    first.refresh_from_db()
    assert first.spell_id == spell.pk and first.status == "seen"
    advisory_sweep(as_of=START + timedelta(days=15), organization=employer)
    assert [a.day for a in spell.advisories.filter(kind="contact").order_by("day")] == [1, 3, 10]


def test_deleting_a_wrong_registration_drops_untouched_advisories_but_keeps_handled_ones(
    employee, employer, hr_user
):
    registration = register_absence(employee, START, START + timedelta(days=5))
    advisory_sweep(as_of=START + timedelta(days=5), organization=employer)
    handled = Advisory.objects.get(employee=employee, day=1)
    advisory_step(advisory=handled, to_status="seen", by=hr_user)
    absence_delete(registration=registration)
    assert not Spell.objects.filter(employee=employee).exists()
    assert list(Advisory.objects.filter(employee=employee).values_list("day", "spell")) == [(1, None)]


def test_overlapping_registration_is_refused_with_a_field_message(employee):
    register_absence(employee, START, None)
    with pytest.raises(ValidationError) as excinfo:
        register_absence(employee, START + timedelta(days=30), START + timedelta(days=31))
    assert "start_date" in excinfo.value.message_dict


def test_status_steps_go_forward_only_and_record_who_and_when(employee, employer, hr_user, leader):
    register_absence(employee, START)
    advisory_sweep(as_of=START, organization=employer)
    advisory = Advisory.objects.get(employee=employee)
    advisory_step(advisory=advisory, to_status="seen", by=leader)
    advisory_step(advisory=advisory, to_status="contact_made", by=leader, note="Phoned; offered a talk")
    advisory_step(advisory=advisory, to_status="closed", by=hr_user)
    with pytest.raises(ValidationError):
        advisory_step(advisory=advisory, to_status="seen", by=hr_user)
    events = list(advisory.events.values_list("from_status", "to_status", "by"))
    assert events == [
        ("new", "seen", leader.pk),
        ("seen", "contact_made", leader.pk),
        ("contact_made", "closed", hr_user.pk),
    ]
    advisory.refresh_from_db()
    assert advisory.status == "closed"
    assert advisory.events.get(to_status="contact_made").note == "Phoned; offered a talk"


def test_frequent_absence_three_spells_in_six_months(employee, employer):
    for start in (date(2026, 1, 5), date(2026, 3, 2), date(2026, 5, 4)):
        register_absence(employee, start, start + timedelta(days=1))
    advisory_sweep(as_of=date(2026, 5, 5), organization=employer)
    frequent = Advisory.objects.get(employee=employee, kind="frequent")
    assert (frequent.day, frequent.due_date, frequent.spell.start_date) == (
        1,
        date(2026, 5, 4),
        date(2026, 5, 4),
    )
    register_absence(employee, date(2026, 6, 1), date(2026, 6, 1))
    advisory_sweep(as_of=date(2026, 6, 2), organization=employer)
    assert Advisory.objects.filter(employee=employee, kind="frequent").count() == 1


def test_frequent_absence_fifteen_days_in_twelve_months(employee, employer):
    for start in (date(2026, 1, 5), date(2026, 3, 2), date(2026, 5, 4)):
        register_absence(employee, start, start + timedelta(days=4))
    advisory_sweep(as_of=date(2026, 5, 10), organization=employer)
    days_rule = Advisory.objects.get(employee=employee, kind="frequent", day=2)
    assert days_rule.due_date == date(2026, 5, 8)  # the 15th day falls on the last day of the third spell


def test_sweep_only_touches_the_given_organisation(employee, employer, other_org):
    other = EmployeeFactory(unit=other_org.units.get(code="X"))
    register_absence(employee, START)
    register_absence(other, START)
    advisory_sweep(as_of=START, organization=employer)
    assert not Advisory.objects.filter(employee=other).exists()
    advisory_sweep(as_of=START)
    assert Advisory.objects.filter(employee=other).count() == 1


def test_the_garbage_collector_rests_while_a_sweep_computes_and_writes_its_advisories(
    employee, employer, monkeypatch
):
    """A full re-sweep makes hundreds of thousands of small tuples and no cycles: with the collector on
    it walked them again and again, a sixth of the sweep's time at 50,000 employees (BENCHMARKS.md).
    It must rest during the work and be back on after it, for a full, a daily and a partitioned run."""
    import gc

    from apps.absence import sweep

    seen: list[bool] = []

    def watched(function):
        def call(*args, **kwargs):
            seen.append(gc.isenabled())
            return function(*args, **kwargs)

        return call

    monkeypatch.setattr(sweep, "candidate_advisories", watched(sweep.candidate_advisories))
    monkeypatch.setattr(sweep, "_create_missing", watched(sweep._create_missing))
    register_absence(employee, START, START + timedelta(days=40))
    assert gc.isenabled()
    assert advisory_sweep(as_of=START + timedelta(days=45), organization=employer, full=True).created == 6
    register_absence(employee, START + timedelta(days=50))
    advisory_sweep(as_of=START + timedelta(days=51), organization=employer)
    sweep.advisory_sweep_partitioned(as_of=START + timedelta(days=52), organization=employer)
    assert len(seen) == 6 and not any(seen)
    assert gc.isenabled()
