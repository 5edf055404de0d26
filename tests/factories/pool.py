"""Factories for the pool app."""

import datetime
import json
from pathlib import Path

import factory
from django.conf import settings
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.meetings.models import Committee, CommitteeMember
from apps.pool.models import (
    BudgetLine,
    PlannedStep,
    PoolApplication,
    PoolCall,
    PoolTheme,
    RankingSession,
    Step,
    StepEvent,
    TargetGroup,
)

from .organizations import OrganizationFactory, UserFactory

__all__ = [
    "POOL_THEMES",
    "BudgetLineFactory",
    "PoolApplicationFactory",
    "PoolCallFactory",
    "RankingSessionFactory",
    "StepEventFactory",
    "TargetGroupFactory",
    "complete_application",
    "hu_committee",
]

# The seven themes of the call, as the demo loads them (seed 004).
POOL_THEMES = json.loads((Path(settings.BASE_DIR) / "fixtures" / "pool" / "calls.json").read_text("utf-8"))[
    "themes"
]


class PoolCallFactory(DjangoModelFactory):
    """A call with the seven themes and the seed's process plan (for the call's year)."""

    class Meta:
        model = PoolCall
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Arbejdsmiljøpuljen, runde {n}")
    funder = "Arbejdsmiljøpuljen for kommuner og regioner"
    year = 2027
    minimum_eligible_expenses = 4_000_000
    application_deadline = factory.LazyAttribute(lambda o: datetime.date(o.year, 10, 30))

    @factory.post_generation
    def themes(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        names = extracted if extracted is not None else POOL_THEMES
        PoolTheme.objects.bulk_create(
            PoolTheme(call=obj, position=i, name=name) for i, name in enumerate(names, start=1)
        )
        y = obj.year
        PlannedStep.objects.bulk_create(
            [
                PlannedStep(
                    call=obj,
                    step=Step.IDEA,
                    starts_on=datetime.date(y - 1, 11, 1),
                    ends_on=datetime.date(y - 1, 11, 30),
                ),
                PlannedStep(
                    call=obj,
                    step=Step.DRAFTING,
                    starts_on=datetime.date(y - 1, 12, 1),
                    ends_on=datetime.date(y, 2, 28),
                ),
                PlannedStep(
                    call=obj,
                    step=Step.DECISION,
                    starts_on=datetime.date(y, 2, 1),
                    ends_on=datetime.date(y, 2, 28),
                ),
                PlannedStep(
                    call=obj,
                    step=Step.QUALIFICATION,
                    starts_on=datetime.date(y, 3, 1),
                    ends_on=datetime.date(y, 4, 30),
                ),
            ]
        )


class PoolApplicationFactory(DjangoModelFactory):
    class Meta:
        model = PoolApplication
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory, kind="employer")
    call = factory.SubFactory(PoolCallFactory)
    title = factory.Sequence(lambda n: f"Ledertrivsel {n}")
    status = Step.DRAFTING

    @factory.post_generation
    def project_group(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.project_group.add(*extracted)


class TargetGroupFactory(DjangoModelFactory):
    class Meta:
        model = TargetGroup

    application = factory.SubFactory(PoolApplicationFactory)
    name = factory.Sequence(lambda n: f"Ledere {n}")
    employees_in_group = 200
    benefitting = 150
    participants = 60


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(PoolApplicationFactory)
    text = factory.Sequence(lambda n: f"Udgift {n}")
    amount = 1_000_000
    eligible = True


class RankingSessionFactory(DjangoModelFactory):
    class Meta:
        model = RankingSession

    organization = factory.SubFactory(OrganizationFactory, kind="employer")
    call = factory.SubFactory(PoolCallFactory)
    title = "HU-temadag"
    meeting_date = datetime.date(2026, 11, 15)
    facilitator = factory.SubFactory(UserFactory)


class StepEventFactory(DjangoModelFactory):
    class Meta:
        model = StepEvent

    application = factory.SubFactory(PoolApplicationFactory)
    from_step = "drafting"
    to_step = "decision"
    by = factory.SubFactory(UserFactory)
    at = factory.LazyFunction(timezone.now)


def hu_committee(organization, *, chair=None, vice_chair=None, members=()):
    """The organisation's HU with the given chair, vice-chair and ordinary members."""
    committee = Committee.objects.create(
        organization=organization, name="Hovedudvalget", kind=Committee.Kind.HU
    )
    if chair is not None:
        CommitteeMember.objects.create(
            committee=committee,
            user=chair,
            side=CommitteeMember.Side.MANAGEMENT,
            role=CommitteeMember.MemberRole.CHAIR,
        )
    if vice_chair is not None:
        CommitteeMember.objects.create(
            committee=committee,
            user=vice_chair,
            side=CommitteeMember.Side.EMPLOYEE,
            role=CommitteeMember.MemberRole.VICE_CHAIR,
        )
    for user in members:
        CommitteeMember.objects.create(committee=committee, user=user, side=CommitteeMember.Side.EMPLOYEE)
    return committee


def complete_application(application):
    """Fill every text, the theme, a target group and DKK 4.2 million of eligible expenses."""
    application.theme = application.call.themes.get(position=7)
    application.project_idea = "Et forløb om ledertrivsel."
    application.expected_effect = "Bedre psykisk arbejdsmiljø for ledere."
    application.evaluation_plan = "Måling før og efter."
    application.anchoring_plan = "Erfaringer deles i MED-systemet."
    application.save()
    TargetGroup.objects.create(
        application=application, name="Ledere", employees_in_group=220, benefitting=200, participants=80
    )
    BudgetLine.objects.create(application=application, text="Forløb", amount=3_500_000, eligible=True)
    BudgetLine.objects.create(application=application, text="Evaluering", amount=700_000, eligible=True)
    BudgetLine.objects.create(application=application, text="Forplejning", amount=100_000, eligible=False)
    return application
