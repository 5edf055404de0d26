"""The whole country's absence figures: every organisation with employees over the rolling year, each by
its own policy (the types counting for the percentage, its calendar), and their sum.

For the platform's operator (``manage.py absence_stats --country``): no role of an organisation may
see another organisation's figures, so there is no page for them. The figures are of the 12 whole
months up to the last month end on or before the day asked for (``periods.whole_months_as_of``), as
national absence statistics are given, and as figures are given to anyone who may not see individual
data (a day's figures less the day before's would give away that day's absence). The distinct people
behind a figure are not read: they decide suppression, and nothing here is suppressed or published
about so few people that it would be (an organisation's figures describe all its employees).

Read as the whole-organisation figures are (``figures._unit_statistics``: the same queries, the same
rollups), but for many organisations at once. Those sharing a policy's counting types and calendar,
and unit rollups made for it (or none), are one group read by one set of queries
(``queries.Organizations``) that sum the rows per organisation (``BY_ORGANIZATION``): the cost grows
with the rows read, not with the number of organisations. An organisation whose rolling year begins
before the individual rows still kept (retention) gives its frozen figures, as its own page does.
An organisation's figures are those of all its units together (the sum of its top units' rows of
``_unit_statistics``, without suppression); an employee is in one organisation, so the country's
people, spells, days and hours are the organisations' added up, and so are its possible hours and FTE
(each organisation's FTE over its own calendar's working days).

Population and absence are read at the same time (``queries.in_parallel``), each on a connection of its
own in one snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef

from apps.organizations.models import Organization, OrgUnit

from ..models import AbsenceType, AdvisoryPolicy, Employee, StatisticsVersion
from ..spells import WorkCalendar
from ..unit_rollups import policy_key
from .frozen import _is_frozen, frozen_year
from .periods import rolling_year, whole_months_as_of
from .queries import (
    ALL_TYPES,
    BY_ORGANIZATION,
    Organizations,
    absence_rows,
    in_parallel,
    population_rows,
    reporting_transaction,
)
from .sums import Figures, Population, Sums, rounded
from .workdays import WorkingDays

TYPE_CODES: list[str] = list(AbsenceType.values)


class _Combined(Population):
    """The population of several organisations: their employees, possible hours and FTE added up (each
    organisation's FTE counts its own calendar's working days)."""

    def __init__(self, employees: int, possible_hours: Decimal, fte: Decimal) -> None:
        pop = Figures()
        pop.employees = employees
        pop.weekday_hours = possible_hours * 5
        super().__init__(pop, 1)
        self.fte = fte
        self.none["fte"] = rounded(fte, 2)
        self.none["days_per_fte"] = rounded(Decimal(0), 2) if fte else None


class _OrgSums:
    """One organisation's raw sums over its rolling year."""

    __slots__ = ("organization", "as_of", "counting", "population", "absence", "working_days")

    def __init__(self, organization: Organization, as_of: date, counting: list[str], working_days: int):
        self.organization = organization
        self.as_of = as_of
        self.counting = counting
        self.working_days = working_days
        self.population = Figures()
        self.absence: dict[str, Figures] = defaultdict(Figures)

    def fte(self) -> Decimal:
        return Population(self.population, self.working_days).fte


def employing_organizations() -> list[Organization]:
    """The organisations with employees (the unions have none), by name."""
    return list(
        Organization.objects.filter(Exists(Employee.objects.filter(organization=OuterRef("pk"))))
        .order_by("name", "pk")
        .only("pk", "slug", "name")
    )


def country_statistics(requested: date) -> dict:
    """The figures of every organisation with employees over the 12 whole months up to ``requested``
    (``as_of``: its month end, or the one before), and the country's::

        {"as_of", "requested_as_of", "window_start", "window_end",
         "organizations": [{"organization_id", "slug", "name", "as_of", "employees", "fte",
                            "possible_hours", "types": [...], "total": {...}}, ...],
         "country": {"employees", "fte", "possible_hours", "types": [...], "total": {...}}}

    ``types`` and ``total`` as in ``figures._unit_statistics``, without ``people`` and ``suppressed``.
    An organisation's ``as_of`` is an earlier month end where retention has deleted rows of the window
    (its frozen figures); ``total`` is over the types its own policy counts for the percentage, and the
    country's ``total`` adds those up."""
    as_of = whole_months_as_of(requested)
    organizations = employing_organizations()
    window = rolling_year(as_of)
    policies = {p.organization_id: p for p in AdvisoryPolicy.objects.filter(organization__in=organizations)}
    results: list[_OrgSums] = []
    with reporting_transaction():
        versions = {
            org_id: (raw_from, units)
            for org_id, raw_from, units in StatisticsVersion.objects.filter(
                organization__in=organizations
            ).values_list("organization_id", "raw_data_from", "unit_rollups")
        }
        groups: dict[tuple[str, str], list[Organization]] = defaultdict(list)
        group_policy: dict[tuple[str, str], AdvisoryPolicy] = {}
        for org in organizations:
            policy = policies.get(org.pk) or AdvisoryPolicy(organization=org)
            raw_from, units_key = versions.get(org.pk, (None, ""))
            counting = policy.types_for("percentage")
            if _is_frozen(as_of, raw_from):
                frozen = frozen_year(org, as_of, raw_from, counting)
                if frozen is not None:
                    results.append(_frozen_sums(org, counting, *frozen))
                    continue
            key = (policy_key(policy), units_key or "")
            groups[key].append(org)
            group_policy[key] = policy
        for key, members in groups.items():
            results.extend(_group_sums(members, group_policy[key], key[1], as_of))
    results.sort(key=lambda r: (r.organization.name, r.organization.pk))
    return {
        "as_of": as_of,
        "requested_as_of": requested,
        "window_start": window.start,
        "window_end": window.end,
        "organizations": [_organization_row(r) for r in results],
        "country": _country_row(results),
    }


