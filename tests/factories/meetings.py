"""Factories for the meetings app."""

import datetime

import factory
from factory.django import DjangoModelFactory

from apps.meetings.models import AgendaItem, Committee, CommitteeMember, Meeting

from .organizations import OrganizationFactory, UserFactory

__all__ = [
    "AgendaItemFactory",
    "CommitteeFactory",
    "CommitteeMemberFactory",
    "MeetingFactory",
    "seat",
]


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Committee {n}")
    kind = Committee.Kind.LMU


class CommitteeMemberFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    user = factory.SubFactory(UserFactory)
    side = CommitteeMember.Side.EMPLOYEE
    role = CommitteeMember.MemberRole.MEMBER


def seat(committee, user, role=CommitteeMember.MemberRole.MEMBER, side=CommitteeMember.Side.EMPLOYEE, **kw):
    """Give ``user`` a seat in ``committee``."""
    return CommitteeMemberFactory(committee=committee, user=user, role=role, side=side, **kw)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 5) + datetime.timedelta(days=7 * n))
    start_time = datetime.time(9, 0)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Item {n}")
    kind = AgendaItem.Kind.INFORMATION
    duration_minutes = 15
