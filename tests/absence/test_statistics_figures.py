"""Absence percentage, days per FTE, spells, Bradford bands and suppression on hand-computed examples.

Window: the rolling year to 2026-03-31 is 2025-04-01..2026-03-31: 261 weekdays minus 8 weekday public
holidays (17, 18, 21 April, 29 May, 9 June, 25, 26 December 2025, 1 January 2026) minus the default
extra days off on weekdays (5 June, 24 and 31 December 2025) = 250 working days. A full-time employee
(37 hours) has 250 × 7.4 = 1850 possible hours.
"""

from datetime import date
from decimal import Decimal

from apps.absence.models import AbsenceRegistration, AdvisoryPolicy, Employee
from apps.absence.selectors import bradford_scores
from apps.absence.statistics.figures import monthly_series, unit_statistics
from apps.absence.statistics.periods import last_months, rolling_year
from tests.conftest import unit

AS_OF = date(2026, 3, 31)


def employee(org, number, unit_code="A1", hours="37", start=date(2020, 1, 1), end=None):
    return Employee.objects.create(
        organization=org,
        unit=unit(org, unit_code),
        employee_number=number,
        name=f"Person {number}",
        weekly_hours=Decimal(hours),
        employment_start=start,
        employment_end=end,
    )


def absent(emp, start, end, kind="sick", fraction="1"):
    return AbsenceRegistration.objects.create(
        employee=emp, absence_type=kind, start_date=start, end_date=end, fraction=Decimal(fraction)
    )


def row(stats, code):
    return next(u for u in stats["units"] if u["code"] == code)


def type_row(stats, code, absence_type):
    return next(t for t in row(stats, code)["types"] if t["absence_type"] == absence_type)


def test_rolling_year_and_months():
    window = rolling_year(AS_OF)
    assert (window.start, window.end) == (date(2025, 4, 1), date(2026, 3, 31))
    months = last_months(AS_OF, 24)
    assert months[0].start == date(2024, 4, 1)
    assert months[-1].start == date(2026, 3, 1) and months[-1].end == AS_OF
    assert len(months) == 24


def test_possible_hours_of_a_full_timer_over_the_rolling_year(org):
    employee(org, "1")
    stats = unit_statistics(org, AS_OF, suppress=False)
    assert stats["working_days"] == 250
    a1 = row(stats, "A1")
    assert a1["possible_hours"] == Decimal("1850.0")
    assert a1["fte"] == Decimal("1.00")
    assert a1["employees"] == 1


def test_part_time_counts_by_hours_and_half_fraction_counts_half(org):
    full = employee(org, "1")
    part = employee(org, "2", hours="18.5")
    half = employee(org, "3", unit_code="B")
    # Monday 2 to Friday 6 March 2026: 5 working days, 7 calendar days with the weekend after it.
    absent(full, date(2026, 3, 2), date(2026, 3, 6))
    absent(part, date(2026, 3, 2), date(2026, 3, 8))
    absent(half, date(2026, 3, 2), date(2026, 3, 6), kind="sick_partial", fraction="0.5")
    stats = unit_statistics(org, AS_OF, suppress=False)

    sick = type_row(stats, "A1", "sick")
    # 5 days × 7.4 h + 5 days × 3.7 h = 55.5 h of 1850 + 925 = 2775 possible hours.
    assert sick["absence_hours"] == Decimal("55.5")
    assert sick["possible_hours"] == Decimal("2775.0")
    assert sick["absence_pct"] == Decimal("2.00")
    # 55.5 h = 7.5 full-time days; FTE 1 + 0.5 = 1.5 → 5 days per FTE.
    assert sick["fte"] == Decimal("1.50")
    assert sick["days_per_fte"] == Decimal("5.00")
    assert sick["calendar_days"] == 12
    assert sick["spells"] == 2
    assert sick["employees"] == 2

    partial = type_row(stats, "B", "sick_partial")
    assert partial["absence_hours"] == Decimal("18.5")
    assert partial["absence_pct"] == Decimal("1.00")
    assert partial["days_per_fte"] == Decimal("2.50")

    # A is the subtree A > A1 > A1a: it includes A1's employees.
    assert type_row(stats, "A", "sick")["absence_hours"] == Decimal("55.5")
    assert type_row(stats, "A1a", "sick")["absence_hours"] == Decimal("0.0")


def test_window_and_employment_clip_the_absence(org):
    # Employed from Monday 2 March 2026; sick since before the window, still ongoing.
    late = employee(org, "1", start=date(2026, 3, 2))
    absent(late, date(2026, 2, 20), None)
    stats = unit_statistics(org, AS_OF, suppress=False)
    sick = type_row(stats, "A1", "sick")
    # March 2026 from the 2nd: 22 working days, 30 calendar days.
    assert sick["absence_hours"] == Decimal(22 * 7.4).quantize(Decimal("0.1"))
    assert sick["calendar_days"] == 30
    assert sick["absence_pct"] == Decimal("100.00")


