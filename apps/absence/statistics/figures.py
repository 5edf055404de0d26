"""The figures the pages, the CSV export, the command and the annual report show: per unit and absence
type over the rolling year (``unit_statistics``), month by month for the chart (``monthly_series``),
and both for the statistics page at once (``page_figures``); cached, suppressed, and read from the
frozen sums where retention has deleted the rows."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Literal

from django.conf import settings

from apps.organizations.models import Organization, OrgUnit

from ..models import AbsenceType, AdvisoryPolicy
from ..selectors import policy_for
from ..spells import WorkCalendar
from .cache import cached, exempt_key
from .frozen import effective_as_of, frozen_months, frozen_year, raw_data_from
from .periods import last_months, rolling_year
from .queries import (
    ALL_TYPES,
    PACK_BITS,
    absence_rows,
    in_parallel,
    population_rows,
    reporting_transaction,
)
from .sums import (
    Figures,
    Population,
    Sums,
    band_labels,
    compute_sums,
    published,
    tree_totals,
    units_in_scope,
    year_sums,
)
from .suppression import MonthPeople, months_to_hide, period_cells, suppress_small_groups
from .workdays import WorkingDays

TYPE_CODES: list[str] = list(AbsenceType.values)


def unit_statistics(
    organization: Organization,
    as_of: date,
    *,
    unit: OrgUnit | None = None,
    suppress: bool = True,
    exempt_unit_ids: set[int] | None = None,
) -> dict:
    """``_unit_statistics``, cached per organisation statistics version, ``as_of``, unit and suppression."""
    return cached(
        "units",
        organization,
        lambda: _unit_statistics(
            organization, as_of, unit=unit, suppress=suppress, exempt_unit_ids=exempt_unit_ids
        ),
        as_of,
        unit.pk if unit is not None else "",
        suppress,
        exempt_key(exempt_unit_ids) if suppress else "",
        settings.ABSENCE_MIN_GROUP_SIZE,
    )


def _unit_statistics(
    organization: Organization,
    as_of: date,
    *,
    unit: OrgUnit | None = None,
    suppress: bool = True,
    exempt_unit_ids: set[int] | None = None,
    policy: AdvisoryPolicy | None = None,
    units: list[OrgUnit] | None = None,
    frozen_from: date | None | Literal["ask"] = "ask",
) -> dict:
    """Figures per unit (its whole subtree) and absence type over the 12 months up to ``as_of``.

    Plain data for the page, the CSV export, the command and the annual report::

        {"as_of", "requested_as_of", "window_start", "window_end", "min_group_size", "band_labels": [...],
         "units": [{"unit_id", "parent_id", "code", "name", "depth", "suppressed",
                    "employees", "fte", "possible_hours",
                    "types": [{"absence_type", "label", "counts_for_percentage", "suppressed",
                               "employees", "fte", "people", "spells", "calendar_days",
                               "absence_hours", "possible_hours", "absence_pct", "absence_days",
                               "days_per_fte"}, ...],
                    "total": {... the same, over the types that count for the percentage; its
                              people had absence of any of them},
                    "bradford": {"suppressed", "employees", "bands": [count or None, ...]}}, ...]}

    ``as_of`` is the day asked for (``requested_as_of``) unless retention has deleted rows of that
    window and the day is no month end: then the month end before it (see ``frozen_year``).

    ``people`` is the number of distinct employees the figures of a type (or the total) describe:
    internal, for suppression; never published (it is None where the figures are hidden).

    ``unit``: only that unit and the units below it. ``suppress``: figures describing fewer than
    ``settings.ABSENCE_MIN_GROUP_SIZE`` employees are None and the group is marked ``suppressed``
    (see ``suppress_small_groups``), except in the units of ``exempt_unit_ids``.
    """
    if unit is not None and suppress:
        return _part_of_whole(organization, as_of, unit, exempt_unit_ids, units)
    policy = policy or policy_for(organization)
    counting = set(policy.types_for("percentage"))
    if isinstance(frozen_from, str):  # "ask"
        frozen_from = raw_data_from(organization.pk)
    requested = as_of
    exempt = exempt_unit_ids or set()
    with reporting_transaction():
        frozen = frozen_year(organization, as_of, frozen_from, sorted(counting))
        scope = units_in_scope(organization, unit) if units is None else units
        # What the neighbouring periods would give away (suppression) is read at the same time.
        periods_needed = suppress and any(u.id not in exempt for u in scope)
        if frozen is None:
            # The rows are made while the neighbouring periods are still read (after Bradford).
            units, sums, rows, also_hide = year_sums(
                organization,
                as_of,
                policy,
                unit=unit,
                units=scope,
                with_sums=lambda year_units, year: _unit_rows(year_units, year, counting),
                beside=(
                    (lambda: _period_cells(organization, as_of, policy, scope, exempt, frozen_from))
                    if periods_needed
                    else None
                ),
            )
            _add_bradford(units, rows, sums)
            also_hide = also_hide or set()
        else:  # the window begins before the individual rows still kept (retention)
            as_of, sums = frozen
            units, rows, also_hide = scope, _unit_rows(scope, sums, counting), set()
            _add_bradford(units, rows, sums)
            if periods_needed:
                also_hide = _period_cells(organization, as_of, policy, scope, exempt, frozen_from)
    window = rolling_year(as_of)
    result = {
        "as_of": as_of,
        "requested_as_of": requested,
        "window_start": window.start,
        "window_end": window.end,
        "working_days": sums.working_days,
        "min_group_size": settings.ABSENCE_MIN_GROUP_SIZE,
        "band_labels": band_labels(sums.bands),
        "units": rows,
    }
    if suppress:
        suppress_small_groups(result, exempt_unit_ids=exempt, also_hide=also_hide)
    return result


def _unit_rows(units: list[OrgUnit], sums: Sums, counting: set[str]) -> list[dict]:
    """The rows of ``_unit_statistics`` (see there), none hidden yet."""
    paths = {u.path: u.id for u in units}
    labels = dict(AbsenceType.choices)
    base_depth = units[0].depth if units else 1
    rows = []
    for u in units:
        pop = sums.population.get(u.id, Figures())
        population = Population(pop, sums.working_days)
        types = []
        total = Figures()
        for code in TYPE_CODES:
            raw = sums.absence.get((u.id, code))
            figures = population.published(raw)
            types.append(
                {
                    "absence_type": code,
                    "label": labels[code],
                    "counts_for_percentage": code in counting,
                    "suppressed": False,
                    **figures,
                }
            )
            if raw is not None and code in counting:
                total.spells += raw.spells
                total.calendar_days += raw.calendar_days
                total.absence_weekday_hours += raw.absence_weekday_hours
        all_types = sums.absence.get((u.id, ALL_TYPES))
        total.people = all_types.people if all_types is not None else 0
        rows.append(
            {
                "unit_id": u.id,
                "parent_id": paths.get(u.path[: -OrgUnit.steplen]),
                "code": u.code,
                "name": u.name,
                "depth": u.depth - base_depth,
                "suppressed": False,
                "employees": pop.employees,
                "fte": population.none["fte"],
                "possible_hours": population.none["possible_hours"],
                "types": types,
                "total": {"suppressed": False, **population.published(total)},
                "bradford": {"suppressed": False, "employees": pop.employees, "bands": []},
            }
        )
    return rows


def _add_bradford(units: list[OrgUnit], rows: list[dict], sums: Sums) -> None:
    """The Bradford bands of the rows of ``_unit_rows`` (the order of ``units``), from ``sums``."""
    bands = range(1, len(band_labels(sums.bands)))
    for u, row in zip(units, rows, strict=True):
        counts = [sums.bradford.get((u.id, band), 0) for band in bands]
        employees = row["bradford"]["employees"]
        row["bradford"]["bands"] = [max(employees - sum(counts), 0), *counts]


def _period_cells(
    organization: Organization,
    as_of: date,
    policy: AdvisoryPolicy,
    units: list[OrgUnit],
    exempt: set[int],
    frozen_from: date | None,
) -> set[tuple]:
    """The cells of the rolling year up to ``as_of`` that the neighbouring periods would give away
    (``period_cells`` over the 24 calendar months up to ``as_of``, for every unit and type). Months
    that begin before ``frozen_from`` (retention deleted rows of them) have their counts frozen."""
    periods = last_months(as_of, 24)
    counting = sorted(policy.types_for("percentage"))
    frozen = frozen_months(organization, periods, frozen_from, counting)
    live = [p for p in periods if p.index not in frozen]
    # Only the counts are wanted: summed up the tree as plain integers. ``period_cells`` looks at the
    # chart points of the year's months only (the last 12): their employees and hidden points.
    year_months = periods[12:]
    employees: dict[tuple[int, int], int] = {}
    people = MonthPeople()
    if live:
        days = WorkingDays(WorkCalendar.for_policy(policy), live[0].start, live[-1].end)
        live_year = [p for p in live if p.index >= year_months[0].index]
        population = population_rows(days, organization, live_year, None) if live_year else []
        totals = tree_totals(units, ((unit_id, idx, int(n)) for idx, unit_id, n, _hours in population))
        employees = {(idx, unit_id): n for unit_id, own in totals.items() for idx, n in own.items()}
        if any(n >> PACK_BITS for n in employees.values()):  # people are employees: theirs fit too
            raise ValueError(f"more employees than {PACK_BITS}-bit counts of people hold")
        # The people of each unit and type in all 24 months as one integer (``MonthPeople``).
        rows = absence_rows(
            days, organization, live, None, spells=False, months=True, people_types=counting, packed=True
        )
        people.packed = {
            (unit_id, code): packed
            for unit_id, own in tree_totals(units, rows).items()
            for code, packed in own.items()
        }
    for index, sums in frozen.items():  # rolled up already
        for unit_id, figures in sums.population.items():
            employees[(index, unit_id)] = figures.employees
        for (unit_id, code), figures in sums.absence.items():
            people.add(index, unit_id, code, figures.people)
    hidden_months = months_to_hide(units, year_months, employees, people, exempt)
    return period_cells(people, hidden_months, [u.id for u in units if u.id not in exempt])


def _part_of_whole(
    organization: Organization,
    as_of: date,
    unit: OrgUnit,
    exempt_unit_ids: set[int] | None,
    units: list[OrgUnit] | None,
) -> dict:
    """The figures of ``unit`` and the units below it, suppressed as in the whole organisation's.

    Suppression is decided over the whole organisation: decided over the subtree alone, a unit's page
    could show a figure that its parent's page hides to protect a sibling, and the two pages together
    would give the hidden figure away.
    """
    whole = unit_statistics(organization, as_of, exempt_unit_ids=exempt_unit_ids)
    if units is None:
        units = list(OrgUnit.objects.filter(organization=organization, path__startswith=unit.path))
    depth = {u.id: u.depth - unit.depth for u in units if u.path.startswith(unit.path)}
    # New dicts for what changes (depth, the top's parent); the figures are shared, never changed.
    rows = [
        {
            **row,
            "depth": depth[row["unit_id"]],
            "parent_id": None if row["unit_id"] == unit.pk else row["parent_id"],
        }
        for row in whole["units"]
        if row["unit_id"] in depth
    ]
    return {**whole, "units": rows}


def monthly_series(
    organization: Organization,
    as_of: date,
    *,
    unit: OrgUnit | None = None,
    months: int = 24,
    suppress: bool = True,
    exempt_unit_ids: set[int] | None = None,
) -> list[dict]:
    """``_monthly_series``, cached like ``unit_statistics``."""
    return cached(
        "months",
        organization,
        lambda: _monthly_series(
            organization, as_of, unit=unit, months=months, suppress=suppress, exempt_unit_ids=exempt_unit_ids
        ),
        as_of,
        unit.pk if unit is not None else "",
        months,
        suppress,
        exempt_key(exempt_unit_ids) if suppress else "",
        settings.ABSENCE_MIN_GROUP_SIZE,
    )


def page_figures(
    organization: Organization,
    as_of: date,
    *,
    unit: OrgUnit | None = None,
    exempt_unit_ids: set[int] | None = None,
    org_units: Callable[[], list[OrgUnit]] | None = None,
) -> tuple[dict, list[dict]]:
    """``unit_statistics`` (of ``unit`` and the units directly below it only) and ``monthly_series`` of
    the statistics page: one small cache entry, and on a miss one reporting transaction reading the
    policy and the units once, the two parts read at the same time (``in_parallel``). ``org_units``:
    gives the organisation's units ordered by path, when the caller has them (called on a miss only)."""

    def compute() -> tuple[dict, list[dict]]:
        policy = policy_for(organization)
        # On a miss only: a warm page needs none of the units as model instances.
        all_units = org_units() if org_units is not None else units_in_scope(organization, None)
        units = [u for u in all_units if unit is None or u.path.startswith(unit.path)]
        with reporting_transaction():
            frozen_from = raw_data_from(organization.pk)
            shared: dict[str, Any] = {
                "unit": unit,
                "exempt_unit_ids": exempt_unit_ids,
                "policy": policy,
                "units": units,
                "frozen_from": frozen_from,
            }
            stats, charts = in_parallel(
                lambda: _unit_statistics(organization, as_of, **shared),
                lambda: _monthly_series(organization, as_of, org_units=all_units, **shared),
            )
        # The page shows the unit and the units directly below (suppression needed all of them).
        stats["units"] = [row for row in stats["units"] if row["depth"] <= 1]
        return stats, charts

    return cached(
        "page",
        organization,
        compute,
        as_of,
        unit.pk if unit is not None else "",
        exempt_key(exempt_unit_ids),
        settings.ABSENCE_MIN_GROUP_SIZE,
    )


