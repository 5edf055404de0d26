"""Factories for the meetings app."""

import factory
from factory.django import DjangoModelFactory

from apps.meetings.models import Committee, CommitteeMember

from .organizations import OrganizationFactory, UserFactory

__all__ = ["CommitteeFactory", "CommitteeMemberFactory"]


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
