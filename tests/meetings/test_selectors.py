import pytest

from apps.meetings.models import Committee, CommitteeMember
from apps.meetings.selectors import committees_for, hu_chairs
from tests.factories import CommitteeFactory, CommitteeMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_hu_chairs_returns_active_chair_and_vice_chair_of_the_active_hu(org, other_org):
    hu = CommitteeFactory(organization=org, kind=Committee.Kind.HU, name="HU")
    chair = CommitteeMemberFactory(
        committee=hu, role=CommitteeMember.MemberRole.CHAIR, side=CommitteeMember.Side.MANAGEMENT
    ).user
    vice = CommitteeMemberFactory(committee=hu, role=CommitteeMember.MemberRole.VICE_CHAIR).user
    CommitteeMemberFactory(committee=hu, role=CommitteeMember.MemberRole.MEMBER)
    lmu = CommitteeFactory(organization=org, kind=Committee.Kind.LMU)
    CommitteeMemberFactory(committee=lmu, role=CommitteeMember.MemberRole.CHAIR)

    assert hu_chairs(org) == {"chair": chair, "vice_chair": vice}
    assert hu_chairs(other_org) == {"chair": None, "vice_chair": None}


def test_hu_chairs_ignores_inactive_members(org):
    hu = CommitteeFactory(organization=org, kind=Committee.Kind.HU)
    CommitteeMemberFactory(committee=hu, role=CommitteeMember.MemberRole.CHAIR, active=False)
    assert hu_chairs(org) == {"chair": None, "vice_chair": None}


def test_committees_for_lists_only_own_active_committees(org):
    user = UserFactory()
    mine = CommitteeFactory(organization=org, name="Mine")
    CommitteeMemberFactory(committee=mine, user=user)
    left = CommitteeFactory(organization=org, name="Left")
    CommitteeMemberFactory(committee=left, user=user, active=False)
    CommitteeFactory(organization=org, name="Other")
    assert list(committees_for(user, org)) == [mine]
