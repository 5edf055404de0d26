from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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

    class QuorumRule(models.TextChoices):
        HALF_OF_EACH_SIDE = "half_of_each_side", _("More than half of each side")
        MINIMUM_PER_SIDE = "minimum_per_side", _("A fixed minimum per side")

    # The local MED agreement sets when a committee may decide (SETTING): the minutes are approved
    # only when the meeting's recorded attendance meets this rule. Secretaries never count.
    quorum_rule = models.CharField(
        _("quorum"),
        max_length=20,
        choices=QuorumRule.choices,
        default=QuorumRule.HALF_OF_EACH_SIDE,
        help_text=_("How many voting members of each side must be present for the minutes to be approved."),
    )
    quorum_management = models.PositiveSmallIntegerField(
        _("minimum present from management"),
        null=True,
        blank=True,
        help_text=_("Only with a fixed minimum per side."),
    )
    quorum_employees = models.PositiveSmallIntegerField(
        _("minimum present from the employees"),
        null=True,
        blank=True,
        help_text=_("Only with a fixed minimum per side."),
    )

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
            models.CheckConstraint(
                condition=~models.Q(quorum_rule="minimum_per_side")
                | models.Q(quorum_management__gte=1, quorum_employees__gte=1),
                name="committee_fixed_quorum_has_minima",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.quorum_rule == self.QuorumRule.MINIMUM_PER_SIDE:
            errors = {}
            for field in ("quorum_management", "quorum_employees"):
                if not getattr(self, field):
                    errors[field] = _("Give the minimum number present, at least 1.")
            if errors:
                raise ValidationError(errors)

    def quorum_required(self, side: str, seated: int) -> int:
        """How many of ``seated`` voting members of ``side`` must be present."""
        if self.quorum_rule == self.QuorumRule.MINIMUM_PER_SIDE:
            minimum = (
                self.quorum_management if side == CommitteeMember.Side.MANAGEMENT else self.quorum_employees
            )
            return minimum or 0
        return seated // 2 + 1 if seated else 0

    def get_permission_scope(self) -> tuple[int, None]:
        # A seat in the committee, not a role's unit, decides what a member may do (see rules.py), so
        # every role in the organisation is in scope and the rule's check looks at the seat.
        return self.organization_id, None


class CommitteeMember(models.Model):
    """A seat in a committee.

    The secretary prepares agendas and minutes with the chair and vice-chair but does not vote: a
    secretary never counts towards the quorum and never approves minutes. The side of a secretary's
    seat records which side provided them (often HR, for management) and nothing more.
    """

    class Side(models.TextChoices):
        MANAGEMENT = "management", _("Management")
        # "Employees" alone is the absence app's list of employees ("Medarbejdere"); the side is
        # "Medarbejderne".
        EMPLOYEE = "employee", pgettext_lazy("MED side", "Employees")

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

    @classmethod
    def role_order(cls) -> models.Case:
        """Chair, vice-chair, secretary, then the members: the order a committee lists its people in
        (ordering by the role's code put the vice-chair last)."""
        order = [cls.MemberRole.CHAIR, cls.MemberRole.VICE_CHAIR, cls.MemberRole.SECRETARY]
        return models.Case(
            *[models.When(role=role, then=models.Value(index)) for index, role in enumerate(order)],
            default=models.Value(len(order)),
        )

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.committee.get_permission_scope()

    @property
    def votes(self) -> bool:
        return self.role != self.MemberRole.SECRETARY


class Meeting(models.Model):
    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Ordinary meeting")
        THEME_DAY = "theme_day", _("Theme day")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AGENDA_SENT = "agenda_sent", _("Agenda sent")
        HELD = "held", _("Held")
        MINUTES_APPROVED = "minutes_approved", _("Minutes approved")

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    planned_end = models.TimeField(
        _("planned end"), null=True, blank=True, help_text=_("The agenda warns when the items run past it.")
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    agenda_sent_at = models.DateTimeField(_("agenda sent"), null=True, blank=True)
    minutes_approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True)
    # When approvals given before were withdrawn because the minutes (or the attendance) changed after
    # them: the chair or vice-chair who approved sees that theirs no longer stands.
    approvals_withdrawn_at = models.DateTimeField(_("approvals withdrawn"), null=True, blank=True)
    # Not stored: set by services.med_meeting_update when the members were told of a change by email.
    members_told: bool = False

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-start_time"]
        indexes = [models.Index(fields=["committee", "date"], name="meeting_committee_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_end__gt=models.F("start_time")),
                name="meeting_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="minutes_approved") | models.Q(minutes_approved_at__isnull=False),
                name="meeting_approved_has_timestamp",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.committee} {self.date:%d.%m.%Y}"

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.committee.get_permission_scope()

    @property
    def minutes_locked(self) -> bool:
        return self.status == self.Status.MINUTES_APPROVED

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.MINUTES_APPROVED


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        DIALOGUE = "dialogue", _("Dialogue")
        DECISION = "decision", _("Decision")
        BREAK = "break", _("Break")
        MEAL = "meal", _("Meal")

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        POSTPONED = "postponed", _("Postponed")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INFORMATION)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=15)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    proposed_decision = models.TextField(_("proposed decision"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_text = models.TextField(_("decision text"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    closing = models.BooleanField(
        _("closing item"),
        default=False,
        help_text=_(
            "Stays at the end of the agenda: new items are added before it, as before “Any other business”."
        ),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="agenda_item_duration_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="") | ~models.Q(kind__in=["break", "meal"]),
                name="agenda_item_pause_has_no_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.meeting.get_permission_scope()

    @property
    def is_pause(self) -> bool:
        return self.kind in (self.Kind.BREAK, self.Kind.MEAL)

    @property
    def decision_text(self) -> str:
        """What was decided in words: the recorded text, or the proposed decision when it was approved."""
        if self.outcome_text:
            return self.outcome_text
        return self.proposed_decision if self.outcome == self.Outcome.APPROVED else ""


class DialogueStep(models.Model):
    """One step of a dialogue item, e.g. "Dialog i grupper – 15 min." followed by a joint summary."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.CharField(_("text"), max_length=500)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))

    class Meta:
        verbose_name = _("dialogue step")
        verbose_name_plural = _("dialogue steps")
        ordering = ["item", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="dialogue_step_duration_positive"
            )
        ]

    def __str__(self) -> str:
        return self.text


class DiscussionGuide(models.Model):
    """A set of themes with questions that the main committee sends to the local committees."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="discussion_guides",
    )
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("discussion guide")
        verbose_name_plural = _("discussion guides")
        ordering = ["organization", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "title"], name="discussion_guide_title_unique")
        ]

    def __str__(self) -> str:
        return self.title

    def get_permission_scope(self) -> tuple[int, None]:
        return self.organization_id, None


class DiscussionTheme(models.Model):
    guide = models.ForeignKey(
        DiscussionGuide, verbose_name=_("discussion guide"), on_delete=models.CASCADE, related_name="themes"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    lead_question = models.CharField(_("lead question"), max_length=300, blank=True)
    direction = models.TextField(_("our common direction"), blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["guide", "position", "id"]

    def __str__(self) -> str:
        return self.title


class DiscussionQuestion(models.Model):
    theme = models.ForeignKey(
        DiscussionTheme, verbose_name=_("theme"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("question"))

    class Meta:
        verbose_name = _("discussion question")
        verbose_name_plural = _("discussion questions")
        ordering = ["theme", "position", "id"]

    def __str__(self) -> str:
        return self.text


class AgendaQuestion(models.Model):
    """A question for discussion under an agenda item, own or taken from a discussion guide."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.TextField(_("question"))
    source = models.ForeignKey(
        DiscussionQuestion,
        verbose_name=_("from discussion guide"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_uses",
    )

    class Meta:
        verbose_name = _("discussion question on the agenda")
        verbose_name_plural = _("discussion questions on the agenda")
        ordering = ["item", "position", "id"]

    def __str__(self) -> str:
        return self.text


class GuideAnswer(models.Model):
    """A committee's answer to one question of a discussion guide (the report back to the HU)."""

    question = models.ForeignKey(
        DiscussionQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="guide_answers"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("answer"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["question", "committee"], name="guide_answer_one_per_committee")
        ]

    def __str__(self) -> str:
        return f"{self.committee}: {self.text[:40]}"


def _attachment_path(instance: AgendaAttachment, filename: str) -> str:
    return f"meetings/{instance.item.meeting_id}/{filename}"


class AgendaAttachment(models.Model):
    ALLOWED_EXTENSIONS = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "txt", "png", "jpg", "jpeg")
    MAX_BYTES = 10 * 1024 * 1024

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_attachment_path)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["item", "name"]

    def __str__(self) -> str:
        return self.name

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.item.get_permission_scope()


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        CommitteeMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="attendance"
    )
    present = models.BooleanField(_("present"), default=True)
    # Absent with notice ("afbud"); kept beside ``present`` so that code asking "was this member
    # present?" keeps its one boolean to look at.
    excused = models.BooleanField(_("excused"), default=False)

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        EXCUSED = "excused", _("excused")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique"),
            models.CheckConstraint(
                condition=~models.Q(present=True, excused=True), name="attendance_present_not_excused"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.user} · {self.meeting}"

    @property
    def status(self) -> str:
        if self.present:
            return self.Status.PRESENT
        return self.Status.EXCUSED if self.excused else self.Status.ABSENT

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)


class ChairApproval(models.Model):
    """An approval given by the committee's chair or vice-chair; both are needed."""

    role = models.CharField(
        _("as"),
        max_length=20,
        choices=[
            (CommitteeMember.MemberRole.CHAIR.value, CommitteeMember.MemberRole.CHAIR.label),
            (CommitteeMember.MemberRole.VICE_CHAIR.value, CommitteeMember.MemberRole.VICE_CHAIR.label),
        ],
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), auto_now_add=True)

    class Meta:
        abstract = True


