"""The whole country's figures (``statistics.country``, ``absence_stats --country``): every organisation
with employees by its own policy, read for all of them at once, equal to each organisation's own
figures computed from the registrations themselves; and the country's sum of them."""

from __future__ import annotations

import io
import random
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.absence.models import (
    AbsenceType,
    AbsenceUnitMonth,
    AdvisoryPolicy,
    StatisticsVersion,
)
from apps.absence.models.employees import DEFAULT_TYPE_SETTINGS
from apps.absence.retention import retention_apply
from apps.absence.statistics.country import country_statistics
from apps.absence.statistics.figures import _unit_statistics
from apps.absence.statistics.periods import rolling_year
from apps.absence.statistics.queries import reading_employee_months, reading_raw_rows, reporting_transaction
from apps.absence.statistics.sums import Figures, Population, compute_sums
from apps.absence.unit_rollups import unit_rollups_rebuild
from tests.factories import OrganizationFactory, add_unit

from .test_rollups import AS_OF_DAYS, random_staff

pytestmark = pytest.mark.django_db


def _organization(name: str, slug: str, *, policy: dict | None = None, employees: int = 30, seed: int = 1):
    """An employer with two top units (one with a unit below it) and random absence, as ``staff``."""
    org = OrganizationFactory(name=name, slug=slug, kind="employer")
    top = add_unit(org, "T", "Top T")
    units = [top, add_unit(org, "T1", "Below T", parent=top), add_unit(org, "U", "Top U")]
    AdvisoryPolicy.objects.create(organization=org, **(policy or {}))
    random_staff(org, units, random.Random(seed), employees, prefix=f"{slug}-")
    unit_rollups_rebuild(org.pk, org.advisory_policy)
    return org


@pytest.fixture
def country(db):
    """Four employers and a union: two on the default policy (read together), one counting care days
    ("omsorgsdage") for the percentage with another day off (a group of its own), one whose unit rollups are
    not made (read from the employees' rollups); the union has no employees."""
    same_a = _organization("Aarhus", "aarhus", seed=1)
    same_b = _organization("Bornholm", "bornholm", seed=2, employees=20)
    settings = {code: {**flags} for code, flags in DEFAULT_TYPE_SETTINGS.items()}
    settings["care_day"] = {**settings["care_day"], "percentage": True}
    other = _organization(
        "Odense", "odense", seed=3, policy={"type_settings": settings, "extra_days_off": ["06-05", "11-11"]}
    )
    plain = _organization("Viborg", "viborg", seed=4, employees=15)
    StatisticsVersion.objects.filter(organization=plain).update(unit_rollups="")
    AbsenceUnitMonth.objects.filter(organization=plain).delete()
    OrganizationFactory(name="Forbundet", slug="forbundet", kind="union")
    return [same_a, same_b, other, plain]


def reference(org, as_of: date) -> dict:
    """The organisation's figures from its own registrations (``reading_raw_rows``): its top units'
    raw sums added up, published as the statistics publish a unit's."""
    policy = AdvisoryPolicy.objects.get(organization=org)
    counting = policy.types_for("percentage")
    with reading_raw_rows(), reporting_transaction():
        units, population, absence, working_days, _calendar = compute_sums(
            org, [rolling_year(as_of)], None, policy, people_types=counting
        )
    tops = {u.id for u in units if u.depth == 1}
    pop, by_type = Figures(), {}
    for (_idx, unit_id), figures in population.items():
        if unit_id in tops:
            pop.add(figures)
    for (_idx, unit_id, code), figures in absence.items():
        if unit_id in tops:
            by_type.setdefault(code, Figures()).add(figures)
    published = Population(pop, working_days[0])
    total = Figures()
    for code in counting:
        if code in by_type:
            total.spells += by_type[code].spells
            total.calendar_days += by_type[code].calendar_days
            total.absence_weekday_hours += by_type[code].absence_weekday_hours
    return {
        "employees": pop.employees,
        "fte": published.none["fte"],
        "possible_hours": published.none["possible_hours"],
        "types": {
            code: without_people(published.published(by_type.get(code))) for code in AbsenceType.values
        },
        "total": without_people(published.published(total)),
    }


def without_people(figures: dict) -> dict:
    """The people behind a figure decide suppression; the country's figures neither read nor show them."""
    return {key: value for key, value in figures.items() if key != "people"}


def as_compared(row: dict) -> dict:
    skip = ("absence_type", "label", "counts_for_percentage")
    return {
        "employees": row["employees"],
        "fte": row["fte"],
        "possible_hours": row["possible_hours"],
        "types": {t["absence_type"]: {k: v for k, v in t.items() if k not in skip} for t in row["types"]},
        "total": row["total"],
    }


@pytest.mark.parametrize("requested", AS_OF_DAYS)
def test_each_organisations_figures_are_those_of_its_own_registrations(country, requested):
    stats = country_statistics(requested)
    as_of = stats["as_of"]
    assert stats["requested_as_of"] == requested
    assert [row["slug"] for row in stats["organizations"]] == ["aarhus", "bornholm", "odense", "viborg"]
    for org, row in zip(country, stats["organizations"], strict=True):
        assert row["as_of"] == as_of
        assert as_compared(row) == reference(org, as_of), org.slug
    window = rolling_year(as_of)
    assert (stats["window_start"], stats["window_end"]) == (window.start, window.end)
    # About something: absence in every organisation, and the policies differ where they should.
    assert all(row["total"]["spells"] > 0 for row in stats["organizations"])
    odense = stats["organizations"][2]
    assert next(t for t in odense["types"] if t["absence_type"] == "care_day")["counts_for_percentage"]


