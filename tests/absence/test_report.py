from datetime import date

import pytest
from django.template.loader import render_to_string

from apps.absence.report import build_section
from apps.organizations.models import OrgUnit
from tests.factories import EmployeeFactory, OrganizationFactory, add_unit, register_absence

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality():
    organization = OrganizationFactory(name="Kommune", slug="kommune", kind="employer")
    top = add_unit(organization, "K", "Kommunen")
    big = add_unit(organization, "K-BIG", "Stort område", parent=top)
    add_unit(organization, "K-MID", "Mellemstort område", parent=OrgUnit.objects.get(pk=top.pk))
    add_unit(organization, "K-SMALL", "Lille område", parent=OrgUnit.objects.get(pk=top.pk))
    add_unit(organization, "K-BIG-1", "Afdeling", parent=OrgUnit.objects.get(pk=big.pk))
    return organization


def test_report_section_per_area_with_small_groups_suppressed(municipality):
    organization = municipality
    big = [
        EmployeeFactory(unit=OrgUnit.objects.get(code="K-BIG-1"), name=f"Person Stor {i}") for i in range(10)
    ]
    mid = [
        EmployeeFactory(unit=OrgUnit.objects.get(code="K-MID"), name=f"Person Mellem {i}") for i in range(6)
    ]
    few = [
        EmployeeFactory(unit=OrgUnit.objects.get(code="K-SMALL"), name=f"Person Lille {i}") for i in range(2)
    ]
    # Every month of both years 5 people of the big area are sick for a day (the year and the months
    # the figures are compared with describe 5 people); so are the 6 of the middle one in March.
    for month in range(24):
        for employee in big[:5]:
            day = date(2025 + month // 12, month % 12 + 1, 3)
            register_absence(employee, day, day)
    for employee in mid:
        register_absence(employee, date(2026, 3, 10), date(2026, 3, 10))
    register_absence(few[0], date(2026, 3, 4), date(2026, 3, 5))
    section = build_section(organization, 2026)
    assert section.key == "absence"
    rows = {row["code"]: row for row in section.data["rows"]}
    assert set(rows) == {"K", "K-BIG", "K-MID", "K-SMALL"}
    assert rows["K-BIG"]["sick_days"] == 60 and not rows["K-BIG"]["suppressed"]
    assert rows["K-SMALL"]["suppressed"] and rows["K-SMALL"]["sick_days"] is None
    assert rows["K-SMALL"]["absence_pct"] is None
    # Hiding the small area alone would let it be recovered as total minus the others.
    assert rows["K-MID"]["suppressed"]
    assert rows["K"]["sick_days"] == 68
    html = render_to_string(
        section.template, {"section": section, "organization": organization, "year": 2026}
    )
    assert "Person" not in html
    assert "<svg" in html and "style=" not in html


def test_no_section_for_unions(db):
    union = OrganizationFactory(name="Forbundet", slug="forbundet", kind="union")
    assert build_section(union, 2026) is None


def test_empty_employer_says_so(municipality):
    section = build_section(municipality, 2026)
    assert section.has_data is False