def _monthly_series(
    organization: Organization,
    as_of: date,
    *,
    unit: OrgUnit | None = None,
    months: int = 24,
    suppress: bool = True,
    exempt_unit_ids: set[int] | None = None,
    policy: AdvisoryPolicy | None = None,
    units: list[OrgUnit] | None = None,
    org_units: list[OrgUnit] | None = None,
    frozen_from: date | None | Literal["ask"] = "ask",
) -> list[dict]:
    """Month by month for the last ``months`` months: the absence percentage and absence days (in
    full-time days) of the types that count for the percentage, per chart unit. ``units``: those of
    the scope, ``org_units``: all of the organisation, ordered by path, when the caller has them.

    Chart units are ``unit`` (or the organisation's top units) and the units directly below. Returns
    ``[{"unit_id", "code", "name", "months": [{"month", "employees", "suppressed", "absence_pct",
    "absence_days"}, ...]}, ...]``. A month whose figures describe fewer than
    ``settings.ABSENCE_MIN_GROUP_SIZE`` people (those with absence of a counting type that month, or
    the employees when none had any) is suppressed unless the unit is in ``exempt_unit_ids``.
    """
    policy = policy or policy_for(organization)
    as_of, frozen_from = effective_as_of(organization, as_of, frozen_from)
    periods = last_months(as_of, months)
    counting = set(policy.types_for("percentage"))
    top_depth = unit.depth if unit is not None else 1
    exempt = exempt_unit_ids or set()
    if suppress:
        if org_units is None:
            org_units = list(OrgUnit.objects.filter(organization=organization).order_by("path"))
        # Which months to hide is decided over the whole organisation (as ``_part_of_whole`` does for
        # the year): decided per page, a unit's page could show a month its parent's page hides to
        # protect a sibling. Nothing to decide for a viewer who may see every unit in full.
        suppress = any(u.id not in exempt for u in org_units)
        if suppress:
            units = org_units
    # Months that begin before the individual rows still kept (retention) come frozen, whole months,
    # with every unit's sums and people (what suppression decides by).
    frozen = frozen_months(organization, periods, frozen_from, sorted(counting))
    live = [p for p in periods if p.index not in frozen]
    population: dict[tuple[int, int], Figures] = {}
    absence: dict[tuple[int, int, str], Figures] = {}
    working_days: dict[int, int] = {}
    if live:
        with reporting_transaction():
            units, population, absence, working_days, _calendar = compute_sums(
                organization,
                live,
                None if suppress else unit,
                policy,
                types=sorted(counting),
                spells=False,
                months=True,
                units=units,
                # Without suppression only the chart units are wanted: the top units and those right below.
                group_depth=None if suppress else top_depth + 1,
                people_types=sorted(counting),
            )
    elif units is None:
        units = units_in_scope(organization, unit)
    for index, sums in frozen.items():
        population.update(((index, unit_id), figures) for unit_id, figures in sums.population.items())
        absence.update(((index, unit_id, code), figures) for (unit_id, code), figures in sums.absence.items())
        working_days[index] = sums.working_days
    hidden: set[tuple[int, int]] = set()
    if suppress:
        employees = {key: figures.employees for key, figures in population.items()}
        people = {key: figures.people for key, figures in absence.items()}
        hidden = months_to_hide(units, periods, employees, people, exempt)
    chart_units = [
        u
        for u in units
        if u.depth in (top_depth, top_depth + 1) and (unit is None or u.path.startswith(unit.path))
    ]
    charts = []
    for chart_unit in chart_units:
        series = []
        for p in periods:
            pop = population.get((p.index, chart_unit.pk), Figures())
            total = Figures()
            for code in counting:
                raw = absence.get((p.index, chart_unit.pk, code))
                if raw:
                    total.absence_weekday_hours += raw.absence_weekday_hours
            figures = published(pop, total, working_days[p.index])
            suppressed = (p.index, chart_unit.pk) in hidden
            series.append(
                {
                    "month": p.start,
                    "employees": pop.employees,
                    "suppressed": suppressed,
                    "absence_pct": None if suppressed else figures["absence_pct"],
                    "absence_days": None if suppressed else figures["absence_days"],
                }
            )
        charts.append(
            {
                "unit_id": chart_unit.pk,
                "path": chart_unit.path,
                "code": chart_unit.code,
                "name": chart_unit.name,
                "months": series,
            }
        )
    for chart in charts:
        del chart["path"]
    return charts
