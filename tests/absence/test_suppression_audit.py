"""An attacker with the published figures and subtraction: nothing about a group of 1-4 people may
come out, whatever the tree, the absence types, the bands, the period and the viewer's exempt units.

A figure of an absence type describes the people who had absence of it (the total: of any counting
type), a band its employees; a 0 of a unit of 1-4 describes each of them. The published figures add
up four ways: a unit is its sub-units plus the employees placed directly in it (so is each of its
types, its total and its Bradford bands), a unit's bands add up to its employees, and its total is
the sum of the types that count. The attacker solves every sum with one unknown left, again and
again, and also reads what a sum with several unknowns gives away about them together. Across
periods it subtracts the figures as of one month-end from those of another (what the people absent
in the months one year holds and the other does not did) and a year's total from its chart months.
"""

import copy
import random

import pytest

from apps.absence.statistics.suppression import suppress_small_groups

LIMIT = 5
BANDS = 4


# absence type -> counts in the total (child_sick: mostly none, as many types in a small unit)
TYPES = {"sick": True, "sick_partial": True, "pregnancy": True, "child_sick": True, "care_day": False}
COUNTING = [code for code, counts in TYPES.items() if counts]


def figures(spells: int, people: int) -> dict:
    return {
        "people": people,
        "spells": spells,
        "calendar_days": spells * 2,
        "absence_hours": spells * 7.4,
        "absence_pct": None,
        "days_per_fte": None,
        "absence_days": None,
    }


def person(rng: random.Random) -> dict[str, int]:
    """Spells per absence type of one employee: most had some sickness, few the rarer types."""
    return {
        "sick": rng.choices([0, 1, 2, 3], weights=[3, 3, 2, 1])[0],
        "sick_partial": rng.choices([0, 1], weights=[12, 1])[0],
        "pregnancy": rng.choices([0, 1, 2], weights=[8, 1, 1])[0],
        "care_day": rng.randint(0, 2),
        "child_sick": rng.choices([0, 3], weights=[19, 1])[0],
    }


def synthetic(rng: random.Random) -> dict:
    """A random unit tree, employees placed at any level, each with spells per absence type, and band
    counts per unit. ``_people`` keeps each unit's employees (its whole subtree) for the attacker's
    judge: who a worked-out figure describes."""
    units = [{"unit_id": 1, "parent_id": None, "own": rng.choice([0, 0, 2, 7])}]
    for unit_id in range(2, rng.randint(3, 14)):
        units.append({"unit_id": unit_id, "parent_id": rng.choice(units)["unit_id"], "own": 0})
    for unit in units:
        unit["own"] += rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 29])
        unit["bands"] = [0] * BANDS
        unit["people"] = [person(rng) for _n in range(unit["own"])]
        for _person in unit["people"]:
            unit["bands"][rng.choices(range(BANDS), weights=[6, 2, 1, 1])[0]] += 1
    kids = {u["unit_id"]: [k for k in units if k["parent_id"] == u["unit_id"]] for u in units}

    def subtree(unit):
        below = [subtree(k) for k in kids[unit["unit_id"]]]
        people = unit["people"] + [p for b in below for p in b[1]]
        bands = [unit["bands"][i] + sum(b[0][i] for b in below) for i in range(BANDS)]
        return bands, people

    rows, people_of = [], {}
    for unit in units:
        bands, people = subtree(unit)
        people_of[unit["unit_id"]] = people

        def type_figures(codes, people=people):
            spells = sum(p[code] for p in people for code in codes)
            return figures(spells, sum(any(p[code] for code in codes) for p in people))

        rows.append(
            {
                "unit_id": unit["unit_id"],
                "parent_id": unit["parent_id"],
                "code": f"U{unit['unit_id']:02d}",
                "depth": 0,
                "suppressed": False,
                "employees": len(people),
                "types": [
                    {
                        "absence_type": code,
                        "counts_for_percentage": counts,
                        "suppressed": False,
                        **type_figures([code]),
                    }
                    for code, counts in TYPES.items()
                ],
                "total": {"suppressed": False, **type_figures(COUNTING)},
                "bradford": {"suppressed": False, "employees": len(people), "bands": bands},
            }
        )
    return {"min_group_size": LIMIT, "units": rows, "_people": people_of}