class MinutesApproval(ChairApproval):
    """The chair's or the vice-chair's approval of a meeting's minutes; both are needed."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="approvals"
    )

    class Meta:
        verbose_name = _("minutes approval")
        verbose_name_plural = _("minutes approvals")
        ordering = ["meeting", "approved_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "role"], name="minutes_approval_one_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.get_role_display()} · {self.user}"


# A correction awaiting the chair's and the vice-chair's decision (``MinutesRevision.pending``, as a filter).
REVISION_PENDING = models.Q(applied_at__isnull=True, rejected_at__isnull=True)


class MinutesRevision(models.Model):
    """A correction of approved minutes: who proposed what, when and why. The approved text changes only
    when the chair and the vice-chair have both approved the correction (``applied_at``), as they
    approved the minutes; until then the minutes say what they approved. One of them, or whoever
    proposed it, can reject it instead. The text and reason are never edited afterwards."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="revisions"
    )
    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="revisions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("corrected by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("corrected"), auto_now_add=True)
    old_text = models.TextField(_("before"))
    new_text = models.TextField(_("after"))
    reason = models.CharField(_("reason"), max_length=300)
    applied_at = models.DateTimeField(_("in force"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rejected by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("minutes correction")
        verbose_name_plural = _("minutes corrections")
        ordering = ["meeting", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=REVISION_PENDING,
                name="minutes_revision_one_pending_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.created_at:%d.%m.%Y}"

    # What the user looking at the meeting page may do with it (set by the view, not stored).
    may_approve = False
    may_reject = False
    withdraw = False  # rejecting it is withdrawing one's own proposal

    @property
    def pending(self) -> bool:
        return self.applied_at is None and self.rejected_at is None


class MinutesRevisionApproval(ChairApproval):
    """The chair's or the vice-chair's approval of a correction of approved minutes; both are needed."""

    revision = models.ForeignKey(
        MinutesRevision, verbose_name=_("correction"), on_delete=models.CASCADE, related_name="approvals"
    )

    class Meta:
        verbose_name = _("approval of a correction")
        verbose_name_plural = _("approvals of corrections")
        ordering = ["revision", "approved_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "role"], name="minutes_revision_approval_one_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.revision} · {self.get_role_display()} · {self.user}"


class ReminderSent(models.Model):
    """One row per reminder email, so the daily job can run twice without sending twice."""

    class Kind(models.TextChoices):
        AGENDA_LATE = "agenda_late", _("Agenda is late")
        AGENDA_SENT = "agenda_sent", _("Agenda sent")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "user"], name="reminder_sent_once_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.kind} · {self.user}"


class WorkingGroup(models.Model):
    """A group with a mandate from a committee, e.g. the HU's sickness-absence group and its subgroups."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="working_groups"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subgroups",
    )
    name = models.CharField(_("name"), max_length=200)
    mandate = models.TextField(_("mandate"), blank=True)

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["committee", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="working_group_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.committee.get_permission_scope()


class WorkingGroupMember(models.Model):
    """A seat in a working group, described by its role; the person is optional."""

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="members"
    )
    role_label = models.CharField(_("role"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("working group member")
        verbose_name_plural = _("working group members")
        ordering = ["group", "id"]

    def __str__(self) -> str:
        return self.role_label


class WorkingGroupTask(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["group", "id"]

    def __str__(self) -> str:
        return self.title

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.group.get_permission_scope()


class Milestone(models.Model):
    """One entry of a process plan: a month, or a span of months, with what happens then."""

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="milestones"
    )
    start_month = models.DateField(_("from month"), help_text=_("The first day of the month."))
    end_month = models.DateField(_("to month"), help_text=_("The first day of the last month."))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["group", "start_month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_month__gte=models.F("start_month")), name="milestone_months_in_order"
            ),
            models.CheckConstraint(
                condition=models.Q(start_month__day=1) & models.Q(end_month__day=1),
                name="milestone_months_start_on_day_one",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Course(models.Model):
    class Audience(models.TextChoices):
        LEADERS = "leaders", _("Leaders")
        TR_AMR = "tr_amr", _("Shop stewards (TR) and safety representatives (AMR)")

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.CASCADE, related_name="courses"
    )
    title = models.CharField(_("title"), max_length=300)
    audience = models.CharField(_("for"), max_length=20, choices=Audience.choices)
    description = models.TextField(_("description"), blank=True)
    classes = models.PositiveSmallIntegerField(_("classes"), default=2)
    capacity_per_class = models.PositiveSmallIntegerField(_("participants per class (about)"), default=50)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["group", "audience"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(classes__gt=0) & models.Q(capacity_per_class__gt=0),
                name="course_classes_and_capacity_positive",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CourseDay(models.Model):
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))

    class Meta:
        verbose_name = _("course day")
        verbose_name_plural = _("course days")
        ordering = ["course", "date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="course_day_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.date}"


class ItemProposal(models.Model):
    """A member's proposal for an item on a meeting's agenda; the chair, vice-chair or secretary decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="proposals"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("wanted duration (minutes)"), default=15)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
    )

    class Meta:
        verbose_name = _("item proposal")
        verbose_name_plural = _("item proposals")
        ordering = ["meeting", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="item_proposal_duration_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="item_proposal_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(decided_at__isnull=False),
                name="item_proposal_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.meeting.get_permission_scope()


class LiveMeeting(models.Model):
    """A meeting while it is being held: which item the room is on, and since when (DOMAIN.md 2)."""

    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="live"
    )
    current_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("current item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    item_started_at = models.DateTimeField(_("current item since"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting in progress")
        verbose_name_plural = _("meetings in progress")

    def __str__(self) -> str:
        return str(self.meeting)

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.meeting.get_permission_scope()

    @property
    def in_progress(self) -> bool:
        return self.ended_at is None