def test_touching_registrations_of_a_type_are_one_spell(org):
    emp = employee(org, "1")
    absent(emp, date(2026, 1, 5), date(2026, 1, 9))
    absent(emp, date(2026, 1, 10), date(2026, 1, 12))
    absent(emp, date(2026, 2, 2), date(2026, 2, 2))
    assert type_row(unit_statistics(org, AS_OF, suppress=False), "A1", "sick")["spells"] == 2


def test_own_rows_for_senior_care_parental_and_s56(org):
    emp = employee(org, "1")
    absent(emp, date(2026, 1, 5), date(2026, 1, 5), kind="senior_day")
    absent(emp, date(2026, 1, 6), date(2026, 1, 6), kind="care_day")
    absent(emp, date(2026, 1, 7), date(2026, 1, 7), kind="sick_s56")
    absent(emp, date(2025, 5, 1), date(2025, 5, 30), kind="parental")
    stats = unit_statistics(org, AS_OF, suppress=False)
    assert [t["absence_type"] for t in row(stats, "A1")["types"]] == [
        "sick",
        "sick_partial",
        "sick_s56",
        "pregnancy",
        "work_injury",
        "child_sick",
        "care_day",
        "senior_day",
        "parental",
    ]
    assert type_row(stats, "A1", "senior_day")["calendar_days"] == 1
    assert type_row(stats, "A1", "care_day")["calendar_days"] == 1
    assert type_row(stats, "A1", "sick_s56")["absence_hours"] == Decimal("7.4")
    # May 2025: 22 weekdays minus Ascension Day (29 May) = 21 working days.
    assert type_row(stats, "A1", "parental")["absence_hours"] == Decimal("155.4")
    # Only the types that count for the percentage (default: not senior, care, parental) make the total.
    assert row(stats, "A1")["total"]["absence_hours"] == Decimal("7.4")


def test_bradford_bands_match_the_scores(org):
    emps = [employee(org, str(n)) for n in range(1, 8)]
    # 25 days as one spell = 25 (band 0-50), as 3 spells = 225 (201-400), as 6 spells = 900 (601+).
    absent(emps[0], date(2026, 1, 1), date(2026, 1, 25))
    for start, end in [(1, 8), (11, 18), (21, 29)]:
        absent(emps[1], date(2026, 1, start), date(2026, 1, end))
    for year, month in [(2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2), (2026, 3)]:
        absent(emps[2], date(year, month, 1), date(year, month, 5 if month == 10 else 4))
    scores = bradford_scores(org, AS_OF)
    assert scores[emps[0].pk] == 25
    assert scores[emps[1].pk] == 225
    assert scores[emps[2].pk] == 900
    stats = unit_statistics(org, AS_OF, suppress=False)
    bradford = row(stats, "A1")["bradford"]
    assert stats["band_labels"] == ["0\u201350", "51\u2013200", "201\u2013400", "401\u2013600", "601+"]
    assert bradford["bands"] == [5, 0, 1, 0, 1]


def test_bradford_joins_across_weekend_when_the_policy_says_so(org):
    emp = employee(org, "1")
    for monday in (2, 9, 16):  # three Monday-Friday weeks in March 2026
        absent(emp, date(2026, 3, monday), date(2026, 3, monday + 4))
    # Apart: 3 spells × 15 days = 135, band 51-200.
    assert bradford_scores(org, AS_OF)[emp.pk] == 135
    assert row(unit_statistics(org, AS_OF, suppress=False), "A1")["bradford"]["bands"] == [0, 1, 0, 0, 0]
    # Joined across the weekends: 1 spell of 19 days = 19, band 0-50.
    AdvisoryPolicy.objects.create(organization=org, join_across_non_working_days=True)
    assert bradford_scores(org, AS_OF)[emp.pk] == 19
    assert row(unit_statistics(org, AS_OF, suppress=False), "A1")["bradford"]["bands"] == [1, 0, 0, 0, 0]


def test_monthly_series_splits_a_registration_over_months(org):
    emp = employee(org, "1")
    absent(emp, date(2026, 1, 26), date(2026, 2, 6))  # Mon 26 Jan - Fri 6 Feb: 5 + 5 working days
    absent(emp, date(2026, 3, 2), date(2026, 3, 3), kind="care_day")  # does not count for the percentage
    charts = monthly_series(org, AS_OF, suppress=False)
    a1 = next(c for c in charts if c["code"] == "A1")
    by_month = {m["month"]: m for m in a1["months"]}
    assert by_month[date(2026, 1, 1)]["absence_days"] == Decimal("5.0")
    assert by_month[date(2026, 2, 1)]["absence_days"] == Decimal("5.0")
    assert by_month[date(2026, 3, 1)]["absence_days"] == Decimal("0.0")
    # February 2026 has 20 working days: 5 of them = 25 %.
    assert by_month[date(2026, 2, 1)]["absence_pct"] == Decimal("25.00")
    # One employee: hidden from viewers who may not see individual figures.
    hidden = next(c for c in monthly_series(org, AS_OF) if c["code"] == "A1")
    assert all(m["suppressed"] and m["absence_pct"] is None for m in hidden["months"])