def attack(published: dict, truth: dict, *, exact: bool = True) -> list[str]:
    """What subtraction gives away about groups of 1 to LIMIT - 1 employees (or about every one of so
    few: "none of these 3"). ``exact``: the sums hold to the unit and ``truth`` knows each person (in
    real figures the Bradford population may differ slightly from the year's)."""
    rows = {r["unit_id"]: r for r in published["units"]}
    true_rows = {r["unit_id"]: r for r in truth["units"]}
    kids = {u: [k for k, r in rows.items() if r["parent_id"] == u] for u in rows}
    known: dict[tuple, float] = {}  # (unit or ("direct", unit), field) -> value
    for unit_id, row in rows.items():
        if row["total"]["spells"] is not None:
            known[(unit_id, "spells")] = row["total"]["spells"]
        for group in row.get("types", []):
            if group.get("absence_type") and group["spells"] is not None:
                known[(unit_id, "type:" + group["absence_type"])] = group["spells"]
        for band, count in enumerate(row["bradford"]["bands"]):
            if count is not None:
                known[(unit_id, band)] = count
    type_codes = [g["absence_type"] for g in next(iter(rows.values()))["types"] if g.get("absence_type")]
    counting = [
        g["absence_type"] for g in next(iter(rows.values()))["types"] if g.get("counts_for_percentage")
    ]
    sums = []  # (total key, [part keys])
    for unit_id in rows:
        if kids[unit_id]:
            direct = rows[unit_id]["employees"] - sum(rows[k]["employees"] for k in kids[unit_id])
            for field in ["spells", *range(BANDS), *(f"type:{code}" for code in type_codes)]:
                sums.append(
                    ((unit_id, field), [(k, field) for k in kids[unit_id]] + [(("direct", unit_id), field)])
                )
                if direct == 0:  # nobody placed directly in the unit: everyone knows that part is 0
                    known[(("direct", unit_id), field)] = 0
        sums.append((("employees", unit_id), [(unit_id, band) for band in range(BANDS)]))
        if counting:  # the unit's total is the sum of the types that count
            sums.append(((unit_id, "spells"), [(unit_id, f"type:{code}") for code in counting]))
        known[("employees", unit_id)] = rows[unit_id]["employees"]
    leaks = []

    def employees(unit) -> int:
        if isinstance(unit, tuple):
            return rows[unit[1]]["employees"] - sum(rows[k]["employees"] for k in kids[unit[1]])
        return rows[unit]["employees"]

    def persons(unit) -> list[dict]:
        if isinstance(unit, tuple):  # the directly placed: the unit's people less its sub-units'
            below = [id(p) for k in kids[unit[1]] for p in truth["_people"][k]]
            return [p for p in truth["_people"][unit[1]] if id(p) not in below]
        return truth["_people"][unit]

    def codes_of(field) -> list[str]:
        return counting if field == "spells" else [field.removeprefix("type:")]

    def described(keys) -> tuple[int, int]:
        """(people, employees) that figures of ``keys`` together describe: for a type, the employees
        who had absence of it; for a band, its employees."""
        if any(isinstance(key[1], int) for key in keys):
            count = sum(true_value(key) for key in keys)
            return count, count
        units = {key[0] for key in keys}
        if (
            not exact
        ):  # no persons known: the people of the figures added up (of a unit's types, an upper bound)
            return sum(true_people(key) for key in keys), sum(employees(unit) for unit in units)
        codes = {
            unit: [code for key in keys if key[0] == unit for code in codes_of(key[1])] for unit in units
        }
        people = sum(any(p[code] for code in codes[unit]) for unit in units for p in persons(unit))
        return people, sum(employees(unit) for unit in units)

    def true_people(key) -> int:
        unit, field = key
        if isinstance(unit, tuple):
            return true_people((unit[1], field)) - sum(true_people((k, field)) for k in kids[unit[1]])
        row = true_rows[unit]
        if field == "spells":
            return row["total"]["people"]
        return next(g["people"] for g in row["types"] if "type:" + g["absence_type"] == field)

    def true_value(key):
        unit, field = key
        if isinstance(unit, tuple):
            parent = unit[1]
            return true_value((parent, field)) - sum(true_value((k, field)) for k in kids[parent])
        row = true_rows[unit]
        if field == "spells":
            return row["total"]["spells"]
        if isinstance(field, str):
            return next(g["spells"] for g in row["types"] if "type:" + g["absence_type"] == field)
        return row["bradford"]["bands"][field]

    def small(people: int, employees: int) -> bool:
        return 0 < people < LIMIT or (people == 0 and 0 < employees < LIMIT)

    progress = True
    while progress:
        progress = False
        for total, parts in sums:
            if total not in known:
                continue
            unknown = [p for p in parts if p not in known]
            if len(unknown) == 1:
                known[unknown[0]] = known[total] - sum(known[p] for p in parts if p in known)
                assert not exact or known[unknown[0]] == true_value(unknown[0])
                progress = True
    for key, value in known.items():
        if key[0] == "employees" or published_exempt(published, key):
            continue
        if small(*described([key])):
            leaks.append(f"figures of (people, employees) {described([key])} worked out: {key} = {value}")
    for total, parts in sums:  # several unknowns together: what they hold together is given away
        unknown = [p for p in parts if p not in known]
        if total not in known or not 1 < len(unknown) < len(parts) or published_exempt(published, total):
            continue  # all parts unknown: together they hold the total, which is shown anyway
        together = described(unknown)
        if small(*together):
            leaks.append(f"{len(unknown)} hidden parts describe (people, employees) {together}: {unknown}")
    return leaks


