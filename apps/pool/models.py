"""The work-environment pool ("Arbejdsmiljøpuljen"): calls, theme-day rankings, applications, signatures.

Money is stored in whole Danish kroner (integers) everywhere in this app.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.organizations.models import Organization


class Step(models.TextChoices):
    """The municipality's process from theme day to submission (seed 004, DOMAIN.md 3.4)."""

    IDEA = "idea", _("Idea")
    DRAFTING = "drafting", _("Project group drafting")
    DECISION = "decision", _("Executive board decision")
    QUALIFICATION = "qualification", _("Qualification by management group and HU")
    SIGNED = "signed", _("Signed")
    SUBMITTED = "submitted", _("Submitted")


STEP_ORDER = [s.value for s in Step]


class TextRequirement(models.TextChoices):
    """The application texts a call can require (the keys stored in ``PoolCall.required_fields``)."""

    TITLE = "title", _("Title")
    PROJECT_IDEA = "project_idea", _("Project idea")
    EXPECTED_EFFECT = "expected_effect", _("Expected positive and lasting effect on the work environment")
    EVALUATION_PLAN = "evaluation_plan", _("Evaluation and reporting plan")
    ANCHORING_PLAN = "anchoring_plan", _("Anchoring and sharing plan")


def default_required_fields() -> list[str]:
    return list(TextRequirement.values)


