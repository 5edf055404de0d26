"""Pool fixtures: ``org`` turned into an employer with an HU, a call and an application in drafting."""

from datetime import date

import pytest

from apps.organizations.models import Organization
from apps.pool.services import ranking_session_create
from tests.conftest import _user_with
from tests.factories import PoolApplicationFactory, PoolCallFactory, Role, hu_committee


@pytest.fixture
def employer(org):
    org.kind = Organization.Kind.EMPLOYER
    org.save(update_fields=["kind"])
    return org


@pytest.fixture
def chair(employer):
    return _user_with(employer, Role.MED, email="chair@example.org", first_name="Carla", last_name="Formand")


@pytest.fixture
def vice_chair(employer):
    return _user_with(
        employer, Role.MED, email="vice@example.org", first_name="Viggo", last_name="Næstformand"
    )


@pytest.fixture
def hu_member(employer):
    return _user_with(employer, Role.STEWARD, email="hu-member@example.org", first_name="Hanne")


@pytest.fixture
def hu(employer, chair, vice_chair, hu_member):
    return hu_committee(employer, chair=chair, vice_chair=vice_chair, members=[hu_member])


@pytest.fixture
def project_member(employer):
    return _user_with(employer, Role.SAFETY_REP, "A1", email="project@example.org", first_name="Pia")


@pytest.fixture
def call(db):
    return PoolCallFactory(name="Arbejdsmiljøpuljen 2027", year=2027)


@pytest.fixture
def application(employer, call, project_member, hu):
    return PoolApplicationFactory(
        organization=employer, call=call, title="Ledertrivsel", project_group=[project_member]
    )


@pytest.fixture
def session(employer, call, hr_user):
    """A theme day's ranking session of the call, three tables."""
    return ranking_session_create(
        organization=employer,
        call=call,
        title="HU-temadag",
        meeting_date=date(2026, 11, 15),
        tables=3,
        by=hr_user,
    )