def published_exempt(published: dict, key) -> bool:
    """A figure of a unit the viewer may see in full (their own units as leader or HR)."""
    unit = key[0][1] if isinstance(key[0], tuple) else key[0]
    if unit == "employees":
        unit = key[1]
    return unit in published.get("_exempt", set())


@pytest.mark.parametrize("seed", range(300))
def test_subtraction_gives_nothing_away_about_a_small_group(seed):
    rng = random.Random(seed)
    truth = synthetic(rng)
    published = suppress_small_groups(copy.deepcopy(truth))
    assert attack(published, truth) == []


@pytest.mark.parametrize("seed", range(100))
def test_a_leader_sees_their_units_and_nothing_more_of_the_others(seed):
    rng = random.Random(seed)
    truth = synthetic(rng)
    rows = truth["units"]
    led = rng.choice(rows)["unit_id"]
    below = {led}
    for row in rows:  # parents come first in the synthetic tree
        if row["parent_id"] in below:
            below.add(row["unit_id"])
    published = suppress_small_groups(copy.deepcopy(truth), exempt_unit_ids=below)
    published["_exempt"] = below
    for row, true_row in zip(published["units"], truth["units"], strict=True):
        if row["unit_id"] in below:
            assert row["bradford"]["bands"] == true_row["bradford"]["bands"]
    assert attack(published, truth) == []


def test_the_audit_finds_a_leak_when_suppression_is_only_primary():
    """The attacker is no straw man: hiding only the small groups themselves leaks."""
    leaks = 0
    for seed in range(100):
        truth = synthetic(random.Random(seed))
        published = copy.deepcopy(truth)
        for row in published["units"]:
            if 0 < row["employees"] < LIMIT:
                row["total"]["spells"] = None
            row["bradford"]["bands"] = [None if 0 < c < LIMIT else c for c in row["bradford"]["bands"]]
        leaks += bool(attack(published, truth))
    assert leaks > 50


