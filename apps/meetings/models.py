from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.organizations.models import Organization, OrgUnit


class Committee(models.Model):
    """A MED committee: the main committee (HU), an area or local committee, a TRIO or a working group."""

    class Kind(models.TextChoices):
        HU = "hu", _("Main committee (HU)")
        AREA = "area", _("Area committee")
        LMU = "lmu", _("Local committee (LMU)")
        STAFF_MEETING = "staff_meeting", _("Staff meeting with MED status")
        TRIO = "trio", _("TRIO")
        WORKING_GROUP = "working_group", _("Working group")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="committees"
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committees",
        help_text=_("Empty for a committee covering the whole organisation."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    agenda_lead_days = models.PositiveSmallIntegerField(
        _("agenda lead time (days)"),
        default=7,
        help_text=_("How many days before a meeting the agenda must be sent."),
    )
    location = models.CharField(_("usual meeting place"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["organization", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="committee_name_unique_per_org"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(kind="hu", active=True),
                name="committee_one_active_hu_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.organization_id, self.unit


class CommitteeMember(models.Model):
    class Side(models.TextChoices):
        MANAGEMENT = "management", _("Management")
        EMPLOYEE = "employee", _("Employees")

    class MemberRole(models.TextChoices):
        CHAIR = "chair", _("Chair")
        VICE_CHAIR = "vice_chair", _("Vice-chair")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="committee_memberships",
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    is_tr = models.BooleanField(_("shop steward (TR)"), default=False)
    is_amr = models.BooleanField(_("safety representative (AMR)"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="committee_member_unique"),
            models.UniqueConstraint(
                fields=["committee"],
                condition=models.Q(role="chair", active=True),
                name="committee_one_active_chair",
            ),
            models.UniqueConstraint(
                fields=["committee"],
                condition=models.Q(role="vice_chair", active=True),
                name="committee_one_active_vice_chair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.committee}"

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.committee.get_permission_scope()
