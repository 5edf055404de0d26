import datetime

import pytest

from apps.meetings.models import Committee, CommitteeMember
from tests.conftest import _user_with
from tests.factories import CommitteeFactory, MeetingFactory, Role, seat


@pytest.fixture
def lmu(org):
    return CommitteeFactory(organization=org, kind=Committee.Kind.LMU, name="LMU Område A")


@pytest.fixture
def lmu_member(org, lmu):
    user = _user_with(org, Role.MED, "A", email="lmu-member@example.org", first_name="Lise")
    seat(lmu, user)
    return user


@pytest.fixture
def chair(org, lmu):
    user = _user_with(org, Role.LEADER, "A1", email="chair@example.org", first_name="Carl")
    seat(lmu, user, CommitteeMember.MemberRole.CHAIR, CommitteeMember.Side.MANAGEMENT)
    return user


@pytest.fixture
def vice_chair(org, lmu):
    user = _user_with(org, Role.STEWARD, "B", email="vice@example.org", first_name="Vera")
    seat(lmu, user, CommitteeMember.MemberRole.VICE_CHAIR, is_tr=True)
    return user


@pytest.fixture
def meeting(lmu):
    return MeetingFactory(
        committee=lmu,
        date=datetime.date(2026, 12, 10),
        start_time=datetime.time(8, 0),
        planned_end=datetime.time(9, 0),
    )


@pytest.fixture
def secretary(org, lmu):
    """The committee's secretary: prepares agendas and minutes, does not vote."""
    user = _user_with(org, Role.HR, email="secretary@example.org", first_name="Sanne")
    seat(lmu, user, CommitteeMember.MemberRole.SECRETARY, CommitteeMember.Side.MANAGEMENT)
    return user
