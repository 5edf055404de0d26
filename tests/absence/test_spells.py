"""DOMAIN.md 1.2-1.7 worked examples, through the services as the portal runs them."""

from datetime import date, timedelta

import pytest

from apps.absence.models import AdvisoryPolicy
from apps.absence.selectors import bradford, bradford_scores
from apps.absence.spells import DayPlan, WorkCalendar, derive_spells
from tests.factories import EmployeeFactory, register_absence

MONDAY = date(2026, 3, 2)


def spans(employee):
    return [(s.start_date, s.end_date) for s in employee.spells.order_by("start_date")]


def contact_dates(policy, start, end=None, as_of=date(2026, 12, 31)):
    plan = DayPlan(policy, WorkCalendar.for_policy(policy))
    return [due for kind, _day, due in plan.due(start, end, as_of) if kind == "contact"]


def test_1_3_10_due_dates_in_calendar_days():
    policy = AdvisoryPolicy()
    assert contact_dates(policy, MONDAY) == [date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 11)]


def test_1_5_14_preset_due_dates():
    policy = AdvisoryPolicy(contact_days=[1, 5, 14])
    assert contact_dates(policy, MONDAY) == [date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 15)]


def test_working_day_counting_skips_weekends_and_holidays():
    policy = AdvisoryPolicy(day_counting="working")
    # Thursday 26 March 2026: day 3 is Monday 30 March, day 10 skips Easter (2, 3 and 6 April are holidays).
    assert contact_dates(policy, date(2026, 3, 26)) == [
        date(2026, 3, 26),
        date(2026, 3, 30),
        date(2026, 4, 13),
    ]


def test_store_bededag_is_a_working_day_since_2024_and_extra_days_off_are_a_setting():
    calendar = WorkCalendar(["06-05", "12-24"])
    assert calendar.is_working_day(date(2024, 4, 26))  # the former Store Bededag
    assert not calendar.is_working_day(date(2023, 5, 5))  # Store Bededag 2023
    assert not calendar.is_working_day(date(2026, 6, 5))  # Grundlovsdag, by agreement
    assert WorkCalendar([]).is_working_day(date(2026, 6, 5))


def test_legal_milestones_count_calendar_days_even_with_working_day_contact():
    policy = AdvisoryPolicy(day_counting="working")
    plan = DayPlan(policy, WorkCalendar.for_policy(policy))
    legal = [(day, due) for kind, day, due in plan.due(MONDAY, None, date(2026, 12, 31)) if kind == "legal"]
    assert legal == [
        (28, MONDAY + timedelta(days=27)),
        (30, MONDAY + timedelta(days=29)),
        (35, MONDAY + timedelta(days=34)),
        (56, MONDAY + timedelta(days=55)),
    ]


def test_days_the_spell_never_reached_give_no_advisory():
    policy = AdvisoryPolicy()
    assert contact_dates(policy, MONDAY, end=MONDAY + timedelta(days=4)) == [
        date(2026, 3, 2),
        date(2026, 3, 4),
    ]


@pytest.mark.django_db
def test_touching_registrations_are_one_spell_and_a_gap_day_splits(employee):
    register_absence(employee, date(2026, 3, 2), date(2026, 3, 4))
    register_absence(
        employee, date(2026, 3, 5), date(2026, 3, 6), absence_type="sick_partial", fraction="0.5"
    )
    assert spans(employee) == [(date(2026, 3, 2), date(2026, 3, 6))]
    register_absence(employee, date(2026, 3, 10), date(2026, 3, 10))
    assert spans(employee) == [(date(2026, 3, 2), date(2026, 3, 6)), (date(2026, 3, 10), date(2026, 3, 10))]


@pytest.mark.django_db
def test_weekend_gap_joins_only_when_the_setting_is_on(employee, policy):
    register_absence(employee, date(2026, 3, 4), date(2026, 3, 6))  # Wed-Fri
    register_absence(employee, date(2026, 3, 9), date(2026, 3, 10))  # Mon-Tue
    assert len(spans(employee)) == 2
    from apps.absence.services import advisory_policy_update

    advisory_policy_update(policy=policy, join_across_non_working_days=True)
    assert spans(employee) == [(date(2026, 3, 4), date(2026, 3, 10))]