@pytest.mark.django_db
def test_the_demo_municipality_gives_nothing_away_to_the_union_side():
    """The same attack on real figures: the demo municipality's statistics as a shop steward sees them
    (no exempt units), for the whole organisation and for each unit's own page together."""
    from datetime import date

    from django.core.management import call_command

    from apps.absence.statistics.figures import monthly_series, unit_statistics
    from apps.organizations.models import Organization, OrgUnit

    today = date(2026, 11, 23)
    call_command("seed_demo", "--employees", "400", "--years", "1", "--today", today.isoformat())
    organization = Organization.objects.get(slug="norddjurs")
    truth = unit_statistics(organization, today, suppress=False)
    published = copy.deepcopy(unit_statistics(organization, today))
    assert any(row["bradford"]["suppressed"] for row in published["units"]), "nothing small to hide"
    assert attack(published, truth, exact=False) == []
    # A unit's own page shows what the whole organisation's shows of it, never more.
    whole = {row["unit_id"]: row for row in published["units"]}
    months: dict[int, list] = {}  # unit -> its chart points, wherever the unit is charted
    for unit in [None, *OrgUnit.objects.filter(organization=organization, depth__lte=3)]:
        if unit is not None:
            for row in unit_statistics(organization, today, unit=unit)["units"]:
                assert row["bradford"]["bands"] == whole[row["unit_id"]]["bradford"]["bands"]
                assert row["total"]["spells"] == whole[row["unit_id"]]["total"]["spells"]
                for shown, whole_type in zip(row["types"], whole[row["unit_id"]]["types"], strict=True):
                    assert shown["calendar_days"] == whole_type["calendar_days"]
        # A unit's months are the same on its own page and on its parent's: the hidden ones too.
        for chart in monthly_series(organization, today, unit=unit):
            points = [(m["suppressed"], m["absence_pct"]) for m in chart["months"]]
            assert months.setdefault(chart["unit_id"], points) == points, chart["code"]
    assert any(s for points in months.values() for s, _pct in points), "no month to hide"


def test_one_person_of_a_type_in_a_unit_of_29_is_hidden_from_the_union_side():
    """The shop steward's example: in a unit of 29, one person on partial sick leave (1 spell, 35
    days) and one on parental leave (1 spell, 123 days) are figures about one person each."""

    def unit_row(unit_id, parent_id, employees, partial, parental):
        def group(code, spells, people, days, counts):
            return {
                "absence_type": code,
                "counts_for_percentage": counts,
                "suppressed": False,
                **figures(spells, people),
                "calendar_days": days,
            }

        return {
            "unit_id": unit_id,
            "parent_id": parent_id,
            "code": f"U{unit_id}",
            "depth": 0,
            "suppressed": False,
            "employees": employees,
            "types": [
                group("sick", 40, 20, 160, True),
                group("sick_partial", partial, partial, 35 * partial, True),
                group("parental", parental, parental, 123 * parental, False),
            ],
            "total": {"suppressed": False, **figures(40 + partial, 20), "calendar_days": 160 + 35 * partial},
            "bradford": {"suppressed": False, "employees": employees, "bands": [employees, 0, 0, 0]},
        }

    truth = {"min_group_size": LIMIT, "units": [unit_row(1, None, 29, 1, 1)]}
    published = suppress_small_groups(copy.deepcopy(truth))
    types = {g["absence_type"]: g for g in published["units"][0]["types"]}
    assert types["sick_partial"]["spells"] is None and types["sick_partial"]["calendar_days"] is None
    assert types["parental"]["spells"] is None and types["parental"]["calendar_days"] is None
    assert types["sick_partial"]["suppressed"] and types["parental"]["suppressed"]
    # The total less the visible types would give the partial sick leave away: one more is hidden.
    total = published["units"][0]["total"]
    assert total["spells"] is None or types["sick"]["spells"] is None
    # HR (every unit exempt) sees them all.
    for_hr = suppress_small_groups(copy.deepcopy(truth), exempt_unit_ids={1})
    assert {g["absence_type"]: g["calendar_days"] for g in for_hr["units"][0]["types"]} == {
        "sick": 160,
        "sick_partial": 35,
        "parental": 123,
    }