def test_figures_are_plain_numbers_for_the_report(org):
    absent(employee(org, "1"), date(2026, 3, 2), date(2026, 3, 6))
    a1 = row(unit_statistics(org, AS_OF, suppress=False), "A1")
    assert type(a1["employees"]) is int
    assert all(type(count) is int for count in a1["bradford"]["bands"])
    sick = a1["types"][0]
    assert type(sick["spells"]) is int and type(sick["calendar_days"]) is int


def test_small_groups_are_suppressed_and_not_recoverable_by_subtraction(org):
    from tests.factories import add_unit

    add_unit(org, "A2", "Department A2", parent=unit(org, "A"))
    for n in range(10):
        absent(employee(org, f"a1-{n}"), date(2026, 3, 2), date(2026, 3, 6))
    for n in range(3):
        absent(employee(org, f"a2-{n}", unit_code="A2"), date(2026, 3, 2), date(2026, 3, 27))
    stats = unit_statistics(org, AS_OF)
    units = {u["code"]: u for u in stats["units"]}
    # A2 has 3 employees: hidden. A (13) minus A1 (10) would reveal A2, so A1 is hidden as well.
    assert units["A2"]["suppressed"] and type_row(stats, "A2", "sick")["calendar_days"] is None
    assert units["A1"]["suppressed"]
    assert not units["A"]["suppressed"]
    assert type_row(stats, "A", "sick")["calendar_days"] == 10 * 5 + 3 * 26
    # Group sizes stay visible; a unit without employees shows its zeros.
    assert units["A2"]["employees"] == 3
    assert not units["A1a"]["suppressed"] and type_row(stats, "A1a", "sick")["calendar_days"] == 0
    # Without suppression (HR, the annual report's raw data) every figure is there.
    raw = unit_statistics(org, AS_OF, suppress=False)
    assert type_row(raw, "A2", "sick")["calendar_days"] == 78
    # The viewer's own units (exempt) are shown in full.
    mine = unit_statistics(org, AS_OF, exempt_unit_ids={units["A2"]["unit_id"]})
    assert not row(mine, "A2")["suppressed"]


def test_a_lone_small_bradford_band_takes_another_band_with_it(org):
    emps = [employee(org, str(n)) for n in range(6)]
    for start, end in [(1, 8), (11, 18), (21, 29)]:  # Bradford 225: band 201-400
        absent(emps[0], date(2026, 1, start), date(2026, 1, end))
    bands = row(unit_statistics(org, AS_OF), "A1")["bradford"]["bands"]
    assert bands[2] is None  # one employee in 201-400
    assert bands.count(None) == 2  # and one more, so that the band cannot be worked out from the total
    assert row(unit_statistics(org, AS_OF, suppress=False), "A1")["bradford"]["bands"] == [5, 0, 1, 0, 0]


def test_chart_months_are_suppressed_like_the_table(org):
    from tests.factories import add_unit

    add_unit(org, "A2", "Department A2", parent=unit(org, "A"))
    for n in range(10):
        absent(employee(org, f"a1-{n}"), date(2026, 3, 2), date(2026, 3, 6))
    for n in range(3):
        absent(employee(org, f"a2-{n}", unit_code="A2"), date(2026, 3, 9), date(2026, 3, 13))
    charts = {c["code"]: c["months"][-1] for c in monthly_series(org, AS_OF)}
    assert charts["A2"]["suppressed"] and charts["A2"]["absence_pct"] is None
    assert charts["A1"]["suppressed"]  # A minus A1 would give A2
    assert not charts["A"]["suppressed"] and charts["A"]["absence_pct"] is not None
    assert not charts["B"]["suppressed"]  # no employees: nothing to hide