@pytest.mark.django_db
def test_easter_gap_joins_with_the_setting(employee, policy):
    policy.join_across_non_working_days = True
    policy.save()
    register_absence(employee, date(2026, 3, 30), date(2026, 4, 1))  # Mon-Wed before Easter
    register_absence(employee, date(2026, 4, 7), date(2026, 4, 8))  # Tue-Wed after Easter Monday
    assert spans(employee) == [(date(2026, 3, 30), date(2026, 4, 8))]


@pytest.mark.django_db
def test_partial_and_s56_absence_count_toward_spells_but_care_days_do_not(employee):
    register_absence(employee, date(2026, 3, 2), date(2026, 3, 3), absence_type="sick_s56")
    register_absence(
        employee, date(2026, 3, 4), date(2026, 3, 13), absence_type="sick_partial", fraction="0.4"
    )
    register_absence(employee, date(2026, 3, 16), date(2026, 3, 16), absence_type="care_day")
    register_absence(employee, date(2026, 3, 17), date(2026, 3, 17), absence_type="child_sick")
    assert spans(employee) == [(date(2026, 3, 2), date(2026, 3, 13))]


def test_ongoing_registration_makes_an_ongoing_spell():
    spells = derive_spells(
        [(1, "sick", date(2026, 3, 2), date(2026, 3, 3)), (2, "sick", date(2026, 3, 4), None)],
        counting_types={"sick"},
    )
    assert [(s.start, s.end) for s in spells] == [(date(2026, 3, 2), None)]


@pytest.mark.django_db
@pytest.mark.parametrize(("spell_count", "expected"), [(1, 25), (3, 225), (6, 900)])
def test_bradford_25_days_as_1_3_or_6_spells(employee, spell_count, expected):
    lengths = {1: [25], 3: [9, 8, 8], 6: [5, 4, 4, 4, 4, 4]}[spell_count]
    start = date(2026, 1, 5)
    for length in lengths:
        register_absence(employee, start, start + timedelta(days=length - 1))
        start += timedelta(days=length + 10)
    as_of = date(2026, 9, 30)
    assert bradford(employee, as_of) == expected
    assert bradford_scores(employee.organization, as_of) == {employee.pk: expected}


@pytest.mark.django_db
def test_bradford_excludes_s56_work_injury_and_child_sick_and_counts_a_rolling_52_weeks(employee):
    register_absence(employee, date(2026, 1, 5), date(2026, 1, 9), absence_type="sick_s56")
    register_absence(employee, date(2026, 2, 2), date(2026, 2, 6), absence_type="work_injury")
    register_absence(employee, date(2026, 3, 2), date(2026, 3, 2), absence_type="child_sick")
    register_absence(employee, date(2025, 1, 6), date(2025, 1, 10))  # older than 52 weeks on 2026-06-01
    register_absence(employee, date(2026, 5, 4), date(2026, 5, 5))
    assert bradford(employee, date(2026, 6, 1)) == 2
    other = EmployeeFactory(unit=employee.unit)
    assert other.pk not in bradford_scores(employee.organization, date(2026, 6, 1))


@pytest.mark.django_db
def test_spells_in_window_joins_per_domain_rules_and_scopes_by_unit(employee, employer):
    from apps.absence.selectors import spells_in_window

    register_absence(employee, date(2026, 1, 5), date(2026, 1, 6))
    register_absence(
        employee, date(2026, 1, 7), date(2026, 1, 9), absence_type="sick_partial", fraction="0.5"
    )
    register_absence(employee, date(2026, 2, 2), None)
    register_absence(employee, date(2025, 1, 6), date(2025, 1, 7))
    window = spells_in_window(employer, date(2026, 1, 1), date(2026, 3, 1))
    assert window == {employee.pk: [(date(2026, 1, 5), date(2026, 1, 9)), (date(2026, 2, 2), None)]}
    elsewhere = employer.units.get(code="B")
    assert spells_in_window(employer, date(2026, 1, 1), date(2026, 3, 1), unit=elsewhere) == {}
    assert spells_in_window(employer, date(2026, 1, 1), date(2026, 3, 1), types=["care_day"]) == {}
