"""Factories for the clubs app."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.clubs.models import Club, ClubFundApplication, ClubFundRules, ClubMeeting, TRNetwork

from .organizations import OrganizationFactory, OrgUnitFactory

__all__ = [
    "ClubFactory",
    "ClubFundApplicationFactory",
    "ClubFundRulesFactory",
    "ClubMeetingFactory",
    "TRNetworkFactory",
]


def _earlier_this_year(days: int) -> datetime:
    """``days`` ago, but not before New Year: tests count "this year" and must pass in January too."""
    now = timezone.localtime()
    return max(now - timedelta(days=days), now.replace(month=1, day=1, hour=0, minute=0, second=0))


def _event_date(status: str) -> date:
    """An open application is for an event a month away; a decided one for an event this year, so the
    year's figures count it in December too."""
    today = timezone.localdate()
    if status in (ClubFundApplication.Status.DRAFT, ClubFundApplication.Status.SUBMITTED):
        return today + timedelta(days=30)
    return max(today - timedelta(days=30), today.replace(month=1, day=1))


class ClubFundRulesFactory(DjangoModelFactory):
    class Meta:
        model = ClubFundRules
        django_get_or_create = ("organization",)

    organization = factory.SubFactory(OrganizationFactory)
    amount_per_member_year = Decimal("400")
    cap_per_member_event = Decimal("450")
    days_in_advance = 14


class ClubFactory(DjangoModelFactory):
    class Meta:
        model = Club
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    unit = factory.LazyAttribute(lambda o: OrgUnitFactory(organization=o.organization))
    name = factory.Sequence(lambda n: f"Klub {n}")
    member_count = 40

    @factory.post_generation
    def stewards(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.stewards.set(extracted)


class TRNetworkFactory(DjangoModelFactory):
    class Meta:
        model = TRNetwork
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"TR-netværk {n}")

    @factory.post_generation
    def stewards(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.stewards.set(extracted)


class ClubMeetingFactory(DjangoModelFactory):
    class Meta:
        model = ClubMeeting
        skip_postgeneration_save = True

    club = factory.SubFactory(ClubFactory)
    starts_at = factory.LazyFunction(lambda: _earlier_this_year(10))
    kind = ClubMeeting.Kind.ORDINARY
    status = ClubMeeting.Status.HELD
    attendance = 12

    @factory.post_generation
    def board_guests(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.board_guests.set(extracted)


class ClubFundApplicationFactory(DjangoModelFactory):
    class Meta:
        model = ClubFundApplication

    club = factory.SubFactory(ClubFactory)
    purpose = factory.Sequence(lambda n: f"Klubmøde med spisning {n}")
    amount = Decimal("2000")
    participants = 10
    status = ClubFundApplication.Status.DRAFT
    event_date = factory.LazyAttribute(lambda o: _event_date(o.status))
    decided_at = factory.LazyAttribute(
        lambda o: None if o.status in ("draft", "submitted") else timezone.now()
    )
    decision_note = factory.LazyAttribute(
        lambda o: "Ikke inden for reglerne" if o.status == "rejected" else ""
    )
