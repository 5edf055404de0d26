"""Figures frozen by the retention job.

Before the retention job deletes individual rows, it freezes the sums of every period the deletion
would change (``snapshots_to_freeze``): the rolling year up to every month end and every calendar
month whose window begins before the new cut-off. A window that begins before the organisation's
``raw_data_from`` is then read from those sums and published by the same code as live sums, so every
figure stays as it was. A rolling year up to a day that is no month end there is shown up to the
nearest earlier month end instead (the result's ``as_of`` then differs from ``requested_as_of``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from apps.organizations.models import Organization

from ..models import Employee, StatisticsSnapshot
from ..selectors import policy_for
from ..spells import add_months
from .periods import Period, last_day_of_month, rolling_year
from .queries import ALL_TYPES, reporting_transaction, rollup_state
from .sums import Figures, Sums, compute_sums, units_in_scope, year_sums

YEAR, MONTH = StatisticsSnapshot.Kind.YEAR, StatisticsSnapshot.Kind.MONTH


def raw_data_from(organization_id: int) -> date | None:
    """The first day the individual rows are complete from: the retention job deleted the rows that
    ended earlier (None: it never deleted any)."""
    return rollup_state(organization_id)[0]


def _is_frozen(as_of: date, frozen_from: date | None) -> bool:
    return frozen_from is not None and rolling_year(as_of).start < frozen_from


def frozen_year(
    organization: Organization, as_of: date, frozen_from: date | None | Literal["ask"], counting: list[str]
) -> tuple[date, Sums] | None:
    """(month end, frozen sums) for a rolling year up to ``as_of`` that begins before the rows still
    kept (``frozen_from``, the organisation's ``raw_data_from``; "ask": look it up): ``as_of`` itself
    when it is a month end, else the nearest earlier one. None when the rows are complete for the
    window, or when nothing was frozen that early (no deleted row was in it). ``counting``: the types
    that count for the percentage now (see ``_sums_from_json``)."""
    if isinstance(frozen_from, str):  # "ask"
        frozen_from = raw_data_from(organization.pk)
    if not _is_frozen(as_of, frozen_from):
        return None
    snapshot = (
        StatisticsSnapshot.objects.filter(organization=organization, kind=YEAR, period__lte=as_of)
        .order_by("-period")
        .only("period", "figures")
        .first()
    )
    return None if snapshot is None else (snapshot.period, _sums_from_json(snapshot.figures, counting))


def effective_as_of(
    organization: Organization, as_of: date, frozen_from: date | None | Literal["ask"]
) -> tuple[date, date | None]:
    """(the day the figures for ``as_of`` are given up to - see ``frozen_year`` -, ``raw_data_from``)."""
    if isinstance(frozen_from, str):  # "ask"
        frozen_from = raw_data_from(organization.pk)
    if not _is_frozen(as_of, frozen_from):
        return as_of, frozen_from
    period = (
        StatisticsSnapshot.objects.filter(organization=organization, kind=YEAR, period__lte=as_of)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return period or as_of, frozen_from


def frozen_months(
    organization: Organization, periods: list[Period], frozen_from: date | None, counting: list[str]
) -> dict[int, Sums]:
    """Frozen sums of the months among ``periods`` that begin before ``frozen_from``, by period index.
    A month without a snapshot there held no deleted row (the frozen months run without a gap up to
    the cut-off from the first one a deletion changed): its rows are all there."""
    old = [p for p in periods if frozen_from is not None and p.start < frozen_from]
    if not old:
        return {}
    stored = dict(
        StatisticsSnapshot.objects.filter(
            organization=organization, kind=MONTH, period__in=[p.start for p in old]
        ).values_list("period", "figures")
    )
    return {p.index: _sums_from_json(stored[p.start], counting) for p in old if p.start in stored}


def _sums_to_json(sums: Sums) -> dict:
    """Aggregates only; Decimals as strings, so that they come back exactly (the same digits).

    Per unit and type (and ``ALL_TYPES``) also the number of distinct people the figures describe:
    what suppression decides by, so that the figures read back are hidden as they were. Counts per
    unit only, never who they are."""
    absence: dict[str, dict] = defaultdict(dict)
    for (unit_id, code), figures in sums.absence.items():
        absence[str(unit_id)][code] = [
            figures.spells,
            figures.calendar_days,
            str(figures.absence_weekday_hours),
            figures.people,
        ]
    bradford: dict[str, dict] = defaultdict(dict)
    for (unit_id, band), count in sums.bradford.items():
        bradford[str(unit_id)][str(band)] = count
    return {
        "working_days": sums.working_days,
        "bands": list(sums.bands),
        "population": {
            str(unit_id): [figures.employees, str(figures.weekday_hours)]
            for unit_id, figures in sums.population.items()
        },
        "absence": absence,
        "bradford": bradford,
        "people_types": list(sums.people_types),
    }


def _sums_from_json(data: dict, counting: list[str]) -> Sums:
    """The sums frozen by ``_sums_to_json``. ``counting``: the types that count for the percentage now.
    When they are not those the snapshot counted the people of any of (``ALL_TYPES``) for, those people
    are unknown: the most people of one of the types stand in, never more than were (suppression then
    hides at least what the exact count would)."""
    population = {}
    for unit_id, (employees, weekday_hours) in data["population"].items():
        figures = population[int(unit_id)] = Figures()
        figures.employees, figures.weekday_hours = employees, Decimal(weekday_hours)
    absence = {}
    for unit_id, types in data["absence"].items():
        for code, (spells, calendar_days, hours, people) in types.items():
            figures = absence[(int(unit_id), code)] = Figures()
            figures.spells, figures.calendar_days = spells, calendar_days
            figures.absence_weekday_hours = Decimal(hours)
            figures.people = people
    if sorted(data["people_types"]) != sorted(counting):
        for unit_id in {unit_id for unit_id, _code in absence}:
            figures = absence.setdefault((unit_id, ALL_TYPES), Figures())
            people = [absence[(unit_id, code)].people for code in counting if (unit_id, code) in absence]
            figures.people = max(people, default=0)
    bradford = {
        (int(unit_id), int(band)): count
        for unit_id, bands in data["bradford"].items()
        for band, count in bands.items()
    }
    return Sums(data["working_days"], population, absence, bradford, data["bands"], list(counting))


def anyone_employed_by(organization: Organization, as_of: date) -> bool:
    """Whether anyone had started in the organisation by ``as_of``, also when retention has deleted
    them since (a frozen month end knows how many had)."""
    if _is_frozen(as_of, raw_data_from(organization.pk)):
        started = (
            StatisticsSnapshot.objects.filter(organization=organization, kind=YEAR, period=as_of)
            .values_list("figures__employees_started", flat=True)
            .first()
        )
        if started is not None:
            return started > 0
    return Employee.objects.filter(organization=organization, employment_start__lte=as_of).exists()


def snapshots_to_freeze(
    organization: Organization, cutoff: date, first: date | None
) -> list[StatisticsSnapshot]:
    """Unsaved snapshots of the periods that deleting the rows ending before ``cutoff`` (and the
    employees who left before it) would change and that are not frozen yet, computed from the rows.

    ``first``: the first day a row about to be deleted covers (None: none is). The periods are those
    that begin before ``cutoff`` and end on or after ``first`` or the first day an earlier run froze:
    the rolling years up to every month end (from the one before, which holds no deleted row, so that
    an earlier day has a month end to fall back to) and the calendar months. Earlier periods do not
    change. Periods frozen by an earlier run stay as they are: their rows may be gone already.
    """
    frozen = set(StatisticsSnapshot.objects.filter(organization=organization).values_list("kind", "period"))
    earliest = min((period for kind, period in frozen if kind == YEAR), default=None)
    starts = [day for day in (first, earliest and earliest + timedelta(days=1)) if day is not None]
    if not starts:
        return []
    since = min(starts).replace(day=1)
    policy = policy_for(organization)
    counting = sorted(policy.types_for("percentage"))
    units = units_in_scope(organization, None)
    # How many had started by a month end (the annual report has no section without anyone).
    starts_sorted = sorted(
        Employee.objects.filter(organization=organization).values_list("employment_start", flat=True)
    )
    snapshots = []
    month_end = since - timedelta(days=1)
    while rolling_year(month_end).start < cutoff:
        if (YEAR, month_end) not in frozen:
            _units, sums, _made, _also = year_sums(organization, month_end, policy, units=units)
            started = bisect_right(starts_sorted, month_end)
            snapshots.append(
                StatisticsSnapshot(
                    organization=organization,
                    kind=YEAR,
                    period=month_end,
                    figures={**_sums_to_json(sums), "employees_started": started},
                )
            )
        month_end = last_day_of_month(month_end + timedelta(days=1))
    months: list[Period] = []
    month = since
    while month < cutoff:
        if (MONTH, month) not in frozen:
            months.append(Period(len(months), month, last_day_of_month(month)))
        month = add_months(month, 1)
    for chunk in range(0, len(months), 24):
        periods = months[chunk : chunk + 24]
        with reporting_transaction(replica=False):  # what retention freezes: the primary's rows
            _units, population, absence, working_days, _calendar = compute_sums(
                organization,
                periods,
                None,
                policy,
                spells=False,
                months=True,
                units=units,
                people_types=counting,
            )
        for p in periods:
            sums = Sums(
                working_days=working_days[p.index],
                population={u: f for (idx, u), f in population.items() if idx == p.index},
                absence={(u, code): f for (idx, u, code), f in absence.items() if idx == p.index},
                bradford={},
                bands=list(policy.bradford_bands),
                people_types=counting,
            )
            snapshots.append(
                StatisticsSnapshot(
                    organization=organization, kind=MONTH, period=p.start, figures=_sums_to_json(sums)
                )
            )
    return snapshots
