"""Factories for the absence app."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from apps.absence.models import AbsenceRegistration, AbsenceType, AdvisoryPolicy, Employee

__all__ = ["AbsenceRegistrationFactory", "AdvisoryPolicyFactory", "EmployeeFactory", "register_absence"]


class EmployeeFactory(DjangoModelFactory):
    class Meta:
        model = Employee

    organization = factory.LazyAttribute(lambda o: o.unit.organization)
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"Employee {n}")
    weekly_hours = Decimal("37")
    employment_start = date(2015, 1, 1)


class AbsenceRegistrationFactory(DjangoModelFactory):
    class Meta:
        model = AbsenceRegistration

    employee = factory.SubFactory(EmployeeFactory)
    absence_type = AbsenceType.SICK
    start_date = date(2026, 3, 2)
    end_date = None
    fraction = Decimal("1")


class AdvisoryPolicyFactory(DjangoModelFactory):
    class Meta:
        model = AdvisoryPolicy
        django_get_or_create = ("organization",)


def register_absence(employee, start, end=None, absence_type=AbsenceType.SICK, fraction="1"):
    """Registers through the service, so spells are derived as in the running portal."""
    from apps.absence.services import absence_register

    return absence_register(
        employee=employee,
        absence_type=absence_type,
        start_date=start,
        end_date=end,
        fraction=Decimal(fraction),
    )
