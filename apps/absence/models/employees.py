"""Employees, their absence registrations (the facts) and the log of every look at one employee's data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization, OrgUnit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


NOTE_MAX_LENGTH = 200
# An absence may be registered ahead (a planned operation, leave before a birth), but not years ahead: a
# first day further away than this is taken for a typing error (2072 for 2027).
REGISTRATION_MAX_DAYS_AHEAD = 366
NOTE_WARNING = _(
    "At most 200 characters. Do not write health details, diagnoses or named conditions here (the portal "
    "may not hold them): write only what was agreed and done."
)


class AbsenceType(models.TextChoices):
    SICK = "sick", _("Own illness")
    SICK_PARTIAL = "sick_partial", _("Partial sick leave")
    SICK_S56 = "sick_s56", _("§56 absence")
    PREGNANCY = "pregnancy", _("Pregnancy-related illness")
    WORK_INJURY = "work_injury", _("Work injury")
    CHILD_SICK = "child_sick", _("Child's sick day")
    CARE_DAY = "care_day", _("Care day")
    SENIOR_DAY = "senior_day", _("Senior day")
    PARENTAL = "parental", _("Maternity/parental leave")


# Defaults of the per-type flags (DOMAIN.md 1.5 and 1.7). Pregnancy-related illness is left out of the
# Bradford factor as well: counting it would put pregnant employees at a disadvantage.
DEFAULT_TYPE_SETTINGS: dict[str, dict[str, bool]] = {
    AbsenceType.SICK: {"advisories": True, "percentage": True, "bradford": True},
    AbsenceType.SICK_PARTIAL: {"advisories": True, "percentage": True, "bradford": True},
    AbsenceType.SICK_S56: {"advisories": True, "percentage": True, "bradford": False},
    AbsenceType.PREGNANCY: {"advisories": True, "percentage": True, "bradford": False},
    AbsenceType.WORK_INJURY: {"advisories": True, "percentage": True, "bradford": False},
    AbsenceType.CHILD_SICK: {"advisories": False, "percentage": True, "bradford": False},
    AbsenceType.CARE_DAY: {"advisories": False, "percentage": False, "bradford": False},
    AbsenceType.SENIOR_DAY: {"advisories": False, "percentage": False, "bradford": False},
    AbsenceType.PARENTAL: {"advisories": False, "percentage": False, "bradford": False},
}


class Employee(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="employees"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="employees"
    )
    employee_number = models.CharField(_("employee number"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_employees",
    )
    weekly_hours = models.DecimalField(
        _("weekly hours"), max_digits=5, decimal_places=2, default=Decimal("37")
    )
    employment_start = models.DateField(_("employment start"))
    employment_end = models.DateField(_("employment end"), null=True, blank=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["name", "employee_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "employee_number"], name="absence_employee_number_unique_per_org"
            ),
            models.CheckConstraint(
                condition=Q(employment_end__isnull=True) | Q(employment_end__gte=F("employment_start")),
                name="absence_employee_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__gt=0) & Q(weekly_hours__lte=80), name="absence_employee_hours_range"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "unit"]),
            # The queue's leader filter: an organisation's leaders from the index alone, not a scan of the
            # country's employees (the foreign key's own index serves look-ups by leader).
            models.Index(fields=["organization", "leader"], name="absence_emp_org_leader_idx"),
            # The employee list's keyset pages in its order: a page is read from the index, not a sort
            # of every employee of the organisation.
            models.Index(
                fields=["organization", "name", "employee_number", "id"], name="absence_employee_list_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_number})"

    def get_permission_scope(self) -> tuple[int, OrgUnit]:
        return self.organization_id, self.unit

    def clean(self) -> None:
        if self.unit_id and self.organization_id and self.unit.organization_id != self.organization_id:
            raise ValidationError({"unit": _("The unit must belong to the same organisation.")})


class AbsenceRegistration(models.Model):
    """One registered absence: a type, a first day and a last day (empty while it goes on)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="registrations"
    )
    absence_type = models.CharField(_("absence type"), max_length=20, choices=AbsenceType.choices)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"), null=True, blank=True, help_text=_("Empty while it goes on."))
    fraction = models.DecimalField(
        _("fraction"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("1"),
        help_text=_("The share of the working time absent, above 0 and at most 1 (1 = the whole day)."),
    )
    # A database default as well: payroll imports and the demo write registrations with raw COPY/INSERT.
    note = models.CharField(
        _("note"), max_length=NOTE_MAX_LENGTH, blank=True, default="", db_default="", help_text=NOTE_WARNING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("absence registration")
        verbose_name_plural = _("absence registrations")
        ordering = ["employee", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="absence_registration_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(fraction__gt=0) & Q(fraction__lte=1), name="absence_registration_fraction_range"
            ),
            models.CheckConstraint(
                condition=Q(absence_type__in=AbsenceType.values), name="absence_registration_type_valid"
            ),
            # Overlaps are also rejected on PostgreSQL by the exclusion constraint
            # "absence_registration_no_overlap" (migration 0002), and on every database by the services.
        ]
        indexes = [
            models.Index(fields=["employee", "start_date"]),
            models.Index(fields=["start_date"]),
            # The statistics read the ongoing registrations from the rows (see AbsenceMonth). Covering on
            # PostgreSQL: they are read from the index alone, not from a heap page each, spread over the
            # whole country's table (at 500,000 employees 37,000 pages, about 0.17 s per query).
            models.Index(
                fields=["employee"],
                include=["start_date", "absence_type", "fraction"],
                condition=Q(end_date__isnull=True),
                name="absence_reg_ongoing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} · {self.get_absence_type_display()} · {self.start_date}"

    def get_permission_scope(self) -> tuple[int, OrgUnit]:
        return self.employee.get_permission_scope()

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("The last day cannot be before the first day.")
        if self.fraction is not None and not (Decimal("0") < self.fraction <= Decimal("1")):
            errors["fraction"] = _("The fraction must be above 0 and at most 1.")
        if errors:
            raise ValidationError(errors)
        if self.employee_id and self.start_date:
            overlapping = overlapping_registrations(
                self.employee_id, self.start_date, self.end_date, exclude_pk=self.pk
            )
            if overlapping.exists():
                raise ValidationError(
                    {"start_date": _("This employee already has absence registered in this period.")}
                )


def latest_first_day() -> date:
    """The latest first day an absence may be registered with today (``REGISTRATION_MAX_DAYS_AHEAD``)."""
    return timezone.localdate() + timedelta(days=REGISTRATION_MAX_DAYS_AHEAD)


def overlapping_registrations(
    employee_id: int, start: date, end: date | None, exclude_pk: int | None = None
) -> models.QuerySet[AbsenceRegistration]:
    """Registrations of the employee whose period shares at least one day with start..end."""
    qs = AbsenceRegistration.objects.filter(employee_id=employee_id).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs


class EmployeeAccessLog(models.Model):
    """Every look at one employee's individual absence data: by whom, when, what was seen and where.

    A page listing many employees writes one row per employee shown. ``where`` is the URL name of the
    page (``absence:queue``, ``admin:absence_advisory_changelist``) or the management command.
    ``user_label`` keeps who it was when their account is later deleted.
    """

    class Action(models.TextChoices):
        VIEW_PAGE = "view_page", _("Opened the absence page")
        LIST_ROW = "list_row", _("Shown in a list or search result")
        EDIT_FORM = "edit_form", _("Opened the registration form")
        EXPORT_CSV = "export_csv", _("Exported as CSV")
        GDPR_EXPORT = "gdpr_export", _("Exported all data (GDPR)")
        ADMIN_VIEW = "admin_view", _("Seen in the Django admin")
        VIEW_LOG = "view_log", _("Read the access log")

    class Via(models.TextChoices):
        PORTAL = "portal", _("Portal")
        ADMIN = "admin", _("Django admin")
        COMMAND_LINE = "command_line", _("Command line")

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="access_log"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    user_label = models.CharField(_("user at the time"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    via = models.CharField(_("via"), max_length=20, choices=Via.choices, default=Via.PORTAL)
    where = models.CharField(_("where"), max_length=100, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["employee", "-at"])]

    def __str__(self) -> str:
        return f"{self.who} · {self.employee} · {self.at:%Y-%m-%d %H:%M}"

    @property
    def who(self) -> str:
        """The user, or what is known of them: an operator at the command line, a deleted account."""
        if self.user_id is not None:
            return str(self.user)
        if self.via == self.Via.COMMAND_LINE:
            return str(_("command line"))
        return self.user_label or "–"
