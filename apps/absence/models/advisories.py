"""Advisory follow-up: the policy (every SETTING), spells, advisories and their steps, and the
health-term list the notes are checked against."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization, OrgUnit

from .employees import DEFAULT_TYPE_SETTINGS, NOTE_WARNING, AbsenceType, Employee

if TYPE_CHECKING:
    pass


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
        from ..health import compile_term

        try:
            compile_term(self.kind, self.term)
        except re.error as exc:
            raise ValidationError({"term": _("Not a valid pattern: %(error)s") % {"error": exc}}) from None


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
