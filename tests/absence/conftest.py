from datetime import date

import pytest

from apps.absence.models import AdvisoryPolicy
from tests.factories import EmployeeFactory


@pytest.fixture
def org(org):
    """The test organisation, as an employer: absence follow-up exists only for employers (a union's
    absence pages are not found)."""
    org.kind = "employer"
    org.save(update_fields=["kind"])
    return org


@pytest.fixture
def employer(org):
    """The test organisation as an employer, with the default 1-3-10 policy stored."""
    org.kind = "employer"
    org.save(update_fields=["kind"])
    AdvisoryPolicy.objects.create(organization=org)
    return org


@pytest.fixture
def employee(employer, leader):
    return EmployeeFactory(
        unit=employer.units.get(code="A1a"), leader=leader, employment_start=date(2015, 1, 1)
    )


@pytest.fixture
def policy(employer):
    return employer.advisory_policy