# --- periods: the figures as of neighbouring month-ends, and the year against its months ------------

MONTHS = 27  # month indexes 0-26; the year as of month-end M holds months M-11..M


def synthetic_months(rng: random.Random) -> tuple[list[dict], dict[int, list[dict]]]:
    """A random unit tree whose employees have, per absence type, a spell in some months. Returns
    the units (unit_id, parent_id) and each unit's employees (its whole subtree): {type: [0/1 per
    month]}."""
    rates = {"sick": 0.3, "sick_partial": 0.04, "pregnancy": 0.03, "child_sick": 0.08, "care_day": 0.1}
    units = [{"unit_id": 1, "parent_id": None}]
    for unit_id in range(2, rng.randint(3, 9)):
        units.append({"unit_id": unit_id, "parent_id": rng.choice(units)["unit_id"]})
    own = {
        u["unit_id"]: [
            {code: [int(rng.random() < rate) for _m in range(MONTHS)] for code, rate in rates.items()}
            for _n in range(rng.choice([0, 2, 4, 6, 9, 15, 29]))
        ]
        for u in units
    }
    kids = {u["unit_id"]: [k["unit_id"] for k in units if k["parent_id"] == u["unit_id"]] for u in units}

    def subtree(unit_id):
        return own[unit_id] + [p for k in kids[unit_id] for p in subtree(k)]

    return units, {u["unit_id"]: subtree(u["unit_id"]) for u in units}


def had(persons: list[dict], codes, months) -> int:
    """How many of ``persons`` had absence of one of ``codes`` in one of ``months``."""
    return sum(any(p[code][m] for code in codes for m in months) for p in persons)


def month_rows(units, people, month) -> list[dict]:
    return [
        {
            "unit_id": u["unit_id"],
            "parent_id": u["parent_id"],
            "employees": len(people[u["unit_id"]]),
            "suppressed": False,
            "types": [],
            "total": {"people": had(people[u["unit_id"]], COUNTING, [month]), "suppressed": False},
            "bradford": {"bands": []},
        }
        for u in units
    ]


def year_rows(units, people, as_of: int) -> list[dict]:
    """The year's figures as of month-end ``as_of``, none hidden."""
    year = range(as_of - 11, as_of + 1)

    def group(persons, codes):
        spells = sum(p[code][m] for p in persons for code in codes for m in year)
        return {"suppressed": False, **figures(spells, had(persons, codes, year))}

    rows = []
    for u in units:
        persons = people[u["unit_id"]]
        types = [
            {"absence_type": code, "counts_for_percentage": counts, **group(persons, [code])}
            for code, counts in TYPES.items()
        ]
        rows.append(
            {
                "unit_id": u["unit_id"],
                "parent_id": u["parent_id"],
                "code": f"U{u['unit_id']}",
                "depth": 0,
                "suppressed": False,
                "employees": len(persons),
                "types": types,
                "total": group(persons, COUNTING),
                "bradford": {
                    "suppressed": False,
                    "employees": len(persons),
                    "bands": [len(persons), 0, 0, 0],
                },
            }
        )
    return rows