class SpeakerList(models.Model):
    """The speakers' list of one agenda item; the chair may close it to further requests."""

    item = models.OneToOneField(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="speaker_list"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("speakers' list")
        verbose_name_plural = _("speakers' lists")

    def __str__(self) -> str:
        return str(self.item)

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.item.get_permission_scope()


class Speaker(models.Model):
    """A request to speak. The first waiting entry has the floor; done entries stay as the record."""

    speaker_list = models.ForeignKey(
        SpeakerList, verbose_name=_("speakers' list"), on_delete=models.CASCADE, related_name="speakers"
    )
    member = models.ForeignKey(
        CommitteeMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="speaker_requests"
    )
    position = models.PositiveIntegerField(_("position"))
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    done_at = models.DateTimeField(_("has spoken"), null=True, blank=True)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["speaker_list", "position", "id"]
        constraints = [
            # Once on the waiting list at a time; after speaking a member may ask again.
            models.UniqueConstraint(
                fields=["speaker_list", "member"],
                condition=models.Q(done_at__isnull=True),
                name="speaker_waiting_once_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member.user} · {self.speaker_list}"

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.member.committee.get_permission_scope()


class Vote(models.Model):
    """A recorded vote on a decision text, counted per side (management, employees)."""

    class Rule(models.TextChoices):
        MAJORITY = "majority", _("Majority of the votes cast")
        BOTH_SIDES = "both_sides", _("Majority on each side")

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="votes"
    )
    text = models.TextField(_("decision text"))
    rule = models.CharField(_("carried by"), max_length=20, choices=Rule.choices, default=Rule.MAJORITY)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    management_for = models.PositiveSmallIntegerField(_("management for"), default=0)
    management_against = models.PositiveSmallIntegerField(_("management against"), default=0)
    management_abstain = models.PositiveSmallIntegerField(_("management abstaining"), default=0)
    employee_for = models.PositiveSmallIntegerField(_("employees for"), default=0)
    employee_against = models.PositiveSmallIntegerField(_("employees against"), default=0)
    employee_abstain = models.PositiveSmallIntegerField(_("employees abstaining"), default=0)
    carried = models.BooleanField(_("carried"), null=True, blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["item", "opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(recorded_at__isnull=True), name="vote_one_open_per_item"
            ),
            models.CheckConstraint(
                condition=models.Q(recorded_at__isnull=True, carried__isnull=True)
                | models.Q(recorded_at__isnull=False, carried__isnull=False),
                name="vote_recorded_has_result",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.item.get_permission_scope()

    @property
    def is_open(self) -> bool:
        return self.recorded_at is None

    @property
    def total_for(self) -> int:
        return self.management_for + self.employee_for

    @property
    def total_against(self) -> int:
        return self.management_against + self.employee_against

    @property
    def total_abstain(self) -> int:
        return self.management_abstain + self.employee_abstain


def _screen_token() -> str:
    return secrets.token_urlsafe(32)


class ScreenLink(models.Model):
    """A read-only link to a meeting's live view for the room's screen, which has no one logged in.

    The token is the credential (256 random bits); it works until the chair revokes it or the meeting
    is marked as held.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="screen_links"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_screen_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("screen link")
        verbose_name_plural = _("screen links")
        ordering = ["meeting", "-created_at"]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.created_at:%d.%m.%Y %H:%M}"

    def get_permission_scope(self) -> tuple[int, OrgUnit | None]:
        return self.meeting.get_permission_scope()

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.meeting.status in (
            Meeting.Status.DRAFT,
            Meeting.Status.AGENDA_SENT,
        )
