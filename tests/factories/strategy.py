"""Factories for the strategy app."""

import factory
from factory.django import DjangoModelFactory

from apps.strategy.models import FocusArea, Goal, Initiative, InitiativeUpdate, StrategyPlan

from .organizations import OrganizationFactory

__all__ = [
    "FocusAreaFactory",
    "GoalFactory",
    "InitiativeFactory",
    "InitiativeUpdateFactory",
    "StrategyPlanFactory",
]


class StrategyPlanFactory(DjangoModelFactory):
    class Meta:
        model = StrategyPlan

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Strategiplan {n}")
    start_year = 2025
    end_year = 2028
    introduction = "Planens indledning."


class FocusAreaFactory(DjangoModelFactory):
    class Meta:
        model = FocusArea

    plan = factory.SubFactory(StrategyPlanFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Fokusområde {n}")
    focus = "Fokus på det vigtigste."
    narrative = "Fortælling om området."


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    focus_area = factory.SubFactory(FocusAreaFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Mål {n}")


class InitiativeFactory(DjangoModelFactory):
    class Meta:
        model = Initiative

    focus_area = factory.SubFactory(FocusAreaFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Indsats {n}")
    level = Initiative.Level.NATIONAL
    status = Initiative.Status.PLANNED
    progress = 0


class InitiativeUpdateFactory(DjangoModelFactory):
    class Meta:
        model = InitiativeUpdate

    initiative = factory.SubFactory(InitiativeFactory)
    text = "Status drøftet på bestyrelsesmødet."