def publish(units, people, as_of: int, exempt: set[int]) -> tuple[dict, set[tuple[int, int]]]:
    """The year as of month-end ``as_of`` as the portal publishes it, and the chart months it hides
    ((month, unit)): the same steps as ``_unit_statistics`` and ``months_to_hide``."""
    from apps.absence.statistics.queries import ALL_TYPES
    from apps.absence.statistics.suppression import period_cells

    history = range(as_of - 23, as_of + 1)  # the 24 months the decision looks at, as indexes 0-23
    hidden_months = set()
    for index, month in enumerate(history):
        rows = month_rows(units, people, month)
        suppress_small_groups({"min_group_size": LIMIT, "units": rows}, exempt_unit_ids=exempt)
        hidden_months |= {(index, r["unit_id"]) for r in rows if r["total"]["suppressed"]}
    counts = {}
    for u in units:
        for index, month in enumerate(history):
            for code in TYPES:
                counts[(index, u["unit_id"], code)] = had(people[u["unit_id"]], [code], [month])
            counts[(index, u["unit_id"], ALL_TYPES)] = had(people[u["unit_id"]], COUNTING, [month])
    rows = year_rows(units, people, as_of)
    cells = period_cells(counts, hidden_months, [u["unit_id"] for u in units if u["unit_id"] not in exempt])
    result = suppress_small_groups(
        {"min_group_size": LIMIT, "units": rows}, exempt_unit_ids=exempt, also_hide=cells
    )
    return result, {(history[index], unit_id) for index, unit_id in hidden_months}


def attack_periods(units, people, published: dict[int, tuple[dict, set]], exempt: set[int]) -> list[str]:
    """The same figure as of two month-ends, less each other: what the people absent in the months
    one year holds and the other not did. And a year's total less its months shown in the chart."""
    leaks = []
    small = lambda n: 0 < n < LIMIT  # noqa: E731 - a judge, not an API
    ends = sorted(published)
    for first, later in [(a, b) for a in ends for b in ends if a < b]:
        months = set(range(first - 11, first + 1)) ^ set(range(later - 11, later + 1))
        rows = [{r["unit_id"]: r for r in published[end][0]["units"]} for end in (first, later)]
        for unit_id in rows[0]:
            if unit_id in exempt:
                continue
            pairs = [("total", COUNTING, rows[0][unit_id]["total"], rows[1][unit_id]["total"])]
            for a, b in zip(rows[0][unit_id]["types"], rows[1][unit_id]["types"], strict=True):
                pairs.append((a["absence_type"], [a["absence_type"]], a, b))
            for name, codes, a, b in pairs:
                n = had(people[unit_id], codes, months)
                if a["spells"] is not None and b["spells"] is not None and small(n):
                    leaks.append(
                        f"unit {unit_id}, {name}: month-ends {first} and {later} give {n} people away"
                    )
    for end, (result, hidden_months) in published.items():
        for row in result["units"]:
            unit_id = row["unit_id"]
            hidden = [m for m in range(end - 11, end + 1) if (m, unit_id) in hidden_months]
            if unit_id in exempt or row["total"]["spells"] is None or not hidden:
                continue
            n = had(people[unit_id], COUNTING, hidden)
            if small(n) or (n == 0 and small(len(people[unit_id]))):
                leaks.append(
                    f"unit {unit_id} as of {end}: the year less its shown months gives {hidden} away"
                )
    return leaks


@pytest.mark.parametrize("seed", range(60))
def test_neighbouring_month_ends_and_the_chart_give_nothing_away(seed):
    rng = random.Random(seed)
    units, people = synthetic_months(rng)
    exempt = set()
    if seed % 3 == 0:  # a leader: their unit and everything below it
        exempt = {rng.choice(units)["unit_id"]}
        for u in units:  # parents come first
            if u["parent_id"] in exempt:
                exempt.add(u["unit_id"])
    published = {end: publish(units, people, end, exempt) for end in (23, 24, 25, 26)}
    assert attack_periods(units, people, published, exempt) == []
    # Each month-end on its own also stands the attack across units, types and totals.
    for end, (result, _hidden) in published.items():
        window = range(end - 11, end + 1)
        persons = [p for unit_people in people.values() for p in unit_people]
        in_window = {id(p): {code: sum(p[code][m] for m in window) for code in TYPES} for p in persons}
        truth = {
            "min_group_size": LIMIT,
            "units": year_rows(units, people, end),
            "_people": {unit_id: [in_window[id(p)] for p in ps] for unit_id, ps in people.items()},
        }
        assert attack({**result, "_exempt": exempt}, truth) == []