def _group_sums(
    members: list[Organization], policy: AdvisoryPolicy, units_key: str, as_of: date
) -> list[_OrgSums]:
    """The sums of organisations sharing ``policy``'s counting types and calendar and ``units_key``."""
    window = rolling_year(as_of)
    counting = policy.types_for("percentage")
    calendar = WorkCalendar.for_policy(policy)
    days = WorkingDays(calendar, window.start, window.end)
    working_days = calendar.working_days(window.start, window.end)
    scope = Organizations([org.pk for org in members], units_key)
    sums = {org.pk: _OrgSums(org, as_of, counting, working_days) for org in members}
    periods = [window]
    population, absence = in_parallel(
        lambda: population_rows(days, scope, periods, None, BY_ORGANIZATION),
        lambda: absence_rows(
            days, scope, periods, None, group_of=BY_ORGANIZATION, people_types=counting, part="sums"
        ),
    )
    for _idx, org_id, count, weekday_hours in population:
        pop = sums[org_id].population
        pop.employees += int(count)
        pop.weekday_hours += Decimal(str(weekday_hours or 0))
    for _idx, org_id, code, spells, calendar_days, hours, _people in absence:
        if code == ALL_TYPES:
            continue
        figures = sums[org_id].absence[code]
        figures.spells += int(spells)
        figures.calendar_days += int(calendar_days)
        figures.absence_weekday_hours += hours if isinstance(hours, Decimal) else Decimal(str(hours or 0))
    return list(sums.values())


def _frozen_sums(organization: Organization, counting: list[str], as_of: date, frozen: Sums) -> _OrgSums:
    """An organisation's sums from its frozen rolling year (its top units' added up)."""
    result = _OrgSums(organization, as_of, counting, frozen.working_days)
    tops = _top_unit_ids(organization)
    for unit_id in tops:
        pop = frozen.population.get(unit_id)
        if pop is not None:
            result.population.add(pop)
    for (unit_id, code), figures in frozen.absence.items():
        if unit_id in tops and code != ALL_TYPES:
            result.absence[code].add(figures)
    return result


def _top_unit_ids(organization: Organization) -> set[int]:
    units = list(OrgUnit.objects.filter(organization=organization).values_list("pk", "path"))
    paths = {path for _pk, path in units}
    return {pk for pk, path in units if not any(path[:cut] in paths for cut in range(1, len(path)))}


def _published(population: Population, absence: Figures | None) -> dict:
    """``Population.published`` without ``people`` (not read here)."""
    figures = population.published(absence)
    del figures["people"]
    return figures


def _figures(population: Population, absence: dict[str, Figures], counting: set[str]) -> tuple[list, dict]:
    """(types, total) as ``figures._unit_rows`` writes them, the total over the ``counting`` types."""
    labels = dict(AbsenceType.choices)
    types, total = [], Figures()
    for code in TYPE_CODES:
        raw = absence.get(code)
        types.append(
            {
                "absence_type": code,
                "label": labels[code],
                "counts_for_percentage": code in counting,
                **_published(population, raw),
            }
        )
        if raw is not None and code in counting:
            total.add(raw)
    return types, _published(population, total)


def _organization_row(sums: _OrgSums) -> dict:
    population = Population(sums.population, sums.working_days)
    types, total = _figures(population, sums.absence, set(sums.counting))
    org = sums.organization
    return {
        "organization_id": org.pk,
        "slug": org.slug,
        "name": org.name,
        "as_of": sums.as_of,
        "employees": sums.population.employees,
        "fte": population.none["fte"],
        "possible_hours": population.none["possible_hours"],
        "types": types,
        "total": total,
    }


def _country_row(results: list[_OrgSums]) -> dict:
    """The organisations' sums added up; the total adds each one's total over its own counting types."""
    employees = sum(r.population.employees for r in results)
    possible = sum((r.population.weekday_hours / 5 for r in results), Decimal(0))
    fte = sum((r.fte() for r in results), Decimal(0))
    population = _Combined(employees, possible, fte)
    absence: dict[str, Figures] = defaultdict(Figures)
    total = Figures()
    for r in results:
        for code, figures in r.absence.items():
            absence[code].add(figures)
            if code in r.counting:
                total.add(figures)
    counted_by_all = set(TYPE_CODES)
    for r in results:
        counted_by_all &= set(r.counting)
    types, _total = _figures(population, absence, counted_by_all)
    return {
        "employees": employees,
        "fte": population.none["fte"],
        "possible_hours": population.none["possible_hours"],
        "types": types,
        "total": _published(population, total),
    }
