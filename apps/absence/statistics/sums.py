"""Raw sums per unit (its whole subtree), rolled up from the queries' rows, and the published figures
made from them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from apps.organizations.models import Organization, OrgUnit

from ..models import AdvisoryPolicy
from ..spells import WorkCalendar
from .periods import Period, bradford_window, rolling_year
from .queries import absence_rows, bradford_rows, in_parallel, population_rows, reporting_transaction
from .workdays import WorkingDays

FULL_TIME_DAY_HOURS = Decimal("7.4")


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(4)}


def rounded(value: Decimal | float | None, places: int = 1) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(_QUANTA.get(places) or Decimal(1).scaleb(-places))


def band_labels(bands: list[int]) -> list[str]:
    """ "0–50", "51–200", …, "601+" for the limits [51, 201, 401, 601]."""
    limits = [0, *[int(b) for b in bands]]
    labels = [f"{lo}\u2013{hi - 1}" for lo, hi in zip(limits, limits[1:], strict=False)]
    return [*labels, f"{limits[-1]}+"]


def units_in_scope(organization: Organization, unit: OrgUnit | None) -> list[OrgUnit]:
    qs = unit.subtree() if unit is not None else OrgUnit.objects.filter(organization=organization)
    return list(qs.order_by("path"))


def _nearest_ancestors(units: list[OrgUnit]) -> list[tuple[int, int]]:
    """(unit id, id of its nearest ancestor among ``units``) of every unit that has one there,
    deepest units first: the order in which each unit's totals are added to its ancestor's."""
    steplen = OrgUnit.steplen
    paths = {u.path: u.id for u in units}
    pairs = []
    for u in sorted(units, key=lambda u: len(u.path), reverse=True):
        for end in range(len(u.path) - steplen, 0, -steplen):
            parent = paths.get(u.path[:end])
            if parent is not None:
                pairs.append((u.id, parent))
                break
    return pairs


def tree_totals(units: list[OrgUnit], counts: Iterable[tuple[int, Hashable, int]]) -> dict[int, dict]:
    """Unit id -> key -> the sum of the ``counts`` (unit id, key, count) of the unit and of every unit
    below it among ``units``. Each unit's totals are added to its nearest ancestor's, deepest units
    first: a count is added once per unit level, not once per ancestor of each row."""
    totals: dict[int, dict] = {u.id: {} for u in units}
    for unit_id, key, count in counts:
        own = totals.get(unit_id)
        if own is not None:
            own[key] = own.get(key, 0) + count
    for unit_id, parent in _nearest_ancestors(units):
        target = totals[parent]
        get = target.get
        for key, value in totals[unit_id].items():
            target[key] = get(key, 0) + value
    return totals


def _figures_totals(parents: list[tuple[int, int]], own: dict[int, dict]) -> dict[int, dict]:
    """``own`` (unit id -> key -> ``Figures`` of the rows of that unit itself) with every unit's
    figures made those of its whole subtree, as ``tree_totals`` does for counts (``parents``: the
    units' ``_nearest_ancestors``). A unit's ``Figures`` are its own objects (added to, never shared)."""
    for unit_id, parent in parents:
        target = own[parent]
        for key, figures in own[unit_id].items():
            total = target.get(key)
            if total is None:
                total = target[key] = Figures()
            total.add(figures)
    return own


class Figures:
    __slots__ = ("employees", "weekday_hours", "people", "spells", "calendar_days", "absence_weekday_hours")

    def __init__(self) -> None:
        self.employees = 0
        self.people = 0
        self.weekday_hours = Decimal(0)
        self.spells = 0
        self.calendar_days = 0
        self.absence_weekday_hours = Decimal(0)

    def add(self, other: Figures) -> None:
        self.employees += other.employees
        self.people += other.people
        self.weekday_hours += other.weekday_hours
        self.spells += other.spells
        self.calendar_days += other.calendar_days
        self.absence_weekday_hours += other.absence_weekday_hours


# The figures of no absence, one object each: pickle (the cache) writes an object it has written
# before as a reference to it, several times faster both ways than a Decimal anew.
_ZERO_1, _ZERO_2 = rounded(Decimal(0), 1), rounded(Decimal(0), 2)
_ONE_PLACE, _TWO_PLACES = _QUANTA[1], _QUANTA[2]


class Population:
    """What the published figures of a group take from its population (``pop``), computed once for all
    the groups of one unit; their equal figures are then one object each (see ``_ZERO_1``)."""

    __slots__ = ("employees", "possible_hours", "fte", "none")

    def __init__(self, pop: Figures, window_working_days: int) -> None:
        self.employees = pop.employees
        self.possible_hours = pop.weekday_hours / 5
        self.fte = (
            self.possible_hours / (FULL_TIME_DAY_HOURS * window_working_days)
            if window_working_days
            else Decimal(0)
        )
        # The figures of a group with no absence (a dict to copy).
        self.none = {
            "employees": pop.employees,
            "fte": rounded(self.fte, 2),
            "people": 0,
            "spells": 0,
            "calendar_days": 0,
            "absence_hours": _ZERO_1,
            "possible_hours": rounded(self.possible_hours, 1),
            "absence_pct": _ZERO_2 if self.possible_hours else None,
            "absence_days": _ZERO_1,
            "days_per_fte": _ZERO_2 if self.fte else None,
        }

    def published(self, absence: Figures | None) -> dict:
        """The published figures of the group of this population with ``absence``."""
        figures = dict(self.none)
        if absence is None:
            return figures
        figures["people"] = absence.people
        figures["spells"] = absence.spells
        figures["calendar_days"] = absence.calendar_days
        if absence.absence_weekday_hours:
            # ``rounded`` of Decimals, written out: this runs for every unit and type.
            absence_hours = absence.absence_weekday_hours / 5
            absence_days = absence_hours / FULL_TIME_DAY_HOURS
            figures["absence_hours"] = absence_hours.quantize(_ONE_PLACE)
            figures["absence_days"] = absence_days.quantize(_ONE_PLACE)
            if self.possible_hours:
                figures["absence_pct"] = (absence_hours / self.possible_hours * 100).quantize(_TWO_PLACES)
            if self.fte:
                figures["days_per_fte"] = (absence_days / self.fte).quantize(_TWO_PLACES)
        return figures


def published(pop: Figures, absence: Figures | None, window_working_days: int) -> dict:
    """The published figures of one group from its raw sums (hours are weekday-count × weekly hours)."""
    return Population(pop, window_working_days).published(absence)


def compute_sums(
    organization: Organization,
    periods: list[Period],
    unit: OrgUnit | None,
    policy: AdvisoryPolicy,
    *,
    types: list[str] | None = None,
    spells: bool = True,
    months: bool = False,
    units: list[OrgUnit] | None = None,
    group_depth: int | None = None,
    people_types: list[str] | None = None,
):
    """Raw sums per (period, unit of the scope incl. its subtree) and per (period, unit, type); with
    ``people_types`` also per (period, unit, ``ALL_TYPES``): the people with absence of any of them.
    ``units``: those of the scope ordered by path, when the caller has them already. ``group_depth``:
    only the units down to that depth are wanted; the database sums deeper ones into their ancestor
    there (the sums of deeper units are then missing)."""
    calendar = WorkCalendar.for_policy(policy)
    days = WorkingDays(calendar, min(p.start for p in periods), max(p.end for p in periods))
    units = units_in_scope(organization, unit) if units is None else units
    paths = {u.path: u.id for u in units}
    unit_ids = [u.id for u in units] if unit is not None else None
    group_of = None
    if group_depth is not None:
        cut = OrgUnit.steplen * group_depth
        group_of = {u.id: paths.get(u.path[:cut], u.id) if u.depth > group_depth else u.id for u in units}
    # Each row is added to its own unit's figures; then each unit's to its nearest ancestor's, deepest
    # units first (an employee is in one unit: the people of the units below add up to the ancestor's).
    own_population: dict[int, dict] = {u.id: {} for u in units}
    for idx, unit_id, count, weekday_hours in population_rows(
        days, organization, periods, unit_ids, group_of
    ):
        own = own_population.get(unit_id)
        if own is None:
            continue
        figures = own.get(idx)
        if figures is None:
            figures = own[idx] = Figures()
        figures.employees += int(count)
        figures.weekday_hours += Decimal(str(weekday_hours or 0))
    own_absence: dict[int, dict] = {u.id: {} for u in units}
    for idx, unit_id, code, count, calendar_days, hours, people in absence_rows(
        days,
        organization,
        periods,
        unit_ids,
        types=types,
        spells=spells,
        months=months,
        group_of=group_of,
        people_types=people_types,
    ):
        own = own_absence.get(unit_id)
        if own is None:
            continue
        figures = own.get((idx, code))
        if figures is None:
            figures = own[idx, code] = Figures()
        figures.people += int(people)
        figures.spells += int(count)
        figures.calendar_days += int(calendar_days)
        figures.absence_weekday_hours += hours if isinstance(hours, Decimal) else Decimal(str(hours or 0))
    parents = _nearest_ancestors(units)
    population: dict[tuple[int, int], Figures] = defaultdict(Figures)
    for unit_id, own in _figures_totals(parents, own_population).items():
        for idx, figures in own.items():
            population[idx, unit_id] = figures
    absence: dict[tuple[int, int, str], Figures] = defaultdict(Figures)
    for unit_id, own in _figures_totals(parents, own_absence).items():
        for (idx, code), figures in own.items():
            absence[idx, unit_id, code] = figures
    working_days = {p.index: calendar.working_days(p.start, p.end) for p in periods}
    return units, population, absence, working_days, calendar


@dataclass
class Sums:
    """The raw sums of one window, rolled up per unit (its whole subtree): what the published figures of
    the window are made from, live or frozen by the retention job (``StatisticsSnapshot``)."""

    working_days: int
    population: dict[int, Figures]  # unit id -> employees and weekday hours
    # (unit id, type) -> people, spells, days, weekday hours of absence; (unit id, ALL_TYPES) -> the
    # people with absence of any of ``people_types``
    absence: dict[tuple[int, str], Figures]
    bradford: dict[tuple[int, int], int]  # (unit id, band from 1) -> employees
    bands: list[int]  # the Bradford band limits the counts are for
    people_types: list[str]  # the types counting for the percentage when the sums were made


def year_sums(
    organization: Organization,
    as_of: date,
    policy: AdvisoryPolicy,
    *,
    unit: OrgUnit | None = None,
    units: list[OrgUnit] | None = None,
    with_sums: Callable[[list[OrgUnit], Sums], Any] | None = None,
    beside: Callable[[], Any] | None = None,
) -> tuple[list[OrgUnit], Sums, Any, Any]:
    """The units of the scope and their sums over the rolling year up to ``as_of``, from the rows.

    The year's absence, Bradford and ``beside()`` (another read) are read at the same time
    (``in_parallel``), each on a connection of its own. ``with_sums(units, sums)`` runs in the year's
    lane as soon as its sums are there, while the others may still be read; Bradford's counts are not
    in them yet (they are added to ``sums`` before this returns). Returns the units, the sums, and
    what ``with_sums`` and ``beside`` returned (None where not given)."""
    counting = sorted(policy.types_for("percentage"))
    calendar = WorkCalendar.for_policy(policy)

    def year() -> tuple[list[OrgUnit], Sums, Any]:
        year_units, population, absence, working_days, _calendar = compute_sums(
            organization, [rolling_year(as_of)], unit, policy, units=scope, people_types=counting
        )
        sums = Sums(
            working_days=working_days[0],
            population={unit_id: figures for (_idx, unit_id), figures in population.items()},
            absence={(unit_id, code): figures for (_idx, unit_id, code), figures in absence.items()},
            bradford={},
            bands=list(policy.bradford_bands),
            people_types=counting,
        )
        return year_units, sums, with_sums(year_units, sums) if with_sums is not None else None

    def bradford() -> list:
        return bradford_rows(
            WorkingDays(calendar, *bradford_window(as_of)), organization, as_of, policy, unit_ids
        )

    with reporting_transaction():
        scope = units_in_scope(organization, unit) if units is None else units
        unit_ids = [u.id for u in scope] if unit is not None else None
        (units, sums, made), rows, *besides = in_parallel(year, bradford, *([beside] if beside else []))
        also = besides[0] if besides else None
    totals = tree_totals(units, ((unit_id, int(band), int(count)) for unit_id, band, count in rows))
    sums.bradford.update({(unit_id, band): n for unit_id, own in totals.items() for band, n in own.items()})
    return units, sums, made, also
