"""An attacker with the published figures and subtraction: nothing about a group of 1-4 employees may
come out, whatever the tree, the bands and the viewer's exempt units.

The published figures add up three ways: a unit is its sub-units plus the employees placed directly in
it (so is each of its Bradford bands), and a unit's bands add up to its employees. The attacker solves
every sum with one unknown left, again and again, and also reads what a sum with several unknowns
gives away about them together.
"""

import copy
import random

import pytest

from apps.absence.statistics import TELLING_TYPES, suppress_small_groups

LIMIT = 5
BANDS = 4


# absence type -> counts in the total (child_sick: mostly none, as many types in a small unit)
TYPES = {"sick": True, "pregnancy": True, "child_sick": True, "care_day": False}
TELLING = {str(code) for code in TELLING_TYPES}  # what a few spells of may not show


def figures(spells: int) -> dict:
    return {
        "spells": spells,
        "calendar_days": spells * 2,
        "absence_hours": spells * 7.4,
        "absence_pct": None,
        "days_per_fte": None,
        "absence_days": None,
    }


def synthetic(rng: random.Random) -> dict:
    """A random unit tree, employees placed at any level, with spells per absence type and band
    counts per unit."""
    units = [{"unit_id": 1, "parent_id": None, "own": rng.choice([0, 0, 2, 7])}]
    for unit_id in range(2, rng.randint(3, 14)):
        units.append({"unit_id": unit_id, "parent_id": rng.choice(units)["unit_id"], "own": 0})
    for unit in units:
        unit["own"] += rng.choice([0, 1, 2, 3, 4, 6, 9, 15])
        unit["bands"] = [0] * BANDS
        unit["spells"] = dict.fromkeys(TYPES, 0)
        for _person in range(unit["own"]):
            unit["bands"][rng.choices(range(BANDS), weights=[6, 2, 1, 1])[0]] += 1
            unit["spells"]["sick"] += rng.randint(0, 3)
            unit["spells"]["pregnancy"] += rng.choices([0, 1, 2], weights=[8, 1, 1])[0]
            unit["spells"]["care_day"] += rng.randint(0, 2)
            unit["spells"]["child_sick"] += rng.choices([0, 3], weights=[19, 1])[0]
    kids = {u["unit_id"]: [k for k in units if k["parent_id"] == u["unit_id"]] for u in units}

    def subtree(unit):
        below = [subtree(k) for k in kids[unit["unit_id"]]]
        employees = unit["own"] + sum(b[0] for b in below)
        bands = [unit["bands"][i] + sum(b[1][i] for b in below) for i in range(BANDS)]
        spells = {code: unit["spells"][code] + sum(b[2][code] for b in below) for code in TYPES}
        return employees, bands, spells

    rows = []
    for unit in units:
        employees, bands, spells = subtree(unit)
        total = sum(n for code, n in spells.items() if TYPES[code])
        rows.append(
            {
                "unit_id": unit["unit_id"],
                "parent_id": unit["parent_id"],
                "code": f"U{unit['unit_id']:02d}",
                "depth": 0,
                "suppressed": False,
                "employees": employees,
                "types": [
                    {
                        "absence_type": code,
                        "counts_for_percentage": counts,
                        "suppressed": False,
                        **figures(spells[code]),
                    }
                    for code, counts in TYPES.items()
                ],
                "total": {"suppressed": False, **figures(total)},
                "bradford": {"suppressed": False, "employees": employees, "bands": bands},
            }
        )
    return {"min_group_size": LIMIT, "units": rows}


def attack(published: dict, truth: dict, *, exact: bool = True) -> list[str]:
    """What subtraction gives away about groups of 1 to LIMIT - 1 employees. ``exact``: the sums hold
    to the unit (in real figures the Bradford population may differ slightly from the year's)."""
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

    def people(key) -> int | None:
        """How many employees a figure describes (a band count describes itself)."""
        unit, field = key
        if field != "spells" and not (isinstance(field, str) and field.removeprefix("type:") not in TELLING):
            return None  # a band or a telling type: its count is its own size
        if isinstance(unit, tuple):
            parent = unit[1]
            return rows[parent]["employees"] - sum(rows[k]["employees"] for k in kids[parent])
        return rows[unit]["employees"]

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
        if key[0] == "employees":
            continue
        group = people(key)
        if group is not None and 0 < group < LIMIT and not published_exempt(published, key):
            leaks.append(f"figures of a group of {group} employees worked out: {key} = {value}")
        telling = isinstance(key[1], int) or key[1].removeprefix("type:") in TELLING
        if group is None and telling and 0 < value < LIMIT and not published_exempt(published, key):
            leaks.append(f"a band or telling type of {value} worked out: {key}")
    for total, parts in sums:  # several unknowns together: what they hold together is given away
        unknown = [p for p in parts if p not in known]
        if total not in known or not 1 < len(unknown) < len(parts) or published_exempt(published, total):
            continue  # all parts unknown: together they hold the total, which is shown anyway
        sizes = [people(p) for p in unknown]
        if all(size is not None for size in sizes):  # unit figures: the employees the hidden parts describe
            together = sum(sizes)
        elif any(size is not None for size in sizes):
            continue  # a whole unit's people are among them: not a small group
        else:
            together = known[total] - sum(known[p] for p in parts if p in known)
        if 0 < together < LIMIT:
            leaks.append(f"{len(unknown)} hidden parts describe {together} employees together: {unknown}")
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

    from apps.absence.statistics import unit_statistics
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
    for unit in OrgUnit.objects.filter(organization=organization, depth__lte=3):
        for row in unit_statistics(organization, today, unit=unit)["units"]:
            assert row["bradford"]["bands"] == whole[row["unit_id"]]["bradford"]["bands"]
            assert row["total"]["spells"] == whole[row["unit_id"]]["total"]["spells"]
