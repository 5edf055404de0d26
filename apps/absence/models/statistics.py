"""What the statistics read besides the registrations: monthly rollups, frozen figures, the cache version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization, OrgUnit

from .employees import AbsenceType, Employee

if TYPE_CHECKING:
    pass


class StatisticsSnapshot(models.Model):
    """Figures of one past period, frozen by the retention job before it deleted the rows they came from.

    Aggregates only: per unit (its whole subtree) the number of employees and sums of hours, per unit
    and absence type spells, days, hours and the number of people with absence of it (and of any type
    counting for the percentage), and (``year``) the number of employees per Bradford band. Unsuppressed:
    the statistics apply suppression when they read them, as they do to live figures, from the same
    counts (the month snapshots carry what the rule on neighbouring months and the chart decide by).
    ``year``: the rolling 12 months up to ``period`` (a month end); ``month``: the calendar month that
    begins on ``period``.
    """

    class Kind(models.TextChoices):
        YEAR = "year", _("Rolling year")
        MONTH = "month", _("Month")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    period = models.DateField(_("period"))
    figures = models.JSONField(_("figures"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        ordering = ["organization", "kind", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "period"], name="absence_snapshot_unique_org_kind_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.kind} · {self.period:%Y-%m-%d}"


class AbsenceMonth(models.Model):
    """One employee's ended absence of one type and fraction in one calendar month, kept by
    ``apps.absence.rollups`` from the registrations: what the statistics read instead of the rows.

    Days are bits (bit 0 = the 1st of the month), clipped to the employment, so any part of the month
    and any working-day calendar can be applied when reading. ``starts``: the first day (inside the
    employment) of each registration that does not continue an earlier one of the type (which ended the
    day before); ``continued``: that of each registration that does. ``hours``: weekly hours × fraction.
    Distinct people over several months or units are counted from these rows (an employee is one row per
    type, fraction and month), never added up from counts. Ongoing registrations (no last day) are read
    from the rows instead: their months are not known yet.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="absence_months"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    absence_type = models.CharField(_("absence type"), max_length=20, choices=AbsenceType.choices)
    month = models.IntegerField(_("month"), help_text="year × 12 + month − 1")
    hours = models.DecimalField(_("weekly hours × fraction"), max_digits=10, decimal_places=5)
    days = models.IntegerField(_("days"))
    starts = models.IntegerField(_("new spells"))
    continued = models.IntegerField(_("continued spells"))

    class Meta:
        verbose_name = _("absence month")
        verbose_name_plural = _("absence months")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "absence_type", "month", "hours"], name="absence_month_unique"
            ),
        ]
        indexes = [
            # Covering on PostgreSQL: a window's months are read from the index alone, in month order,
            # not from heap pages spread over the whole table (the rows of a month are written when
            # their employees' registrations are, all through the years).
            models.Index(
                fields=["organization", "month"],
                include=["absence_type", "employee", "unit", "days", "starts", "continued", "hours"],
                name="absence_month_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} · {self.absence_type} · {self.month}"


class AbsenceUnitMonth(models.Model):
    """The ``AbsenceMonth`` rows of one unit (the employees placed directly in it), type and calendar
    month summed, kept by ``apps.absence.unit_rollups``: what the month-by-month figures (the chart and
    the neighbouring months suppression looks at) read instead of one row per employee.

    ``people``: employees with absence of the type that month (distinct: an employee is one unit's);
    ``spells``: the month's spells as the month's own period counts them; ``starts``: those of them
    that begin in the month (a period that goes on from the month before counts only these);
    ``days``: calendar days;
    ``hours``: working days × weekly hours × fraction, with the working days of the calendar the
    organisation's rollups were made for (``StatisticsVersion.unit_rollups``). The type ``*`` holds the
    people with absence of any type counting for the percentage (the others' sums are 0). Ongoing
    registrations are not in them, as they are not in ``AbsenceMonth``.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    absence_type = models.CharField(_("absence type"), max_length=20)
    month = models.IntegerField(_("month"), help_text="year × 12 + month − 1")
    people = models.IntegerField(_("people"))
    spells = models.IntegerField(_("spells"))
    starts = models.IntegerField(_("spells begun"), default=0)
    days = models.IntegerField(_("days"))
    hours = models.DecimalField(_("working hours"), max_digits=16, decimal_places=5)

    class Meta:
        verbose_name = _("absence month of a unit")
        verbose_name_plural = _("absence months of units")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "absence_type", "month"], name="absence_unit_month_unique"
            ),
        ]
        indexes = [
            # Covering on PostgreSQL, as ``AbsenceMonth``'s: the months are read from the index alone.
            models.Index(
                fields=["organization", "month"],
                include=["unit", "absence_type", "people", "spells", "starts", "days", "hours"],
                name="absence_unit_month_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.absence_type} · {self.month}"


def _led_key(to: type[models.Model], verbose_name) -> models.ForeignKey:
    """A foreign key of a rollup row without an index of its own: one of the row's composite indexes
    leads with it."""
    return models.ForeignKey(
        to, verbose_name=verbose_name, on_delete=models.CASCADE, related_name="+", db_index=False
    )


class AbsenceUnitYear(models.Model):
    """The ``people`` of one unit's ``AbsenceUnitMonth`` rows of a type in the twelve months of one
    calendar year, one column a month (0 where the unit has no row), kept with them by
    ``apps.absence.unit_rollups``: the 24 months whose people decide what suppression hides around the
    rolling year are then a few rows per unit and type, not one per month."""

    organization = _led_key(Organization, _("organisation"))  # the index on (organization, year) leads
    unit = _led_key(OrgUnit, _("unit"))  # the unique constraint leads with it
    absence_type = models.CharField(_("absence type"), max_length=20)
    year = models.IntegerField(_("year"))
    people_1 = models.IntegerField(MONTHS[1], default=0)
    people_2 = models.IntegerField(MONTHS[2], default=0)
    people_3 = models.IntegerField(MONTHS[3], default=0)
    people_4 = models.IntegerField(MONTHS[4], default=0)
    people_5 = models.IntegerField(MONTHS[5], default=0)
    people_6 = models.IntegerField(MONTHS[6], default=0)
    people_7 = models.IntegerField(MONTHS[7], default=0)
    people_8 = models.IntegerField(MONTHS[8], default=0)
    people_9 = models.IntegerField(MONTHS[9], default=0)
    people_10 = models.IntegerField(MONTHS[10], default=0)
    people_11 = models.IntegerField(MONTHS[11], default=0)
    people_12 = models.IntegerField(MONTHS[12], default=0)

    class Meta:
        verbose_name = _("absence year of a unit")
        verbose_name_plural = _("absence years of units")
        constraints = [
            models.UniqueConstraint(fields=["unit", "absence_type", "year"], name="absence_unit_year_unique"),
        ]
        indexes = [
            # Covering on PostgreSQL: a year's rows are read from the index alone.
            models.Index(
                fields=["organization", "year"],
                include=["unit", "absence_type", *(f"people_{month}" for month in range(1, 13))],
                name="absence_unit_year_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.absence_type} · {self.year}"


class AbsencePersonYear(models.Model):
    """Per employee, type and year, the calendar months of that year and the year before in which the
    employee has ``AbsenceMonth`` rows of the type, as bits (bit ``i`` < 12: month ``i + 1`` of the year
    before; bit ``12 + i``: month ``i + 1`` of the year), kept by ``apps.absence.unit_rollups`` with the
    units' rollups. The type ``*`` holds the months with absence of any type counting for the
    percentage (the policy's when the rollups were made). What the rolling year's distinct people are
    counted from: a window inside two calendar years is one bit mask against one row per person,
    instead of grouping every month row of the window by employee. Ongoing registrations are not in
    them, as they are not in ``AbsenceMonth``.
    """

    organization = _led_key(Organization, _("organisation"))  # the index on (organization, year) leads
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    employee = _led_key(Employee, _("employee"))  # the unique constraint leads with it
    absence_type = models.CharField(_("absence type"), max_length=20)
    year = models.IntegerField(_("year"))
    months = models.IntegerField(_("months with absence"), help_text="bits: 24 months up to December")

    class Meta:
        verbose_name = _("absence year of an employee")
        verbose_name_plural = _("absence years of employees")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "absence_type", "year"], name="absence_person_year_unique"
            ),
        ]
        indexes = [
            # Covering on PostgreSQL: a year's rows are read from the index alone.
            models.Index(
                fields=["organization", "year"],
                include=["unit", "employee", "absence_type", "months"],
                name="absence_person_year_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} · {self.absence_type} · {self.year}"


class StatisticsVersion(models.Model):
    """A token that changes with every write the absence statistics depend on (registrations, employees,
    units, the policy). Cached figures are keyed by it, so a cached figure is never stale. It lives in the
    database, not the cache, so it commits and rolls back with the write that changed it."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    token = models.CharField(_("token"), max_length=32)
    # Set by the retention job: individual rows that ended before this day are gone, so figures of a
    # window that begins earlier come from StatisticsSnapshot.
    raw_data_from = models.DateField(_("individual data complete from"), null=True, blank=True)
    # What the units' monthly rollups (AbsenceUnitMonth) were made for (``unit_rollups.rollups_key``):
    # the statistics read them only while it is the policy's; blank: there are none.
    unit_rollups = models.CharField(_("unit rollups made for"), max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("statistics version")
        verbose_name_plural = _("statistics versions")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.token}"
