import pytest

from tests.conftest import _user_with, unit
from tests.factories import ClubFactory, ClubFundRulesFactory, Role, TRNetworkFactory


@pytest.fixture
def rules(org):
    return ClubFundRulesFactory(organization=org)


@pytest.fixture
def club(org, shop_steward, rules):
    return ClubFactory(
        organization=org, unit=unit(org, "A1"), name="Klub A1", member_count=40, stewards=[shop_steward]
    )


@pytest.fixture
def club_b(org, steward_of_other_club, rules):
    return ClubFactory(
        organization=org,
        unit=unit(org, "B"),
        name="Klub B",
        member_count=20,
        stewards=[steward_of_other_club],
    )


@pytest.fixture
def other_club(other_org):
    steward = _user_with(other_org, Role.STEWARD, "X", email="steward-x@example.org")
    return ClubFactory(organization=other_org, unit=unit(other_org, "X"), name="Klub X", stewards=[steward])


@pytest.fixture
def network(org, shop_steward):
    return TRNetworkFactory(organization=org, name="TR-netværk Kommuner", stewards=[shop_steward])
