"""Factories for the reports app."""

from __future__ import annotations

from datetime import date

import factory
from factory.django import DjangoModelFactory

from apps.core.reporting import SECTION_APPS
from apps.reports.models import AnnualReport, PullQuote, ReportGeneration, ReportSectionChoice

from .organizations import OrganizationFactory

__all__ = ["AnnualReportFactory", "PullQuoteFactory", "ReportGenerationFactory", "ReportSectionChoiceFactory"]


class AnnualReportFactory(DjangoModelFactory):
    """A draft report with every section choice, like ``annual_report_create`` makes."""

    class Meta:
        model = AnnualReport
        django_get_or_create = ("organization", "year")
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    year = 2025
    title = factory.LazyAttribute(lambda o: f"Beretning {o.year}")
    foreword = "Første afsnit om året, der gik.\n\nAndet afsnit med tak til tillidsrepræsentanterne."
    signed_by = "Birte Søgaard, formand"
    on_behalf_of = "på vegne af bestyrelsen"
    language = factory.LazyAttribute(lambda o: o.organization.language)
    report_date = date(2026, 3, 15)

    @factory.post_generation
    def choices(obj, create, extracted, **kwargs):  # noqa: N805
        if create and not obj.section_choices.exists():
            ReportSectionChoice.objects.bulk_create(
                ReportSectionChoice(report=obj, key=key, position=i) for i, key in enumerate(SECTION_APPS, 1)
            )


class ReportSectionChoiceFactory(DjangoModelFactory):
    class Meta:
        model = ReportSectionChoice

    report = factory.SubFactory(AnnualReportFactory)
    key = "strategy"
    position = factory.Sequence(lambda n: n + 100)


class PullQuoteFactory(DjangoModelFactory):
    class Meta:
        model = PullQuote

    report = factory.SubFactory(AnnualReportFactory)
    text = "Fællesskabet er det, der bærer os igennem."
    attribution = "tillidsrepræsentant"
    section_key = ""


class ReportGenerationFactory(DjangoModelFactory):
    class Meta:
        model = ReportGeneration

    report = factory.SubFactory(AnnualReportFactory)
    status = ReportGeneration.Status.QUEUED
