"""Strategy plans: focus areas, goals (with optional indicators), initiatives and their updates.

Goals and initiatives keep a full change history (django-simple-history) and a ``version`` counter
used for optimistic locking: an edit form carries the version it was loaded with, and the service
refuses to save when somebody else has saved in between.
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.organizations.models import Organization, OrgUnit

if TYPE_CHECKING:
    from datetime import date

    from django_stubs_ext import StrOrPromise


class StrategyPlan(models.Model):
    class Visibility(models.TextChoices):
        UNPUBLISHED = "unpublished", _("Not published")
        MEMBERS = "members", _("Members only")
        PUBLIC = "public", _("Public link")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="strategy_plans"
    )
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    introduction = models.TextField(_("introduction"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    archived_at = models.DateTimeField(
        _("archived"),
        null=True,
        blank=True,
        help_text=_("An archived plan is read-only and left out of lists and choices; it can be unarchived."),
    )
    visibility = models.CharField(
        _("progress page"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.UNPUBLISHED,
        help_text=_(
            "Who can follow the plan's progress page: only the board (not published), everyone with a "
            "log-in to the organisation (members only), or also anyone with the public link."
        ),
    )
    stale_after_weeks = models.PositiveSmallIntegerField(
        _("reminder after weeks without an update"),
        null=True,
        blank=True,
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_(
            "The person responsible for an open initiative gets an email when it has had no update for "
            "this many weeks, and again after as many weeks more. Empty: no reminders."
        ),
    )

    class Meta:
        verbose_name = _("strategy plan")
        verbose_name_plural = _("strategy plans")
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")), name="strategyplan_period_order"
            ),
            # The same bounds as apps.core.dates (EARLIEST_YEAR, LATEST_YEAR): a year like 99999 is a typo.
            models.CheckConstraint(
                condition=Q(start_year__gte=1900, end_year__lte=2200), name="strategyplan_sane_years"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["unpublished", "members", "public"]),
                name="strategyplan_visibility_known",
            ),
            models.CheckConstraint(
                condition=Q(stale_after_weeks__isnull=True)
                | Q(stale_after_weeks__gte=1, stale_after_weeks__lte=52),
                name="strategyplan_stale_weeks_1_52",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}-{self.end_year})"

    def get_permission_scope(self) -> tuple[int, None]:
        return self.organization_id, None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def covers(self, year: int) -> bool:
        return self.start_year <= year <= self.end_year

    def clean(self) -> None:
        # The database refuses an overlap too (migration 0003); the admin shows this message instead.
        if self.archived_at is not None or self.organization_id is None:
            return
        if self.start_year is None or self.end_year is None:
            return
        other = (
            StrategyPlan.objects.filter(
                organization_id=self.organization_id,
                archived_at__isnull=True,
                start_year__lte=self.end_year,
                end_year__gte=self.start_year,
            )
            .exclude(pk=self.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                _("%(plan)s is the organisation's current plan for some of these years.") % {"plan": other}
            )


class FocusArea(models.Model):
    plan = models.ForeignKey(
        StrategyPlan, verbose_name=_("strategy plan"), on_delete=models.CASCADE, related_name="focus_areas"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    focus = models.CharField(
        _("focus"), max_length=300, blank=True, help_text=_("One line: what the area is about.")
    )
    narrative = models.TextField(_("narrative"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_permission_scope(self) -> tuple[int, None]:
        return self.plan.organization_id, None


# An indicator's unit says what it measures. Counts (members, agreements) and shares in % cannot be
# negative; a change, a points scale or an amount of money can.
_MAY_BE_NEGATIVE = re.compile(
    r"point|poeng|\bpp\b|score|nps|ændring|endring|change|vækst|vekst|growth|netto|\bnet\b|±|\+/-|Δ"
    r"|\bkr\b|kroner|\bdkk\b|\bnok\b|\beur\b|€",
    re.IGNORECASE,
)


class Goal(models.Model):
    focus_area = models.ForeignKey(
        FocusArea, verbose_name=_("focus area"), on_delete=models.CASCADE, related_name="goals"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("goal"))
    indicator_unit = models.CharField(
        _("indicator unit"), max_length=40, blank=True, help_text=_("For example %, members or agreements.")
    )
    indicator_baseline = models.DecimalField(
        _("baseline"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    indicator_target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    indicator_current = models.DecimalField(
        _("current value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    indicator_target_date = models.DateField(_("target date"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version", "position"])

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["focus_area", "position", "pk"]
        constraints = [
            # A target equal to the baseline cannot show progress.
            models.CheckConstraint(
                condition=Q(indicator_target__isnull=True)
                | Q(indicator_baseline__isnull=True)
                | ~Q(indicator_target=F("indicator_baseline")),
                name="goal_target_differs_from_baseline",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def get_permission_scope(self) -> tuple[int, None]:
        return self.focus_area.plan.organization_id, None

    def clean(self) -> None:
        if self.focus_area_id is not None:
            errors = self.indicator_errors(self.focus_area.plan)
            if errors:
                raise ValidationError(errors)

    @property
    def indicator_may_be_negative(self) -> bool:
        """False for a count or a percentage; a unit that names a change (or no unit) allows it."""
        unit = self.indicator_unit.strip()
        return not unit or bool(_MAY_BE_NEGATIVE.search(unit))

    def indicator_errors(self, plan: StrategyPlan) -> dict[str, StrOrPromise]:
        """What cannot be right about the indicator, by field: a target date outside the plan's
        period, a negative count or percentage."""
        errors: dict[str, StrOrPromise] = {}
        day = self.indicator_target_date
        if day is not None and not plan.covers(day.year):
            errors["indicator_target_date"] = _(
                "The target date must lie within the plan's period, %(start)s–%(end)s."
            ) % {"start": plan.start_year, "end": plan.end_year}
        if not self.indicator_may_be_negative:
            for name in ("indicator_baseline", "indicator_target", "indicator_current"):
                value = getattr(self, name)
                if value is not None and value < 0:
                    errors[name] = _(
                        "A count or a percentage cannot be below 0. If the indicator measures a "
                        "change, say so in the unit, for example “percentage points” or “change in members”."
                    )
        return errors

    @property
    def has_indicator(self) -> bool:
        return self.indicator_target is not None and self.indicator_baseline is not None

    @property
    def indicator_percent(self) -> int | None:
        """How far the current value has moved from the baseline towards the target, 0-100."""
        target, baseline, current = self.indicator_target, self.indicator_baseline, self.indicator_current
        if target is None or baseline is None or current is None:  # no indicator, or no value yet
            return None
        span = target - baseline
        share = (current - baseline) / span * Decimal(100)
        return int(max(Decimal(0), min(Decimal(100), share)))


class Initiative(models.Model):
    if TYPE_CHECKING:
        # Put on the rows of the stale list's page (views_progress.stale_list) for its template.
        last_activity: date
        weeks_quiet: int

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        COUNTY = "county", _("County")
        LOCAL_UNION = "local_union", _("Local union")
        CLUB = "club", _("Club")
        NONE = "none", _("No level")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        PAUSED = "paused", _("Paused")
        DROPPED = "dropped", _("Dropped")

    focus_area = models.ForeignKey(
        FocusArea, verbose_name=_("focus area"), on_delete=models.CASCADE, related_name="initiatives"
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
    )
    implements = models.ForeignKey(
        "self",
        verbose_name=_("implements"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="implementations",
        help_text=_("The national initiative this one carries out locally."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("initiative"))
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.NONE)
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("responsible unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategy_initiatives",
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategy_initiatives",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "How much the initiative counts in the progress of its focus area and the plan, from 1 to 100. "
            "Initiatives with the same weight count equally."
        ),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When the responsible person was last reminded of a missing update: the daily job reminds again
    # only after the plan's number of weeks more.
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["version", "position", "updated_at", "reminded_at"])

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["focus_area", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="initiative_progress_0_100"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="initiative_weight_1_100"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="initiative_due_after_start",
            ),
            models.CheckConstraint(
                condition=Q(level__in=["national", "county", "local_union", "club", "none"]),
                name="initiative_level_known",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "in_progress", "done", "paused", "dropped"]),
                name="initiative_status_known",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.text

    def get_permission_scope(self) -> tuple[int, None]:
        return self.focus_area.plan.organization_id, None

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.DONE, self.Status.DROPPED)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today


class InitiativeUpdate(models.Model):
    """A dated progress note; records the status and progress it set, if it changed them."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="updates"
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategy_updates",
    )
    text = models.TextField(_("note"))
    status_before = models.CharField(
        _("status before"), max_length=20, choices=Initiative.Status.choices, blank=True
    )
    status_after = models.CharField(
        _("status after"), max_length=20, choices=Initiative.Status.choices, blank=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("initiative update")
        verbose_name_plural = _("initiative updates")
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="initiativeupdate_progress_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.text[:60]}"

    def get_permission_scope(self) -> tuple[int, None]:
        return self.initiative.focus_area.plan.organization_id, None

    @property
    def changed_status(self) -> bool:
        return bool(self.status_after) and self.status_after != self.status_before


def _link_token() -> str:
    return secrets.token_urlsafe(32)


class PlanLink(models.Model):
    """The public link to a plan's progress page, for people without a log-in (members of a union that
    the portal has no account for, a newsletter, the union's website).

    The token is the credential (256 random bits). It works while the plan is published by public link
    and until the board revokes it; a new link then has a new token.
    """

    plan = models.ForeignKey(
        StrategyPlan, verbose_name=_("strategy plan"), on_delete=models.CASCADE, related_name="links"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_link_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("public plan link")
        verbose_name_plural = _("public plan links")
        ordering = ["plan", "-created_at"]

    def __str__(self) -> str:
        return f"{self.plan} · {self.created_at:%d.%m.%Y %H:%M}"

    def get_permission_scope(self) -> tuple[int, None]:
        return self.plan.organization_id, None

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.plan.visibility == StrategyPlan.Visibility.PUBLIC


class InitiativeComment(models.Model):
    """A member's comment or question on an initiative, shown on the progress page once the board
    approves it. A hidden comment is never shown to members again."""

    MAX_LENGTH = 1000

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        HIDDEN = "hidden", _("Hidden")

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="strategy_comments",
    )
    text = models.TextField(_("comment"), max_length=MAX_LENGTH)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    # Set when the initiative's responsible person was told about the published comment (once).
    notified_at = models.DateTimeField(_("owner notified"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("comment on an initiative")
        verbose_name_plural = _("comments on initiatives")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "hidden"]),
                name="initiativecomment_status_known",
            ),
        ]
        indexes = [models.Index(fields=["initiative", "status"])]

    def __str__(self) -> str:
        return self.text[:60]

    def get_permission_scope(self) -> tuple[int, None]:
        return self.initiative.focus_area.plan.organization_id, None
