"""The frequent-absence rules (DOMAIN.md 1.6) against a plain day-by-day reading of the rule.

``frequent_triggers`` works with running totals for speed; the reference below counts every day of
every window the slow way. Random absence histories must give the same advisories from both.
"""

import random
from datetime import date, timedelta

import pytest

from apps.absence.spells import add_months, frequent_triggers

AS_OF = date(2026, 11, 23)
RULES = [
    {"kind": "spells", "count": 3, "months": 6},
    {"kind": "days", "count": 15, "months": 12},
    {"kind": "days", "count": 6, "months": 1},
]


def reference(spells, rules, as_of):
    ordered = sorted((s for s in spells if s[1] <= as_of), key=lambda s: s[1])
    absent = set()
    for _id, start, end in ordered:
        day = start
        while day <= (as_of if end is None else min(end, as_of)):
            absent.add(day)
            day += timedelta(days=1)
    triggers = []
    for number, rule in enumerate(rules, start=1):
        months, count = int(rule["months"]), int(rule["count"])
        last_fired = None
        for spell_id, start, end in ordered:
            due = None
            if rule["kind"] == "spells":
                window_start = add_months(start, -months)
                if sum(1 for _i, s, _e in ordered if window_start < s <= start) >= count:
                    due = start
            else:
                day = start
                while day <= (as_of if end is None else min(end, as_of)):
                    window_from = add_months(day, -months) + timedelta(days=1)
                    if sum(1 for d in absent if window_from <= d <= day) >= count:
                        due = day
                        break
                    day += timedelta(days=1)
            if due is None or (last_fired is not None and due <= add_months(last_fired, months)):
                continue
            triggers.append((spell_id, number, due))
            last_fired = due
    return triggers


def random_history(rng, *, ongoing):
    spells, day, spell_id = [], AS_OF - timedelta(days=rng.randint(200, 500)), 1
    while day <= AS_OF:
        length = rng.choice([1, 1, 2, 3, 4, 5, 7, 10, 14])
        end = day + timedelta(days=length - 1)
        spells.append((spell_id, day, end))
        spell_id += 1
        day = end + timedelta(days=rng.choice([2, 3, 5, 9, 20, 31, 45, 80]))
    if ongoing and spells and spells[-1][2] >= AS_OF - timedelta(days=3):
        spells[-1] = (spells[-1][0], spells[-1][1], None)
    return spells


@pytest.mark.parametrize("seed", range(40))
def test_running_totals_give_what_counting_every_day_gives(seed):
    rng = random.Random(seed)
    for _ in range(10):
        spells = random_history(rng, ongoing=rng.random() < 0.5)
        assert frequent_triggers(spells, RULES, AS_OF) == reference(spells, RULES, AS_OF)


@pytest.mark.parametrize("seed", range(20))
def test_asking_only_for_firings_after_a_day_gives_the_same_firings_after_it(seed):
    rng = random.Random(seed)
    for _ in range(10):
        spells = random_history(rng, ongoing=rng.random() < 0.5)
        after = AS_OF - timedelta(days=rng.choice([0, 1, 3, 10, 40, 120]))
        wanted = [t for t in reference(spells, RULES, AS_OF) if t[2] > after]
        assert [t for t in frequent_triggers(spells, RULES, AS_OF, after=after) if t[2] > after] == wanted


def test_the_fifteenth_day_in_twelve_months_is_the_due_date():
    spells = [
        (1, date(2026, 1, 5), date(2026, 1, 9)),
        (2, date(2026, 3, 2), date(2026, 3, 6)),
        (3, date(2026, 5, 4), date(2026, 5, 8)),
    ]
    days_rule = [{"kind": "days", "count": 15, "months": 12}]
    assert frequent_triggers(spells, days_rule, date(2026, 5, 10)) == [(3, 1, date(2026, 5, 8))]
    # A window that has moved past the first spell no longer reaches 15 days.
    later = [(1, date(2025, 1, 5), date(2025, 1, 9)), *spells[1:]]
    assert frequent_triggers(later, days_rule, date(2026, 5, 10)) == []
