"""Sickness-absence follow-up (DOMAIN.md section 1).

Registrations are the facts (from payroll or the HR form). Spells are derived from them (never edited
by hand) and advisories hang on spells. Code that writes registrations in bulk (imports) must call
``services.spells_rederive_many(organization=..., employee_ids=...)`` in the same transaction.
There is no diagnosis field anywhere on purpose (GDPR art. 9).
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization, OrgUnit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NOTE_MAX_LENGTH = 200
NOTE_WARNING = _(
    "At most 200 characters. Do not write health details, diagnoses or named conditions here (the portal "
    "may not hold them): write only what was agreed and done."
)


class ContactForm(models.TextChoices):
    PHONE = "phone", _("Phone")
    MEETING = "meeting", _("Meeting in person")
    VIDEO = "video", _("Video call")
    WRITTEN = "written", _("Letter or email")
    NOT_REACHED = "not_reached", _("No contact reached")


class FollowUpOutcome(models.TextChoices):
    EXPECTED_BACK = "expected_back", _("Expected back")
    PARTIAL_RETURN = "partial_return", _("Partial return agreed")
    CONVERSATION_7A = "conversation_7a", _("Needs the sickness conversation (§7a)")
    FAST_TRACK = "fast_track", _("Fast track (§7c) considered")
    RETENTION_PLAN = "retention_plan", _("Retention plan (§7b) requested")
    NO_ACTION = "no_action", _("No action needed")


class Adjustment(models.TextChoices):
    REDUCED_HOURS = "reduced_hours", _("Reduced hours")
    CHANGED_TASKS = "changed_tasks", _("Changed tasks")
    AIDS = "aids", _("Aids or equipment")
    WORKPLACE = "workplace", _("Workplace adjustment")
    WORKING_FROM_HOME = "working_from_home", _("Working from home")
    NONE = "none", _("None")


class HealthTerm(models.Model):
    """A word or code that a note may not contain: the maintained list behind the health-text check
    (DOMAIN.md 1.9, ``apps.absence.health``). Seeded by migration 0007; admins add and retire terms."""

    class Language(models.TextChoices):
        DA = "da", _("Danish")
        NB = "nb", _("Norwegian bokmål")
        EN = "en", _("English")
        ANY = "any", _("Any language")

    class Kind(models.TextChoices):
        WORD = "word", _("Whole word")
        WORD_START = "word_start", _("Start of a word")
        PATTERN = "pattern", _("Pattern (regular expression, whole word)")

    term = models.CharField(
        _("term"),
        max_length=100,
        help_text=_(
            "Matched without regard to case. A whole word: only the word itself; the start of a word: "
            "also longer words beginning with it (depression → depressionen); a pattern: a regular "
            "expression matched as a whole word (ICD-10 codes)."
        ),
    )
    language = models.CharField(_("language"), max_length=3, choices=Language.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WORD_START)
    label = models.CharField(
        _("shown as"),
        max_length=100,
        blank=True,
        help_text=_("What the error message calls a match of a pattern, e.g. “an ICD-10 code”."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("health term")
        verbose_name_plural = _("health terms")
        ordering = ["language", "term"]
        constraints = [
            models.UniqueConstraint(fields=["term", "language", "kind"], name="absence_health_term_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.language})"

    def clean(self) -> None:
        from .health import compile_term

        try:
            compile_term(self.kind, self.term)
        except re.error as exc:
            raise ValidationError({"term": _("Not a valid pattern: %(error)s") % {"error": exc}}) from None


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

CONTACT_PRESETS = {"1-3-10": [1, 3, 10], "1-5-14": [1, 5, 14]}
LEGAL_MILESTONE_DAYS = (28, 30, 35, 56)


def default_contact_days() -> list[int]:
    return list(CONTACT_PRESETS["1-3-10"])


def default_extra_days_off() -> list[str]:
    return ["06-05", "12-24", "12-31"]


def default_type_settings() -> dict[str, dict[str, bool]]:
    return {str(code): dict(flags) for code, flags in DEFAULT_TYPE_SETTINGS.items()}


def default_frequent_rules() -> list[dict]:
    return [{"kind": "spells", "count": 3, "months": 6}, {"kind": "days", "count": 15, "months": 12}]


def default_bradford_bands() -> list[int]:
    return [51, 201, 401, 601]


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
        indexes = [models.Index(fields=["organization", "unit"]), models.Index(fields=["leader"])]

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
            # The statistics read the ongoing registrations from the rows (see AbsenceMonth).
            models.Index(fields=["employee"], condition=Q(end_date__isnull=True), name="absence_reg_ongoing"),
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


class AdvisoryPolicy(models.Model):
    """The organisation's follow-up model: every SETTING of DOMAIN.md section 1."""

    class DayCounting(models.TextChoices):
        CALENDAR = "calendar", _("Calendar days")
        WORKING = "working", _("Working days")

    organization = models.OneToOneField(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="advisory_policy"
    )
    contact_days = models.JSONField(
        _("contact days"),
        default=default_contact_days,
        help_text=_(
            "The days of a spell on which the leader gets an advisory, e.g. [1, 3, 10] or [1, 5, 14]."
        ),
    )
    day_counting = models.CharField(
        _("day counting"), max_length=10, choices=DayCounting.choices, default=DayCounting.CALENDAR
    )
    extra_days_off = models.JSONField(
        _("extra days off"),
        default=default_extra_days_off,
        blank=True,
        help_text=_("Days off by agreement besides public holidays, as MM-DD (e.g. 06-05, 12-24, 12-31)."),
    )
    join_across_non_working_days = models.BooleanField(
        _("join spells across non-working days"),
        default=False,
        help_text=_("Two absences separated only by a weekend or holidays count as one spell."),
    )
    type_settings = models.JSONField(
        _("absence type settings"),
        default=default_type_settings,
        help_text=_(
            'Per absence type code: {"advisories": bool, "percentage": bool, "bradford": bool} - whether it '
            "counts toward contact advisories, the absence percentage and the Bradford factor."
        ),
    )
    frequent_rules = models.JSONField(
        _("frequent absence rules"),
        default=default_frequent_rules,
        blank=True,
        help_text=_(
            'A list of rules such as {"kind": "spells", "count": 3, "months": 6} or '
            '{"kind": "days", "count": 15, "months": 12}.'
        ),
    )
    short_absence_max_days = models.PositiveSmallIntegerField(_("short absence, at most days"), default=14)
    bradford_bands = models.JSONField(
        _("Bradford bands"),
        default=default_bradford_bands,
        help_text=_("Lower limits of the bands, ascending, e.g. [51, 201, 401, 601]."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention period (years)"),
        default=5,
        help_text=_(
            "Individual absence data is deleted this long after it ends or after the employment ends."
        ),
    )
    work_injury_report_days = models.PositiveSmallIntegerField(
        _("report work injury within days"), default=14
    )
    late_horizon_days = models.PositiveSmallIntegerField(
        _("create missed advisories for spells ended within days"),
        default=90,
        help_text=_(
            "Advisories that were missed are created late for spells that ended at most this long ago."
        ),
    )

    class Meta:
        verbose_name = _("advisory policy")
        verbose_name_plural = _("advisory policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(retention_years__gte=1), name="absence_policy_retention_min_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {'-'.join(str(d) for d in self.contact_days)}"

    def get_permission_scope(self) -> tuple[int, None]:
        return self.organization_id, None

    def clean(self) -> None:
        days = self.contact_days
        if not isinstance(days, list) or not days or not all(isinstance(d, int) and d >= 1 for d in days):
            raise ValidationError({"contact_days": _("Give a list of whole days, each at least 1.")})
        bands = self.bradford_bands
        if not isinstance(bands, list) or not all(isinstance(b, int) and b > 0 for b in bands):
            raise ValidationError({"bradford_bands": _("Give a list of positive whole numbers.")})
        if bands != sorted(set(bands)):
            raise ValidationError({"bradford_bands": _("The band limits must be ascending.")})
        for rule in self.frequent_rules or []:
            if (
                not isinstance(rule, dict)
                or rule.get("kind") not in ("spells", "days")
                or not isinstance(rule.get("count"), int)
                or not isinstance(rule.get("months"), int)
                or rule["count"] < 1
                or rule["months"] < 1
            ):
                raise ValidationError(
                    {"frequent_rules": _('Each rule needs "kind" (spells or days), "count" and "months".')}
                )
        for value in self.extra_days_off or []:
            try:
                month, day = (int(part) for part in str(value).split("-"))
                date(2024, month, day)
            except ValueError:
                raise ValidationError({"extra_days_off": _("Write each day as MM-DD.")}) from None

    def flag(self, absence_type: str, key: str) -> bool:
        flags = self.type_settings.get(absence_type) or DEFAULT_TYPE_SETTINGS.get(absence_type, {})
        return bool(flags.get(key, False))

    def types_for(self, key: str) -> list[str]:
        """Type codes that count for ``key``: "advisories", "percentage" or "bradford"."""
        return [code for code in AbsenceType.values if self.flag(code, key)]


class Spell(models.Model):
    """One continuous absence of the counting types (DOMAIN.md 1.3). Derived; never edited by hand."""

    if TYPE_CHECKING:
        days: int  # put on the spells of an employee's timeline (selectors.employee_timeline)

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="spells"
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"), null=True, blank=True)
    includes_work_injury = models.BooleanField(_("includes work injury"), default=False)

    class Meta:
        verbose_name = _("spell")
        verbose_name_plural = _("spells")
        ordering = ["employee", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "start_date"], name="absence_spell_unique_start"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="absence_spell_end_not_before_start",
            ),
        ]
        indexes = [models.Index(fields=["end_date"])]

    def __str__(self) -> str:
        return f"{self.employee} · {self.start_date}–{self.end_date or '…'}"

    def get_permission_scope(self) -> tuple[int, OrgUnit]:
        return self.employee.get_permission_scope()

    def length_days(self, as_of: date) -> int:
        """Calendar days so far (spell length is counted in calendar days)."""
        last = self.end_date if self.end_date and self.end_date <= as_of else as_of
        return max((last - self.start_date).days + 1, 0)