def test_the_period_audit_finds_a_leak_without_the_period_rule():
    """The attacker of the periods is no straw man: without ``period_cells`` the month-ends leak."""
    from apps.absence.statistics import suppression

    leaks = 0
    original = suppression.period_cells
    try:
        suppression.period_cells = lambda *args: set()
        for seed in range(30):
            units, people = synthetic_months(random.Random(seed))
            published = {end: publish(units, people, end, set()) for end in (23, 24, 25, 26)}
            leaks += bool(attack_periods(units, people, published, set()))
    finally:
        suppression.period_cells = original
    assert leaks > 15


@pytest.mark.parametrize("seed", range(200))
def test_the_month_points_are_hidden_as_the_general_rule_hides_them(seed):
    """``months_to_hide`` takes its own path over the unit tree (the statistics' hottest loop); it
    must hide exactly the month points ``suppress_small_groups`` hides, whatever the tree, the ids'
    order against the paths', the counts and the exempt units."""
    from apps.absence.statistics.periods import Period
    from apps.absence.statistics.queries import ALL_TYPES
    from apps.absence.statistics.suppression import months_to_hide
    from apps.organizations.models import OrgUnit

    rng = random.Random(seed)
    step = OrgUnit.steplen
    ids = rng.sample(range(1, 1000), rng.randint(1, 40))  # not in the paths' order
    paths = ["0001"]
    for _ in ids[1:]:
        parent = rng.choice(paths)
        siblings = [p for p in paths if p[:-step] == parent and len(p) == len(parent) + step]
        paths.append(parent + str(len(siblings) + 1).zfill(step))
    units = sorted(
        (OrgUnit(pk=pk, path=path, depth=len(path) // step) for pk, path in zip(ids, paths, strict=True)),
        key=lambda u: u.path,
    )
    exempt = set()
    if seed % 3 == 0:  # a leader: a subtree
        top = rng.choice(units).path
        exempt = {u.pk for u in units if u.path.startswith(top)}
    elif seed % 3 == 1:  # any units at all
        exempt = {u.pk for u in units if rng.random() < 0.3}
    months = [Period(index, None, None) for index in range(3)]
    placed = {(m.index, u.pk): rng.choice([0, 0, 1, 2, 3, 4, 6, 9]) for m in months for u in units}
    employees, people = {}, {}
    for m in months:
        for u in reversed(units):  # children first: a unit is its own employees and its sub-units'
            below = [k for k in units if k.path[:-step] == u.path]
            own = placed[(m.index, u.pk)]
            employees[(m.index, u.pk)] = own + sum(employees[(m.index, k.pk)] for k in below)
            own = rng.randint(0, own)
            people[(m.index, u.pk, ALL_TYPES)] = own + sum(people[(m.index, k.pk, ALL_TYPES)] for k in below)

    expected = set()
    for m in months:
        rows = [
            {
                "unit_id": u.pk,
                "parent_id": next((p.pk for p in units if p.path == u.path[:-step]), None),
                "employees": employees[(m.index, u.pk)],
                "suppressed": False,
                "types": [],
                "total": {"people": people[(m.index, u.pk, ALL_TYPES)], "suppressed": False},
                "bradford": {"bands": []},
            }
            for u in units
        ]
        suppress_small_groups({"min_group_size": LIMIT, "units": rows}, exempt_unit_ids=exempt)
        expected |= {(m.index, row["unit_id"]) for row in rows if row["total"]["suppressed"]}
    assert months_to_hide(units, months, employees, people, exempt) == expected