@pytest.mark.parametrize("as_of", [date(2025, 11, 23), date(2026, 2, 28)])
def test_the_same_figures_from_the_rows_and_from_the_employees_rollups(country, as_of):
    from_rollups = country_statistics(as_of)
    with reading_raw_rows():
        from_rows = country_statistics(as_of)
    with reading_employee_months():
        from_employee_months = country_statistics(as_of)
    assert from_rollups == from_rows == from_employee_months


@pytest.mark.parametrize(
    ("requested", "as_of"),
    [
        (date(2026, 2, 28), date(2026, 2, 28)),
        (date(2025, 11, 23), date(2025, 10, 31)),
        (date(2026, 3, 1), date(2026, 2, 28)),
    ],
)
def test_the_figures_are_of_the_12_whole_months_up_to_the_day_asked_for(country, requested, as_of):
    """As national statistics are given, and as figures go to anyone who may not see individual
    data: a day's figures less the day before's would give away that day's absence."""
    stats = country_statistics(requested)
    assert (stats["as_of"], stats["requested_as_of"]) == (as_of, requested)
    assert (stats["window_start"], stats["window_end"]) == (rolling_year(as_of).start, as_of)
    assert stats["window_start"].day == 1
    assert "people" not in stats["country"]["total"]
    assert all("people" not in t for row in stats["organizations"] for t in row["types"])


def test_the_countrys_figures_add_up_the_organisations(country):
    stats = country_statistics(date(2026, 2, 28))
    rows, whole = stats["organizations"], stats["country"]
    assert whole["employees"] == sum(r["employees"] for r in rows) > 0
    for field in ("spells", "calendar_days"):
        assert whole["total"][field] == sum(r["total"][field] for r in rows)
        for code in AbsenceType.values:
            by_org = sum(next(t for t in r["types"] if t["absence_type"] == code)[field] for r in rows)
            assert next(t for t in whole["types"] if t["absence_type"] == code)[field] == by_org
    # Rounded once from the exact sums: within rounding of the organisations' rounded figures.
    assert abs(whole["fte"] - sum(r["fte"] for r in rows)) <= Decimal("0.01") * len(rows)
    hours = sum(r["total"]["absence_hours"] for r in rows)
    assert abs(whole["total"]["absence_hours"] - hours) <= Decimal("0.1") * len(rows)
    pct = whole["total"]["absence_hours"] / whole["possible_hours"] * 100
    assert abs(whole["total"]["absence_pct"] - pct) < Decimal("0.01")
    # Care days count for Odense's percentage only: not marked as counting for the country.
    care = next(t for t in whole["types"] if t["absence_type"] == "care_day")
    assert not care["counts_for_percentage"]


def test_an_organisation_with_deleted_rows_gives_its_frozen_figures(country):
    aarhus = country[0]
    retention_apply(as_of=date(2030, 3, 15), organization=aarhus)
    as_of = date(2025, 6, 30)
    own = _unit_statistics(aarhus, as_of, suppress=False)
    assert own["as_of"] == as_of and own["requested_as_of"] == as_of
    stats = country_statistics(as_of)
    row = next(r for r in stats["organizations"] if r["slug"] == "aarhus")
    tops = [u for u in own["units"] if u["parent_id"] is None]
    assert row["employees"] == sum(u["employees"] for u in tops) > 0
    assert row["total"]["spells"] == sum(u["total"]["spells"] for u in tops) > 0
    assert row["total"]["calendar_days"] == sum(u["total"]["calendar_days"] for u in tops)
    # The others are read from their rows as before.
    for org, other in zip(country[1:], stats["organizations"][1:], strict=True):
        assert as_compared(other) == reference(org, as_of)


def test_the_query_count_does_not_grow_with_the_organisations(country):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            stats = country_statistics(date(2026, 2, 28))
        return len(captured), len(stats["organizations"])

    before, listed = queries()
    assert listed == 4 and before <= 20
    for n in range(3):
        _organization(f"Extra {n}", f"extra-{n}", seed=10 + n, employees=5)
    assert queries() == (before, 7)


def test_the_command_writes_a_row_per_organisation_and_type_and_the_countrys(country):
    out = io.StringIO()
    call_command("absence_stats", "--country", "--as-of", "2026-02-28", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("organization,absence_type,employees,fte,")
    slugs = [line.split(",")[0] for line in lines[1:]]
    assert slugs[0] == "aarhus" and slugs[-1] == "country"
    assert {"aarhus", "bornholm", "odense", "viborg", "country"} == set(slugs)
    assert "forbundet" not in slugs
    assert len(lines) == 1 + 5 * (len(AbsenceType.values) + 1)


def test_the_command_refuses_country_and_organisation_together(country):
    with pytest.raises(CommandError, match="either --organization or --country"):
        call_command("absence_stats", "--country", "--organization", "aarhus", "--as-of", "2026-02-28")
    with pytest.raises(CommandError, match="not suppressed"):
        call_command("absence_stats", "--country", "--suppress", "--as-of", "2026-02-28")