class Advisory(models.Model):
    """A due follow-up step for one spell: a contact day, a legal milestone or a frequent-absence rule.

    ``day`` is the day of the spell for contact and legal advisories, and the number of the policy's
    frequent rule (1 = first) for frequent ones. The unique (spell, kind, day) makes the sweep safe to run
    twice or concurrently. When a correction removes a spell, advisories nobody has acted on go with it;
    the others stay (``spell`` empty) so that their history is not lost.
    """

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Contact")
        LEGAL = "legal", _("Legal milestone")
        FREQUENT = "frequent", _("Frequent absence")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        SEEN = "seen", _("Seen")
        CONTACT_MADE = "contact_made", _("Contact made")
        CONVERSATION_HELD = "conversation_held", _("Conversation held")
        CLOSED = "closed", _("Closed")

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="advisories"
    )
    spell = models.ForeignKey(
        Spell,
        verbose_name=_("spell"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advisories",
    )
    spell_start = models.DateField(_("spell start"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    day = models.PositiveSmallIntegerField(_("day"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    late = models.BooleanField(_("created late"), default=False)
    assigned_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_advisories",
        help_text=_("The leader who follows this advisory up; empty: the employee's own leader."),
    )
    notified_at = models.DateTimeField(_("leader notified"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("advisory")
        verbose_name_plural = _("advisories")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["spell", "kind", "day"], name="absence_advisory_unique_spell_kind_day"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["employee", "due_date"]),
            # The queue's count and page: open advisories only (a fifth of them at scale), read by an
            # index-only scan instead of a scan of every advisory.
            models.Index(
                fields=["due_date", "employee"],
                condition=~Q(status="closed"),
                name="absence_advisory_open_due",
            ),
            # The sweep's leader mail claims the contact advisories nobody was told about yet: a few
            # rows, found without reading every advisory.
            models.Index(
                fields=["employee"],
                condition=Q(kind="contact", notified_at__isnull=True),
                name="absence_advisory_unnotified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} · {self.get_kind_display()} {self.day} · {self.due_date}"

    def get_permission_scope(self) -> tuple[int, OrgUnit]:
        return self.employee.get_permission_scope()

    # Statuses in which the advisory still waits for the leader to reach out: past its due date it is
    # overdue. From "contact made" on the leader has acted, however late.
    AWAITING_LEADER = (Status.NEW, Status.SEEN)

    @property
    def next_status(self) -> str | None:
        order = list(self.Status.values)
        index = order.index(self.status)
        return order[index + 1] if index + 1 < len(order) else None

    @property
    def milestone_label(self):
        if self.kind == self.Kind.LEGAL:
            return LEGAL_LABELS.get(self.day, "")
        return ""


LEGAL_LABELS = {
    28: _("Sickness conversation (§7a) held by now"),
    30: _("End of the employer period"),
    35: _("Report to the municipality (NemRefusion); last day to ask for the fast track (§7c)"),
    56: _("Retention plan (§7b) may be requested"),
}


class AdvisoryEvent(models.Model):
    """Who moved an advisory to which status, when, and what the follow-up found: the structured fields
    and a short note. Notes written before the structured fields existed (migration 0008) carry
    ``note_needs_review`` until HR has checked them; until then only HR sees them."""

    advisory = models.ForeignKey(
        Advisory, verbose_name=_("advisory"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from status"), max_length=20, choices=Advisory.Status.choices)
    to_status = models.CharField(_("to status"), max_length=20, choices=Advisory.Status.choices)
    contact_form = models.CharField(_("contact form"), max_length=20, choices=ContactForm.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=FollowUpOutcome.choices, blank=True)
    adjustments = models.JSONField(
        _("agreed adjustments"), default=list, blank=True, help_text=_("Codes of the agreed adjustments.")
    )
    next_contact = models.DateField(_("next contact"), null=True, blank=True)
    # A text column: notes from before the 200-character limit are kept whole until HR reviews them.
    note = models.TextField(_("note"), blank=True, help_text=NOTE_WARNING)
    note_needs_review = models.BooleanField(
        _("note awaits HR review"),
        default=False,
        help_text=_("A free-text note from before the health-text check; shown only to HR until reviewed."),
    )
    note_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("note reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note_reviewed_at = models.DateTimeField(_("note reviewed at"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("advisory event")
        verbose_name_plural = _("advisory events")
        ordering = ["advisory", "at", "pk"]
        indexes = [
            models.Index(
                fields=["advisory"], condition=Q(note_needs_review=True), name="absence_event_review"
            )
        ]

    def __str__(self) -> str:
        return f"{self.advisory_id}: {self.from_status} → {self.to_status}"

    def adjustment_labels(self) -> list[str]:
        labels = dict(Adjustment.choices)
        return [str(labels.get(code, code)) for code in self.adjustments or []]


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
        indexes = [models.Index(fields=["organization", "month"])]

    def __str__(self) -> str:
        return f"{self.employee_id} · {self.absence_type} · {self.month}"


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

    class Meta:
        verbose_name = _("statistics version")
        verbose_name_plural = _("statistics versions")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.token}"


class SweepState(models.Model):
    """Where the daily advisory sweep of one organisation has got to.

    The next sweep only needs to look at employees whose spells changed since (``PendingSweep``) and at
    spells that were still running after ``swept_through``: nothing else can have come due. A changed
    policy (``policy_fingerprint``), a first run or a run for an earlier day looks at everyone.
    """

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    swept_through = models.DateField(_("swept through"), null=True, blank=True)
    policy_fingerprint = models.CharField(_("policy fingerprint"), max_length=64, blank=True)
    swept_at = models.DateTimeField(_("swept at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sweep state")
        verbose_name_plural = _("sweep states")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.swept_through or '-'}"


class PendingSweep(models.Model):
    """An employee whose spells changed since the last sweep of their organisation took them in.

    Written in the same transaction as the spell change and before it (``services._sync_spells``), with
    an upsert that locks the row; the sweep deletes the rows no writer holds and reads their changes, so
    no change is missed.
    """

    employee = models.OneToOneField(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"))
    changed_from = models.DateField(
        _("changed from"), help_text=_("First day of the earliest spell that changed.")
    )

    class Meta:
        verbose_name = _("employee waiting for the sweep")
        verbose_name_plural = _("employees waiting for the sweep")

    def __str__(self) -> str:
        return f"{self.employee_id} ({self.marked_at:%Y-%m-%d %H:%M})"


class ImportStorage(FileSystemStorage):
    """Uploaded payroll files under MEDIA_ROOT/imports/: read by the import tasks, never served by URL."""

    @cached_property
    def base_location(self):
        # Follows MEDIA_ROOT when it changes (tests): the parent clears this cache on setting_changed.
        return str(Path(settings.MEDIA_ROOT) / "imports")

    def url(self, name):
        raise ValueError("uploaded payroll files are never served by URL")


def import_storage() -> ImportStorage:
    return ImportStorage()


def _import_file_name(job: ImportJob, filename: str) -> str:
    # A random name: the original name (often with the organisation and a date) stays in the database.
    suffix = Path(filename).suffix.lower()
    return f"{uuid.uuid4().hex}{suffix if suffix in ('.csv', '.txt', '.xlsx') else ''}"


class ImportJob(models.Model):
    """A payroll file uploaded in the browser, checked and imported by the worker (not in the request).

    The file is kept only until the job is finished or discarded. ``row_errors`` and ``preview_rows``
    hold the first rows for the preview page (values as in the file, with the reasons of a bad row);
    they are emptied when the import is done.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Being imported")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    RUNNING = (Status.QUEUED, Status.CHECKING, Status.IMPORTING)

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(_("kind"), max_length=20)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    file = models.FileField(storage=import_storage, upload_to=_import_file_name, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    counts = models.JSONField(
        _("counts"), default=dict, blank=True
    )  # create / update / unchanged / bad, from the check
    file_error = models.TextField(
        _("problem with the file"), blank=True
    )  # the file as a whole could not be read
    row_errors = models.JSONField(default=list, blank=True)  # the first bad rows: line, values, reasons
    error_total = models.PositiveIntegerField(_("bad rows"), default=0)  # bad rows in the whole file
    preview_rows = models.JSONField(default=list, blank=True)  # the first good rows: line, values, action
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    advisories = models.PositiveIntegerField(_("advisories"), default=0)
    failure = models.TextField(_("why it failed"), blank=True)  # why a failed job failed, for the uploader
    # When the job last showed life (uploaded, a progress step of the check, confirmed, sent again), and
    # how often the stuck-job sweep has sent it again: a job whose worker died is retried, then failed.
    heartbeat_at = models.DateTimeField(_("last sign of life"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("sent again"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="absence_importjob_org_idx")]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_ready(self) -> bool:
        """Checked without a single problem: the uploader may import it."""
        return self.status == self.Status.CHECKED and not self.file_error and not self.error_total

    @property
    def is_refused(self) -> bool:
        return self.status == self.Status.CHECKED and not self.is_ready

    @property
    def percent(self) -> int:
        return int(self.rows_done * 100 / self.rows_total) if self.rows_total else 0