def test_chart_sums_grouped_in_the_database_equal_the_sums_per_unit(org):
    """The 24-month chart lets the database sum deeper units into the chart's units: the same figures
    as summing every unit's rows up the tree."""
    from apps.absence.selectors import policy_for
    from apps.absence.statistics.sums import compute_sums

    AdvisoryPolicy.objects.create(organization=org)
    for number, code in enumerate(
        ["A", "A1", "A1", "B", "A1a" if org.units.filter(code="A1a").exists() else "A1"]
    ):
        person = employee(org, f"g{number}", unit_code=code, hours=str(30 + number))
        absent(person, date(2025, 11, 3 + number), date(2026, 1, 9 + number))
        absent(person, date(2026, 2, 2), date(2026, 2, 2 + number), kind="child_sick")
    policy = policy_for(org)
    periods = last_months(AS_OF, 24)
    types = sorted(policy.types_for("percentage"))
    for top in [None, unit(org, "A")]:
        depth = top.depth if top else 1
        per_unit = compute_sums(org, periods, top, policy, types=types, spells=False, months=True)
        grouped = compute_sums(
            org, periods, top, policy, types=types, spells=False, months=True, group_depth=depth + 1
        )
        shown = [u.pk for u in per_unit[0] if u.depth in (depth, depth + 1)]
        assert shown
        for index in range(len(periods)):
            for unit_id in shown:
                a, b = per_unit[1].get((index, unit_id)), grouped[1].get((index, unit_id))
                assert (a and (a.employees, a.weekday_hours)) == (b and (b.employees, b.weekday_hours))
                for code in types:
                    x, y = per_unit[2].get((index, unit_id, code)), grouped[2].get((index, unit_id, code))
                    assert (x and (x.calendar_days, x.absence_weekday_hours)) == (
                        y and (y.calendar_days, y.absence_weekday_hours)
                    )
        assert any(per_unit[2].values()), "the example should have absence in the window"


def test_tree_totals_add_each_unit_to_its_nearest_ancestor_in_the_list():
    """A unit's total is its own counts plus those of every unit below it in the list; a unit whose
    parent is left out of the list adds to its grandparent; counts of units not in the list are left out."""
    from apps.absence.statistics.sums import tree_totals
    from apps.organizations.models import OrgUnit

    def node(pk, path):
        return OrgUnit(pk=pk, path=path, depth=len(path) // OrgUnit.steplen)

    step = "0" * (OrgUnit.steplen - 1)
    root, child, grandchild, other = (
        node(1, step + "1"),
        node(2, step + "1" + step + "1"),
        node(3, step + "1" + step + "1" + step + "1"),
        node(4, step + "1" + step + "2"),
    )
    counts = [(3, "a", 2), (2, "a", 1), (4, "a", 5), (4, "b", 1), (99, "a", 7), (1, "b", 1)]
    totals = tree_totals([grandchild, root, other, child], counts)
    assert totals == {1: {"a": 8, "b": 2}, 2: {"a": 3}, 3: {"a": 2}, 4: {"a": 5, "b": 1}}
    # Without the child in the list, the grandchild's counts go straight to the root.
    totals = tree_totals([root, grandchild], counts)
    assert totals == {1: {"a": 2, "b": 1}, 3: {"a": 2}}


def test_published_figures_of_groups_with_and_without_absence():
    """A unit's groups share its FTE and possible hours; a group with no absence, or with absence of 0
    hours, shows 0.0 hours and 0.00 % (not None); one of a unit with nobody shows no percentage."""
    from apps.absence.statistics.sums import Figures, Population, published

    pop = Figures()
    pop.employees, pop.weekday_hours = 2, Decimal(250 * 37 * 2)  # two full-time employees, 250 days
    population = Population(pop, 250)
    none = population.published(None)
    assert {k: str(v) for k, v in none.items()} == {
        "employees": "2",
        "fte": "2.00",
        "people": "0",
        "spells": "0",
        "calendar_days": "0",
        "absence_hours": "0.0",
        "possible_hours": "3700.0",
        "absence_pct": "0.00",
        "absence_days": "0.0",
        "days_per_fte": "0.00",
    }
    empty = Figures()
    empty.people, empty.spells, empty.calendar_days = 1, 1, 2  # a weekend: no working hours
    assert {k: str(v) for k, v in population.published(empty).items()} == {
        **{k: str(v) for k, v in none.items()},
        "people": "1",
        "spells": "1",
        "calendar_days": "2",
    }
    sick = Figures()
    sick.people, sick.spells, sick.calendar_days = 1, 2, 10
    sick.absence_weekday_hours = Decimal(8 * 37)  # 8 working days of a full-timer: 59.2 hours
    figures = population.published(sick)
    assert (figures["absence_hours"], figures["absence_days"]) == (Decimal("59.2"), Decimal("8.0"))
    assert (figures["absence_pct"], figures["days_per_fte"]) == (Decimal("1.60"), Decimal("4.00"))
    assert figures["fte"] is none["fte"] and figures["possible_hours"] is none["possible_hours"]
    assert published(pop, sick, 250) == figures
    nobody = Population(Figures(), 250).published(None)
    assert (nobody["fte"], nobody["absence_pct"], nobody["days_per_fte"]) == (Decimal("0.00"), None, None)