class PoolCall(models.Model):
    """One application round of a pool; amounts, themes and dates are data, editable in the admin."""

    name = models.CharField(_("name"), max_length=200)
    funder = models.CharField(_("funder"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    minimum_eligible_expenses = models.PositiveBigIntegerField(
        _("minimum eligible expenses (DKK)"), help_text=_("Whole kroner.")
    )
    application_deadline = models.DateField(_("application deadline"))
    required_fields = models.JSONField(
        _("required fields"),
        default=default_required_fields,
        blank=True,
        help_text=_("The application texts the call requires."),
    )
    requirements_text = models.TextField(
        _("requirements as stated by the funder"), blank=True, help_text=_("One requirement per line.")
    )

    class Meta:
        verbose_name = _("pool call")
        verbose_name_plural = _("pool calls")
        ordering = ["-application_deadline"]
        constraints = [models.UniqueConstraint(fields=["name"], name="pool_call_name_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        """The application deadline has passed: the call takes no more applications."""
        return self.application_deadline < timezone.localdate()

    def clean(self) -> None:
        unknown = [f for f in self.required_fields or [] if f not in TextRequirement.values]
        if unknown:
            raise ValidationError({"required_fields": _("Unknown fields: %s") % ", ".join(map(str, unknown))})

    @property
    def requirement_lines(self) -> list[str]:
        return [line.strip() for line in self.requirements_text.splitlines() if line.strip()]


class PoolTheme(models.Model):
    call = models.ForeignKey(
        PoolCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="themes"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["call", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="pool_theme_position_unique"),
            models.UniqueConstraint(fields=["call", "name"], name="pool_theme_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class PlannedStep(models.Model):
    """When the organisation plans to carry out a step for this call (shown on the timeline)."""

    call = models.ForeignKey(
        PoolCall, verbose_name=_("call"), on_delete=models.CASCADE, related_name="planned_steps"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("planned step")
        verbose_name_plural = _("planned steps")
        ordering = ["call", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["call", "step"], name="pool_planned_step_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="pool_planned_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call}: {self.get_step_display()}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class RankingSession(models.Model):
    """A theme day at which tables rank the call's themes; the facilitator watches the result."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="ranking_sessions",
    )
    call = models.ForeignKey(
        PoolCall, verbose_name=_("call"), on_delete=models.PROTECT, related_name="ranking_sessions"
    )
    title = models.CharField(_("meeting"), max_length=200)
    meeting_date = models.DateField(_("meeting date"))
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("facilitator"), on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("theme ranking session")
        verbose_name_plural = _("theme ranking sessions")
        ordering = ["-meeting_date", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_permission_scope(self) -> tuple[int, None]:
        return self.organization_id, None


class ThemeRanking(models.Model):
    """One table's (or participant's) ranking of the themes; opened through its unguessable token."""

    if TYPE_CHECKING:
        url: str  # put on the rows of the session's page (views) for its QR codes

    session = models.ForeignKey(
        RankingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="rankings"
    )
    label = models.CharField(_("table"), max_length=80)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("theme ranking")
        verbose_name_plural = _("theme rankings")
        ordering = ["session", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "label"], name="pool_ranking_label_unique")]

    def __str__(self) -> str:
        return f"{self.session}: {self.label}"


class RankingPlace(models.Model):
    """Theme ``theme`` is in place ``place`` (1 = most important) in one ranking."""

    ranking = models.ForeignKey(
        ThemeRanking, verbose_name=_("ranking"), on_delete=models.CASCADE, related_name="places"
    )
    theme = models.ForeignKey(PoolTheme, verbose_name=_("theme"), on_delete=models.CASCADE, related_name="+")
    place = models.PositiveSmallIntegerField(pgettext_lazy("ranking", "place"))

    class Meta:
        verbose_name = _("ranking place")
        verbose_name_plural = _("ranking places")
        ordering = ["ranking", "place"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "theme"], name="pool_place_theme_unique"),
            models.UniqueConstraint(fields=["ranking", "place"], name="pool_place_place_unique"),
            models.CheckConstraint(condition=models.Q(place__gte=1), name="pool_place_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.place}. {self.theme}"


class PoolApplication(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="pool_applications",
    )
    call = models.ForeignKey(
        PoolCall, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    theme = models.ForeignKey(
        PoolTheme,
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
    )
    ranking_session = models.ForeignKey(
        RankingSession,
        verbose_name=_("theme day"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    project_idea = models.TextField(_("project idea"), blank=True)
    expected_effect = models.TextField(
        _("expected effect"),
        blank=True,
        help_text=_(
            "The expected positive and lasting effect on the work environment and attractive workplaces."
        ),
    )
    evaluation_plan = models.TextField(_("evaluation and reporting plan"), blank=True)
    anchoring_plan = models.TextField(
        _("anchoring and sharing plan"),
        blank=True,
        help_text=_("How the project's work-environment efforts are anchored and good experiences shared."),
    )
    project_group = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project group"),
        blank=True,
        related_name="pool_project_groups",
    )
    status = models.CharField(_("status"), max_length=20, choices=Step.choices, default=Step.IDEA)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("pool application")
        verbose_name_plural = _("pool applications")
        ordering = ["-call__application_deadline", "title"]

    def __str__(self) -> str:
        return self.title or str(_("Untitled application"))

    def get_permission_scope(self) -> tuple[int, None]:
        return self.organization_id, None

    def clean(self) -> None:
        if self.theme is not None and self.theme.call_id != self.call_id:
            raise ValidationError({"theme": _("The theme must belong to the application's call.")})


class TargetGroup(models.Model):
    application = models.ForeignKey(
        PoolApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="target_groups"
    )
    name = models.CharField(_("employee group"), max_length=200)
    employees_in_group = models.PositiveIntegerField(_("employees in the group"))
    benefitting = models.PositiveIntegerField(_("employees who benefit"))
    participants = models.PositiveIntegerField(_("employees who take part"))

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["application", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(benefitting__lte=models.F("employees_in_group")),
                name="pool_target_share_at_most_100",
            ),
            models.CheckConstraint(
                condition=models.Q(participants__lte=models.F("employees_in_group")),
                name="pool_target_participants_at_most_employees",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def share_percent(self) -> float:
        """Share of the group's employees who benefit, in per cent."""
        if not self.employees_in_group:
            return 0.0
        return 100 * self.benefitting / self.employees_in_group


class BudgetLine(models.Model):
    application = models.ForeignKey(
        PoolApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    text = models.CharField(_("expense"), max_length=200)
    amount = models.PositiveBigIntegerField(_("amount (DKK)"))
    eligible = models.BooleanField(_("eligible for the pool"), default=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["application", "pk"]

    def __str__(self) -> str:
        return self.text


class StepEvent(models.Model):
    """A move of an application from one step to another: who, when, and why."""

    application = models.ForeignKey(
        PoolApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    from_step = models.CharField(_("from"), max_length=20, choices=Step.choices, blank=True)
    to_step = models.CharField(_("to"), max_length=20, choices=Step.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("step event")
        verbose_name_plural = _("step events")
        ordering = ["application", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_to_step_display()}"


class Signature(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("HU chair")
        VICE_CHAIR = "vice_chair", _("HU vice-chair")

    application = models.ForeignKey(
        PoolApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="signatures"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    signed_at = models.DateTimeField(_("signed"))
    version_hash = models.CharField(_("version signed"), max_length=64)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["application", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "role"],
                condition=models.Q(voided_at__isnull=True),
                name="pool_one_valid_signature_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
