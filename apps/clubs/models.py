"""Clubs (the members at one workplace), their meetings, club-fund applications and TR networks."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.organizations.models import Organization, OrgUnit

if TYPE_CHECKING:
    from .forms import ClubMeetingForm
    from .selectors import FundBalance


class ClubFundRules(models.Model):
    """The organisation's rules for club funds ("klubmidler"); they differ per union (DOMAIN 4.3)."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="club_fund_rules"
    )
    amount_per_member_year = models.DecimalField(
        _("amount per member per year"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("400"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    cap_per_member_event = models.DecimalField(
        _("cap per participant per event"),
        max_digits=9,
        decimal_places=2,
        default=Decimal("450"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    days_in_advance = models.PositiveSmallIntegerField(
        _("days in advance"),
        default=14,
        help_text=_("An application must be submitted at least this many days before the event."),
    )

    class Meta:
        verbose_name = _("club-fund rules")
        verbose_name_plural = _("club-fund rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_per_member_year__gte=0) & Q(cap_per_member_event__gte=0),
                name="clubfundrules_amounts_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return str(self.organization)

    def get_permission_scope(self) -> tuple[int, None]:
        return self.organization_id, None


class Club(models.Model):
    """The members of the union at one workplace, with their shop stewards (TR / tillitsvalgte)."""

    if TYPE_CHECKING:
        # Put on the rows of the steward's page (views.my_clubs) for its template.
        balances: list[FundBalance]
        meeting_form: ClubMeetingForm

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="clubs"
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("workplace"), on_delete=models.PROTECT, related_name="clubs"
    )
    name = models.CharField(_("name"), max_length=200)
    member_count = models.PositiveIntegerField(_("members"), default=0)
    stewards = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("shop stewards"), blank=True, related_name="clubs_stewarded"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("club")
        verbose_name_plural = _("clubs")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                name="club_one_per_workplace",
                violation_error_message=_("This workplace already has a club."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_permission_scope(self) -> tuple[int, OrgUnit]:
        return self.organization_id, self.unit

    def is_steward(self, user) -> bool:
        return any(s.pk == user.pk for s in self.stewards.all())


class TRNetwork(models.Model):
    """Shop stewards from several workplaces who meet across them (seed 000)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="tr_networks"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    stewards = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("member stewards"), blank=True, related_name="tr_networks"
    )

    class Meta:
        verbose_name = _("TR network")
        verbose_name_plural = _("TR networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_permission_scope(self) -> tuple[int, None]:
        return self.organization_id, None

    def is_steward(self, user) -> bool:
        return any(s.pk == user.pk for s in self.stewards.all())


class ClubMeeting(models.Model):
    """A meeting of one club or of one TR network (exactly one of them)."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary club meeting")
        GENERAL_ASSEMBLY = "general_assembly", _("General assembly")
        PART_TIME = "part_time", _("Part-time discussion (§14-1a)")
        DEMANDS = "demands", _("Bargaining demands (OK26)")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    club = models.ForeignKey(
        Club, verbose_name=_("club"), on_delete=models.CASCADE, null=True, blank=True, related_name="meetings"
    )
    network = models.ForeignKey(
        TRNetwork,
        verbose_name=_("TR network"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD)
    location = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    attendance = models.PositiveIntegerField(_("attendance"), null=True, blank=True)
    board_guests = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guests from the union board"),
        blank=True,
        related_name="club_meetings_visited",
    )
    chair_present = models.BooleanField(_("the union's chair took part"), default=False)
    minutes = models.TextField(_("minutes"), blank=True)
    initiatives = models.ManyToManyField(
        "strategy.Initiative",
        verbose_name=_("strategy initiatives"),
        blank=True,
        related_name="club_meetings",
        help_text=_("The initiatives of the strategy that the meeting served."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("club meeting")
        verbose_name_plural = _("club meetings")
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["club", "starts_at"], name="clubmeeting_club_start"),
            models.Index(fields=["network", "starts_at"], name="clubmeeting_network_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(club__isnull=False) & Q(network__isnull=True))
                | (Q(club__isnull=True) & Q(network__isnull=False)),
                name="clubmeeting_club_xor_network",
                violation_error_message=_("A meeting belongs to either a club or a TR network, not both."),
            ),
            models.CheckConstraint(
                condition=Q(status="planned") | Q(attendance__isnull=False),
                name="clubmeeting_held_has_attendance",
                violation_error_message=_("Enter how many took part in the meeting."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.host}"

    @property
    def host(self) -> Club | TRNetwork:
        return self.club if self.club_id else self.network  # type: ignore[return-value]

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.host.get_permission_scope()

    def is_steward(self, user) -> bool:
        return self.host.is_steward(user)


class ClubFundApplication(models.Model):
    """An application for club funds: draft → submitted → approved / rejected → paid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", pgettext_lazy("fund application", "Approved")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")

    GRANTED = (Status.APPROVED, Status.PAID)

    club = models.ForeignKey(
        Club, verbose_name=_("club"), on_delete=models.CASCADE, related_name="fund_applications"
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    event_date = models.DateField(_("date of the event"))
    amount = models.DecimalField(
        _("amount"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("1"))]
    )
    participants = models.PositiveIntegerField(_("participants"), validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    decision_note = models.TextField(_("decision note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("club-fund application")
        verbose_name_plural = _("club-fund applications")
        ordering = ["-event_date", "-pk"]
        indexes = [models.Index(fields=["club", "status", "event_date"], name="clubfund_club_status_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="clubfund_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(participants__gte=1),
                name="clubfund_participants_positive",
                violation_error_message=_("There must be at least one participant."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted"]) | Q(decided_at__isnull=False),
                name="clubfund_decision_has_time",
                violation_error_message=_("A decided application needs the time of the decision."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_note=""),
                name="clubfund_rejection_has_note",
                violation_error_message=_("Say why the application is rejected."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.club})"

    def get_permission_scope(self) -> tuple[int, OrgUnit]:
        return self.club.get_permission_scope()

    def is_steward(self, user) -> bool:
        return self.club.is_steward(user)
