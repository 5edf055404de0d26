"""Every write of the meetings app: agendas, minutes, approvals, discussion-guide answers, reminders."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.core.mail import portal_url, send_templated_email
from apps.core.ordering import DIRECTIONS, move_row, moved, save_order
from apps.core.queue import send_or_run_here
from apps.organizations.models import User

from . import selectors
from .models import (
    REVISION_PENDING,
    AgendaAttachment,
    AgendaItem,
    AgendaQuestion,
    Attendance,
    Committee,
    CommitteeMember,
    DialogueStep,
    DiscussionGuide,
    DiscussionQuestion,
    GuideAnswer,
    ItemProposal,
    LiveMeeting,
    Meeting,
    MinutesApproval,
    MinutesRevision,
    MinutesRevisionApproval,
    ReminderSent,
    ScreenLink,
    Speaker,
    SpeakerList,
    Vote,
    WorkingGroupTask,
)
from .rules import CHAIR_ROLES

logger = logging.getLogger(__name__)

# The typical agenda of a MED meeting (DOMAIN.md 2.4): key → (title in the active language, kind, minutes).
# Keys in CLOSING_ITEMS stay at the end: items added later go before them.
STANDARD_ITEMS: dict[str, tuple] = {
    "approve_agenda": (gettext_lazy("Approval of the agenda"), AgendaItem.Kind.DECISION, 5),
    "approve_minutes": (
        gettext_lazy("Approval of the minutes of the last meeting"),
        AgendaItem.Kind.DECISION,
        5,
    ),
    "news": (gettext_lazy("News from management"), AgendaItem.Kind.INFORMATION, 15),
    "absence": (gettext_lazy("Sickness absence status"), AgendaItem.Kind.INFORMATION, 15),
    "work_environment": (gettext_lazy("Work environment"), AgendaItem.Kind.DIALOGUE, 20),
    "any_other_business": (gettext_lazy("Any other business"), AgendaItem.Kind.INFORMATION, 10),
}
CLOSING_ITEMS = {"any_other_business"}


def _refuse_if_locked(meeting: Meeting) -> None:
    if meeting.minutes_locked:
        raise ValidationError(
            _("The minutes of this meeting are approved and locked. Record a correction instead.")
        )


def _minutes_changed(meeting: Meeting) -> bool:
    """What the minutes hold changed (an item's text or decision, the agenda, the meeting's details or
    the attendance): an approval given to them before does not stand. The approvals of a held meeting
    are withdrawn, and when, recorded; True when there were any."""
    if meeting.status != Meeting.Status.HELD:
        return False
    withdrawn, _count = MinutesApproval.objects.filter(meeting_id=meeting.pk).delete()
    if not withdrawn:
        return False
    meeting.approvals_withdrawn_at = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(approvals_withdrawn_at=meeting.approvals_withdrawn_at)
    return True


def _checked_duration(minutes: int | None) -> int:
    if minutes is None or minutes <= 0:
        raise ValidationError({"duration_minutes": _("The duration must be at least one minute.")})
    return minutes


def _place_new_item(meeting: Meeting, *, closing: bool = False) -> int:
    """Make room for a new item and return its position: before the closing items at the end of the
    agenda ("Any other business"), or last when the new item is a closing item itself."""
    items = list(
        AgendaItem.objects.select_for_update().filter(meeting_id=meeting.pk).order_by("position", "id")
    )
    index = len(items)
    if not closing:
        while index > 0 and items[index - 1].closing:
            index -= 1
    for number, each in enumerate(items, start=1):
        each.position = number if number <= index else number + 1
    AgendaItem.objects.bulk_update(items, ["position"])
    return index + 1


@transaction.atomic
def med_meeting_create(
    *,
    committee: Committee,
    date: date,
    start_time: time,
    planned_end: time | None = None,
    location: str = "",
    kind: str = Meeting.Kind.ORDINARY,
    title: str = "",
) -> Meeting:
    if planned_end is not None and planned_end <= start_time:
        raise ValidationError({"planned_end": _("The planned end must be after the start time.")})
    return Meeting.objects.create(
        committee=committee,
        date=date,
        start_time=start_time,
        planned_end=planned_end,
        location=location or committee.location,
        kind=kind,
        title=title,
    )


@transaction.atomic
def med_meeting_update(
    *,
    meeting: Meeting,
    date: date,
    start_time: time,
    planned_end: time | None = None,
    location: str = "",
    kind: str = Meeting.Kind.ORDINARY,
    title: str = "",
) -> Meeting:
    _refuse_if_locked(meeting)
    if planned_end is not None and planned_end <= start_time:
        raise ValidationError({"planned_end": _("The planned end must be after the start time.")})
    if meeting.status == Meeting.Status.HELD and date > timezone.localdate():
        raise ValidationError(
            {"date": _("The meeting is marked as held, so its date cannot be in the future.")}
        )
    # As stored (a model form has put the new values on ``meeting`` already).
    before = (
        Meeting.objects.filter(pk=meeting.pk)
        .values_list("date", "start_time", "planned_end", "location", "kind", "title")
        .get()
    )
    was_date, was_start, _end, was_location, _kind, _title = before
    meeting.date, meeting.start_time, meeting.planned_end = date, start_time, planned_end
    meeting.location, meeting.kind, meeting.title = location, kind, title
    meeting.save(update_fields=["date", "start_time", "planned_end", "location", "kind", "title"])
    if before != (date, start_time, planned_end, location, kind, title):
        _minutes_changed(meeting)
    moved = (was_date, was_start, was_location) != (date, start_time, location)
    meeting.members_told = moved and meeting.status == Meeting.Status.AGENDA_SENT
    if meeting.members_told:
        # The agenda is out: the members planned by it, so they are told where and when it is now.
        from .tasks import send_meeting_changed_task

        meeting_id = meeting.pk
        was = {"date": was_date.isoformat(), "start_time": was_start.isoformat(), "location": was_location}
        transaction.on_commit(lambda: send_or_run_here(send_meeting_changed_task, meeting_id, was))
    return meeting


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    kind: str = AgendaItem.Kind.INFORMATION,
    duration_minutes: int = 15,
    presenter: str = "",
    purpose: str = "",
    proposed_decision: str = "",
    closing: bool = False,
) -> AgendaItem:
    _refuse_if_locked(meeting)
    duration_minutes = _checked_duration(duration_minutes)
    _minutes_changed(meeting)
    return AgendaItem.objects.create(
        meeting=meeting,
        position=_place_new_item(meeting, closing=closing),
        title=title,
        kind=kind,
        duration_minutes=duration_minutes,
        presenter=presenter,
        purpose=purpose,
        proposed_decision=proposed_decision,
        closing=closing,
    )


@transaction.atomic
def agenda_item_add_standard(*, meeting: Meeting, key: str) -> AgendaItem:
    if key not in STANDARD_ITEMS:
        raise ValidationError(_("Unknown standard item."))
    title, kind, minutes = STANDARD_ITEMS[key]
    # str() freezes the title in the language of the person who inserts it.
    return agenda_item_add(
        meeting=meeting, title=str(title), kind=kind, duration_minutes=minutes, closing=key in CLOSING_ITEMS
    )


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    title: str,
    kind: str,
    duration_minutes: int,
    presenter: str = "",
    purpose: str = "",
    proposed_decision: str = "",
    closing: bool | None = None,
) -> AgendaItem:
    _refuse_if_locked(item.meeting)
    duration_minutes = _checked_duration(duration_minutes)
    if closing is not None:  # None keeps the item where it is among the closing items
        item.closing = closing
    item.title = title
    item.kind = kind
    item.duration_minutes = duration_minutes
    item.presenter = presenter
    item.purpose = purpose
    item.proposed_decision = proposed_decision
    item.save(
        update_fields=[
            "title",
            "kind",
            "duration_minutes",
            "presenter",
            "purpose",
            "proposed_decision",
            "closing",
        ]
    )
    _minutes_changed(item.meeting)
    return item


@transaction.atomic
def agenda_item_set_duration(*, item: AgendaItem, duration_minutes: int | None) -> AgendaItem:
    _refuse_if_locked(item.meeting)
    duration_minutes = _checked_duration(duration_minutes)
    item.duration_minutes = duration_minutes
    item.save(update_fields=["duration_minutes"])
    _minutes_changed(item.meeting)
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap the item with its neighbour above ("up") or below ("down"); at either end nothing changes."""
    _refuse_if_locked(item.meeting)
    if direction not in DIRECTIONS:
        raise ValidationError(_("Unknown direction."))
    order = move_row(AgendaItem.objects.filter(meeting_id=item.meeting_id), item, direction)
    item.position = order[order.index(item)].position
    _minutes_changed(item.meeting)
    return item


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, item_ids: list[int]) -> None:
    """Put the agenda in the given order (drag and drop); ``item_ids`` must name every item once."""
    _refuse_if_locked(meeting)
    items = {each.pk: each for each in AgendaItem.objects.select_for_update().filter(meeting_id=meeting.pk)}
    if len(item_ids) != len(set(item_ids)) or set(item_ids) != set(items):
        raise ValidationError(
            _("The agenda changed while you were moving items. The current order is shown; try again.")
        )
    save_order([items[pk] for pk in item_ids])
    _minutes_changed(meeting)


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    _refuse_if_locked(item.meeting)
    item.delete()
    _minutes_changed(item.meeting)


def next_meeting_of(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(committee_id=meeting.committee_id)
        .exclude(status=Meeting.Status.MINUTES_APPROVED)
        .filter(Q(date__gt=meeting.date) | Q(date=meeting.date, start_time__gt=meeting.start_time))
        .order_by("date", "start_time", "id")
        .first()
    )


@transaction.atomic
def agenda_item_move_to_meeting(*, item: AgendaItem, target: Meeting | None = None) -> AgendaItem:
    """Move an item to the committee's next meeting (or to ``target``, which must be the same committee's)."""
    source = item.meeting
    _refuse_if_locked(source)
    if target is None:
        target = next_meeting_of(source)
        if target is None:
            raise ValidationError(
                _("This committee has no later meeting to move the item to. Plan one first.")
            )
    if target.committee_id != source.committee_id:
        raise ValidationError(_("An item can only be moved to a meeting of the same committee."))
    if target.pk == source.pk:
        raise ValidationError(_("The item is already on this meeting's agenda."))
    _refuse_if_locked(target)
    item.meeting = target
    item.position = _place_new_item(target, closing=item.closing)
    item.save(update_fields=["meeting", "position"])
    _minutes_changed(source)
    return item


@transaction.atomic
def dialogue_step_add(*, item: AgendaItem, text: str, duration_minutes: int | None) -> DialogueStep:
    _refuse_if_locked(item.meeting)
    duration_minutes = _checked_duration(duration_minutes)
    position = (item.steps.aggregate(top=Max("position"))["top"] or 0) + 1
    _minutes_changed(item.meeting)
    return DialogueStep.objects.create(
        item=item, text=text, duration_minutes=duration_minutes, position=position
    )


@transaction.atomic
def agenda_question_add(
    *, item: AgendaItem, text: str, source: DiscussionQuestion | None = None
) -> AgendaQuestion:
    _refuse_if_locked(item.meeting)
    position = (item.questions.aggregate(top=Max("position"))["top"] or 0) + 1
    _minutes_changed(item.meeting)
    return AgendaQuestion.objects.create(item=item, text=text, source=source, position=position)


@transaction.atomic
def guide_take_into_agenda(
    *,
    meeting: Meeting,
    guide: DiscussionGuide,
    questions: list[DiscussionQuestion] | None = None,
    duration_minutes: int = 45,
) -> AgendaItem:
    """Add a dialogue item with the guide's questions (all, or the chosen ones) to the agenda."""
    if guide.organization_id != meeting.committee.organization_id:
        raise ValidationError(_("The discussion guide belongs to another organisation."))
    chosen = (
        list(questions)
        if questions
        else list(
            DiscussionQuestion.objects.filter(theme__guide=guide).order_by(
                "theme__position", "position", "id"
            )
        )
    )
    if any(q.theme.guide_id != guide.pk for q in chosen):
        raise ValidationError(_("The questions must come from the chosen discussion guide."))
    if not chosen:
        raise ValidationError(_("The discussion guide has no questions."))
    item = agenda_item_add(
        meeting=meeting,
        title=guide.title,
        kind=AgendaItem.Kind.DIALOGUE,
        duration_minutes=duration_minutes,
        purpose=guide.introduction,
    )
    AgendaQuestion.objects.bulk_create(
        AgendaQuestion(item=item, text=q.text, source=q, position=n) for n, q in enumerate(chosen, start=1)
    )
    return item


@transaction.atomic
def attachment_add(*, item: AgendaItem, file: UploadedFile, user: User) -> AgendaAttachment:
    _refuse_if_locked(item.meeting)
    assert file.name is not None and file.size is not None  # an uploaded file has both
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if extension not in AgendaAttachment.ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                "file": _("Files of this type cannot be attached. Allowed: %(types)s.")
                % {"types": ", ".join(AgendaAttachment.ALLOWED_EXTENSIONS)}
            }
        )
    if file.size > AgendaAttachment.MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large. The limit is %(mb)d MB.")
                % {"mb": AgendaAttachment.MAX_BYTES // 2**20}
            }
        )
    name = file.name.rsplit("/", 1)[-1][:200]
    _minutes_changed(item.meeting)
    return AgendaAttachment.objects.create(item=item, file=file, name=name, size=file.size, uploaded_by=user)


@transaction.atomic
def meeting_send_agenda(*, meeting: Meeting) -> Meeting:
    if meeting.status != Meeting.Status.DRAFT:
        raise ValidationError(_("The agenda has already been sent."))
    if not meeting.items.exists():
        raise ValidationError(_("Add at least one item before sending the agenda."))
    meeting.status = Meeting.Status.AGENDA_SENT
    meeting.agenda_sent_at = timezone.now()
    meeting.save(update_fields=["status", "agenda_sent_at"])
    from .tasks import send_agenda_notice_task

    meeting_id = meeting.pk
    transaction.on_commit(lambda: send_or_run_here(send_agenda_notice_task, meeting_id))
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting) -> Meeting:
    if meeting.status not in (Meeting.Status.DRAFT, Meeting.Status.AGENDA_SENT):
        raise ValidationError(_("The meeting is already marked as held."))
    if meeting.date > timezone.localdate():
        raise ValidationError(
            _("The meeting is on %(date)s. It can be marked as held on that day at the earliest.")
            % {"date": formats.date_format(meeting.date, "DATE_FORMAT")}
        )
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    return meeting


@transaction.atomic
def minutes_record(*, item: AgendaItem, minutes: str, outcome: str = "", outcome_text: str = "") -> bool:
    """Save an item's minutes and decision. True when approvals given before were withdrawn by it."""
    _refuse_if_locked(item.meeting)
    if outcome and item.is_pause:
        raise ValidationError({"outcome": _("A break or a meal has no decision.")})
    # As stored (a model form has put the new values on ``item`` already).
    stored = AgendaItem.objects.filter(pk=item.pk).values_list("minutes", "outcome", "outcome_text").get()
    if stored == (minutes, outcome, outcome_text):
        return False
    item.minutes = minutes
    item.outcome = outcome
    item.outcome_text = outcome_text
    item.save(update_fields=["minutes", "outcome", "outcome_text"])
    return _minutes_changed(item.meeting)


@transaction.atomic
def attendance_set(*, meeting: Meeting, statuses: dict[int, str]) -> bool:
    """Record every active member as present, absent or excused (``statuses``: seat id → status).

    An approval given on the old attendance no longer stands when the attendance changes: it is
    withdrawn, and True is returned so the caller can say so.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_locked(meeting)
    members = list(meeting.committee.members.filter(active=True).select_related("user"))
    missing = [m for m in members if statuses.get(m.pk) not in Attendance.Status.values]
    if missing:
        raise ValidationError(
            _("Choose present, absent or excused for every member. Missing: %(names)s.")
            % {"names": ", ".join(m.user.get_full_name() or m.user.email for m in missing)}
        )
    before = {a.member_id: a.status for a in Attendance.objects.filter(meeting=meeting)}
    after = {m.pk: statuses[m.pk] for m in members}
    if before == after:
        return False
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            member=m,
            present=after[m.pk] == Attendance.Status.PRESENT,
            excused=after[m.pk] == Attendance.Status.EXCUSED,
        )
        for m in members
    )
    return _minutes_changed(meeting)


@transaction.atomic
def minutes_approve(*, meeting: Meeting, user: User) -> MinutesApproval:
    """Record the chair's or vice-chair's approval; the second one locks and publishes the minutes."""
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    if meeting.status == Meeting.Status.MINUTES_APPROVED:
        raise ValidationError(_("The minutes are already approved."))
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("Minutes can be approved once the meeting has been held."))
    seat = _approver_seat(meeting.committee_id, user)
    if seat is None:
        raise ValidationError(_("Only the committee's chair and vice-chair can approve the minutes."))
    # Also as the other seat: after a swap of chair and vice-chair one person could give both approvals.
    if meeting.approvals.filter(Q(role=seat.role) | Q(user=user)).exists():
        raise ValidationError(_("You have already approved these minutes."))
    problems = selectors.approval_problems(meeting.committee, selectors.attendance_of(meeting), seat)
    if problems:
        raise ValidationError(problems)
    approval = MinutesApproval.objects.create(meeting=meeting, role=seat.role, user=user)
    if meeting.approvals.count() == 2:
        meeting.status = Meeting.Status.MINUTES_APPROVED
        meeting.minutes_approved_at = timezone.now()
        meeting.save(update_fields=["status", "minutes_approved_at"])
    return approval


def _approver_seats(committee_id: int) -> QuerySet[CommitteeMember]:
    """The committee's active chair and vice-chair seats: who approves minutes and their corrections."""
    return CommitteeMember.objects.filter(committee_id=committee_id, active=True, role__in=CHAIR_ROLES)


def _approver_seat(committee_id: int, user: User) -> CommitteeMember | None:
    """The user's active chair or vice-chair seat in the committee (the chair's if both), else None."""
    return _approver_seats(committee_id).filter(user=user).order_by("role").first()


@transaction.atomic
def minutes_correct(*, item: AgendaItem, user: User, new_text: str, reason: str) -> MinutesRevision:
    """Propose a correction of an item's approved minutes. The minutes keep the approved text until the
    chair and the vice-chair have both approved the correction (``minutes_correction_approve``)."""
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
    if not item.meeting.minutes_locked:
        raise ValidationError(_("The minutes are not approved yet; edit them directly."))
    if MinutesRevision.objects.filter(REVISION_PENDING, item=item).exists():
        raise ValidationError(
            _(
                "A correction of this item awaits the approval of the chair and the vice-chair. "
                "It must be approved or rejected before another one is proposed."
            )
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the approved minutes are corrected.")})
    if new_text == item.minutes:
        raise ValidationError({"new_text": _("The correction does not change the minutes.")})
    revision = MinutesRevision.objects.create(
        meeting=item.meeting, item=item, author=user, old_text=item.minutes, new_text=new_text, reason=reason
    )
    # The chair and the vice-chair are told, or the proposal waits unseen.
    from .tasks import send_correction_proposed_task

    revision_id = revision.pk
    transaction.on_commit(lambda: send_or_run_here(send_correction_proposed_task, revision_id))
    return revision


def correction_proposed_send(*, revision_id: int) -> int:
    """Email the committee's active chair and vice-chair that a correction of approved minutes awaits
    their approval (not whoever proposed it). Returns the number sent."""
    revision = MinutesRevision.objects.select_related(
        "item", "author", "meeting__committee__organization"
    ).get(pk=revision_id)
    if not revision.pending:
        return 0
    sent = 0
    for seat in _approver_seats(revision.meeting.committee_id).select_related("user"):
        if seat.user_id != revision.author_id and seat.user.is_active:
            _mail(seat.user, revision.meeting, "correction_proposed", {"revision": revision})
            sent += 1
    return sent


def _pending_revision(revision: MinutesRevision) -> MinutesRevision:
    """The correction and its item, both locked, if it still awaits a decision. The item is locked
    first, in the order ``minutes_correct`` locks them, so two of these never wait for each other."""
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=revision.item_id)
    revision = (
        MinutesRevision.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=revision.pk)
    )
    revision.item = item
    if revision.applied_at is not None:
        raise ValidationError(_("The correction is already approved and in force."))
    if revision.rejected_at is not None:
        raise ValidationError(_("The correction was rejected."))
    return revision


@transaction.atomic
def minutes_correction_approve(*, revision: MinutesRevision, user: User) -> bool:
    """The chair's or vice-chair's approval of a proposed correction; with the second one the item's
    minutes take the corrected text. Returns True when the correction came into force."""
    revision = _pending_revision(revision)
    seat = _approver_seat(revision.meeting.committee_id, user)
    if seat is None:
        raise ValidationError(_("Only the committee's chair and vice-chair can approve a correction."))
    if revision.approvals.filter(Q(role=seat.role) | Q(user=user)).exists():
        raise ValidationError(_("You have already approved this correction."))
    item = revision.item
    if item.minutes != revision.old_text:
        raise ValidationError(
            _(
                "The minutes of this item are no longer the text the correction was proposed for. "
                "Reject it, and propose the correction again."
            )
        )
    MinutesRevisionApproval.objects.create(revision=revision, role=seat.role, user=user)
    if revision.approvals.count() < 2:
        return False
    item.minutes = revision.new_text
    item.save(update_fields=["minutes"])
    revision.applied_at = timezone.now()
    revision.save(update_fields=["applied_at"])
    return True


@transaction.atomic
def minutes_correction_reject(*, revision: MinutesRevision, user: User) -> None:
    """Reject a proposed correction (the chair or the vice-chair), or withdraw it (whoever proposed it).
    The minutes keep the approved text, and the rejected proposal stays on record."""
    revision = _pending_revision(revision)
    if revision.author_id != user.pk and _approver_seat(revision.meeting.committee_id, user) is None:
        raise ValidationError(
            _("Only the chair, the vice-chair or whoever proposed the correction can reject it.")
        )
    revision.rejected_at = timezone.now()
    revision.rejected_by = user
    revision.save(update_fields=["rejected_at", "rejected_by"])


@transaction.atomic
def guide_answer_record(
    *,
    committee: Committee,
    question: DiscussionQuestion,
    text: str,
    user: User,
    meeting: Meeting | None = None,
) -> GuideAnswer | None:
    """Save the committee's answer to a question; an empty text removes it."""
    if question.theme.guide.organization_id != committee.organization_id:
        raise ValidationError(_("The question belongs to another organisation's guide."))
    if not text.strip():
        GuideAnswer.objects.filter(committee=committee, question=question).delete()
        return None
    answer, _created = GuideAnswer.objects.update_or_create(
        committee=committee,
        question=question,
        defaults={"text": text.strip(), "answered_by": user, "meeting": meeting},
    )
    return answer


def _claim(meeting: Meeting, kind: str, user: User) -> bool:
    """Record that ``user`` got this reminder; False when someone (another run) already did."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(meeting=meeting, kind=kind, user=user)
    except IntegrityError:
        return False
    return True


def _mail(user: User, meeting: Meeting, template: str, extra: dict | None = None) -> None:
    send_templated_email(
        user=user,
        template=f"meetings/email/{template}",
        context={
            "meeting": meeting,
            "url": portal_url(
                reverse("meetings:med_meeting_detail", args=[meeting.committee.organization.slug, meeting.pk])
            ),
            **(extra or {}),
        },
        fallback_language=meeting.committee.organization.language,
    )


def _late_agenda_recipients(meeting: Meeting) -> list[User]:
    seats = [m for m in meeting.committee.members.all() if m.active]
    secretaries = [m.user for m in seats if m.role == CommitteeMember.MemberRole.SECRETARY]
    # Without a secretary the chair keeps the agenda.
    return secretaries or [m.user for m in seats if m.role == CommitteeMember.MemberRole.CHAIR]


def agenda_notice_send(*, meeting_id: int) -> int:
    """Email every active member that the agenda is out; once per member. Returns the number sent."""
    meeting = (
        Meeting.objects.select_related("committee__organization")
        .prefetch_related("committee__members__user")
        .get(pk=meeting_id)
    )
    if meeting.status != Meeting.Status.AGENDA_SENT:
        return 0
    already = set(
        ReminderSent.objects.filter(meeting=meeting, kind=ReminderSent.Kind.AGENDA_SENT).values_list(
            "user_id", flat=True
        )
    )
    sent = 0
    for member in meeting.committee.members.all():
        # The pre-check saves a failing insert per member and day; the unique constraint still decides.
        if (
            member.active
            and member.user_id not in already
            and _claim(meeting, ReminderSent.Kind.AGENDA_SENT, member.user)
        ):
            _mail(member.user, meeting, "agenda_sent")
            sent += 1
    return sent


def meeting_changed_send(*, meeting_id: int, was: dict) -> int:
    """Email every active member that the meeting whose agenda they got has a new date, time or place
    (``was``: the date, start time and location before, as text). Returns the number sent."""
    meeting = (
        Meeting.objects.select_related("committee__organization")
        .prefetch_related("committee__members__user")
        .get(pk=meeting_id)
    )
    before = {
        "was_date": date.fromisoformat(was["date"]),
        "was_start": time.fromisoformat(was["start_time"]),
        "was_location": was["location"],
    }
    sent = 0
    for member in meeting.committee.members.all():
        if member.active:
            _mail(member.user, meeting, "meeting_changed", before)
            sent += 1
    return sent


def agenda_reminders_send(*, today: date | None = None) -> int:
    """The daily job: remind secretaries of late agendas, tell members of sent agendas not yet announced."""
    today = today or timezone.localdate()
    sent = 0
    upcoming = (
        Meeting.objects.filter(date__gte=today, status__in=[Meeting.Status.DRAFT, Meeting.Status.AGENDA_SENT])
        .select_related("committee__organization")
        .prefetch_related("committee__members__user")
        .order_by("date")
    )
    for meeting in upcoming:
        if meeting.status == Meeting.Status.AGENDA_SENT:
            sent += agenda_notice_send(meeting_id=meeting.pk)
            continue
        due = meeting.date - timedelta(days=meeting.committee.agenda_lead_days)
        if today < due:
            continue
        for user in _late_agenda_recipients(meeting):
            if _claim(meeting, ReminderSent.Kind.AGENDA_LATE, user):
                _mail(user, meeting, "agenda_late")
                sent += 1
    return sent


@transaction.atomic
def working_group_task_set_status(*, task: WorkingGroupTask, status: str) -> WorkingGroupTask:
    if status not in WorkingGroupTask.Status.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    task.status = status
    task.save(update_fields=["status"])
    return task


# ---------------------------------------------------------------- item proposals


def _refuse_if_past_proposals(meeting: Meeting) -> None:
    if meeting.status not in (Meeting.Status.DRAFT, Meeting.Status.AGENDA_SENT):
        raise ValidationError(_("The meeting has been held; propose the item for a coming meeting instead."))


@transaction.atomic
def item_proposal_submit(
    *, meeting: Meeting, user: User, title: str, description: str = "", duration_minutes: int | None = 15
) -> ItemProposal:
    _refuse_if_past_proposals(meeting)
    duration_minutes = _checked_duration(duration_minutes)
    if not title.strip():
        raise ValidationError({"title": _("Give the item a title.")})
    return ItemProposal.objects.create(
        meeting=meeting,
        proposed_by=user,
        title=title.strip(),
        description=description.strip(),
        duration_minutes=duration_minutes,
    )


def _pending(proposal: ItemProposal) -> ItemProposal:
    proposal = ItemProposal.objects.select_for_update().select_related("meeting").get(pk=proposal.pk)
    if proposal.status != ItemProposal.Status.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    return proposal


def _notify_proposer(proposal: ItemProposal) -> None:
    from .tasks import send_proposal_notice_task

    proposal_id = proposal.pk
    transaction.on_commit(lambda: send_or_run_here(send_proposal_notice_task, proposal_id))


@transaction.atomic
def item_proposal_accept(*, proposal: ItemProposal, user: User) -> AgendaItem:
    """Put the proposed item on the agenda, before the closing items, and tell the proposer."""
    proposal = _pending(proposal)
    _refuse_if_past_proposals(proposal.meeting)
    item = agenda_item_add(
        meeting=proposal.meeting,
        title=proposal.title,
        duration_minutes=proposal.duration_minutes,
        purpose=proposal.description,
        presenter=proposal.proposed_by.get_full_name(),
    )
    proposal.status = ItemProposal.Status.ACCEPTED
    proposal.decided_by, proposal.decided_at, proposal.item = user, timezone.now(), item
    proposal.save(update_fields=["status", "decided_by", "decided_at", "item"])
    _notify_proposer(proposal)
    return item


@transaction.atomic
def item_proposal_decline(*, proposal: ItemProposal, user: User, reason: str) -> ItemProposal:
    """Decline with a reason, which the proposer gets by email."""
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the proposer why the item is declined.")})
    proposal = _pending(proposal)
    proposal.status = ItemProposal.Status.DECLINED
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.decline_reason = reason.strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    _notify_proposer(proposal)
    return proposal


def item_proposal_notice_send(*, proposal_id: int) -> bool:
    """Email the proposer the decision on their proposal; False when there is nothing to tell."""
    proposal = (
        ItemProposal.objects.select_related("meeting__committee__organization", "proposed_by", "decided_by")
        .filter(pk=proposal_id)
        .first()
    )
    if (
        proposal is None
        or proposal.status == ItemProposal.Status.PENDING
        or not proposal.proposed_by.is_active
    ):
        return False
    template = "proposal_accepted" if proposal.status == ItemProposal.Status.ACCEPTED else "proposal_declined"
    _mail(proposal.proposed_by, proposal.meeting, template, {"proposal": proposal})
    return True


@transaction.atomic
def committee_set_quorum(
    *,
    committee: Committee,
    quorum_rule: str,
    quorum_management: int | None = None,
    quorum_employees: int | None = None,
) -> Committee:
    committee.quorum_rule = quorum_rule
    if quorum_rule == Committee.QuorumRule.MINIMUM_PER_SIDE:
        committee.quorum_management, committee.quorum_employees = quorum_management, quorum_employees
    else:
        committee.quorum_management = committee.quorum_employees = None
    committee.full_clean(validate_unique=False, validate_constraints=False)
    committee.save(update_fields=["quorum_rule", "quorum_management", "quorum_employees"])
    return committee


# ---------------------------------------------------------------- the meeting in the room


def _live_of(meeting: Meeting) -> LiveMeeting:
    """The meeting's live state, locked; refused unless the meeting is in progress."""
    live = LiveMeeting.objects.select_for_update().filter(meeting_id=meeting.pk).first()
    if live is None or not live.in_progress:
        raise ValidationError(_("The meeting is not in progress. The chair starts it on the meeting day."))
    return live


def _refuse_unless_current(item: AgendaItem) -> LiveMeeting:
    live = _live_of(item.meeting)
    if live.current_item_id != item.pk:
        raise ValidationError(_("This is not the item the meeting is on now."))
    if item.is_pause:
        raise ValidationError(_("A break or a meal has no speakers' list and no vote."))
    return live


@transaction.atomic
def meeting_live_start(*, meeting: Meeting) -> LiveMeeting:
    """Start the meeting in the room; the first item that is not a pause becomes the current one."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_locked(meeting)
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("The meeting is already marked as held."))
    if meeting.date > timezone.localdate():
        raise ValidationError(
            _("The meeting is on %(date)s. It can be started on that day at the earliest.")
            % {"date": formats.date_format(meeting.date, "DATE_FORMAT")}
        )
    first = meeting.items.order_by("position", "id").first()
    now = timezone.now()
    live, created = LiveMeeting.objects.get_or_create(
        meeting=meeting, defaults={"current_item": first, "item_started_at": now if first else None}
    )
    if not created:
        if live.in_progress:
            raise ValidationError(_("The meeting is already in progress."))
        # Resuming after an end by mistake keeps the item the room was on.
        live.ended_at = None
        live.save(update_fields=["ended_at"])
    return live


@transaction.atomic
def meeting_live_end(*, meeting: Meeting) -> LiveMeeting:
    live = _live_of(meeting)
    if Vote.objects.filter(item__meeting=meeting, recorded_at__isnull=True).exists():
        raise ValidationError(_("A vote is still open. Record or cancel it first."))
    live.ended_at = timezone.now()
    live.save(update_fields=["ended_at"])
    return live


@transaction.atomic
def meeting_current_item_set(*, meeting: Meeting, item: AgendaItem) -> LiveMeeting:
    if item.meeting_id != meeting.pk:
        raise ValidationError(_("The item is not on this meeting's agenda."))
    live = _live_of(meeting)
    if live.current_item_id == item.pk:
        return live
    if Vote.objects.filter(item__meeting=meeting, recorded_at__isnull=True).exists():
        raise ValidationError(_("A vote is still open. Record or cancel it first."))
    live.current_item = item
    live.item_started_at = timezone.now()
    live.save(update_fields=["current_item", "item_started_at"])
    return live


@transaction.atomic
def meeting_next_item(*, meeting: Meeting) -> LiveMeeting:
    live = _live_of(meeting)
    items = list(meeting.items.order_by("position", "id"))
    index = next((i for i, each in enumerate(items) if each.pk == live.current_item_id), -1)
    if index + 1 >= len(items):
        raise ValidationError(_("This is the last item of the agenda."))
    return meeting_current_item_set(meeting=meeting, item=items[index + 1])


def _speaker_list(item: AgendaItem) -> SpeakerList:
    speaker_list, _created = SpeakerList.objects.get_or_create(item=item)
    return SpeakerList.objects.select_for_update().get(pk=speaker_list.pk)


def _waiting(speaker_list: SpeakerList) -> list[Speaker]:
    return list(
        Speaker.objects.select_for_update()
        .filter(speaker_list=speaker_list, done_at__isnull=True)
        .order_by("position", "id")
    )


@transaction.atomic
def speaker_request(*, item: AgendaItem, member: CommitteeMember) -> Speaker:
    """Put a member on the current item's speakers' list (at the end); once while waiting."""
    _refuse_unless_current(item)
    if member.committee_id != item.meeting.committee_id or not member.active:
        raise ValidationError(_("Only the committee's members can ask to speak."))
    speaker_list = _speaker_list(item)
    if speaker_list.closed_at is not None:
        raise ValidationError(_("The chair has closed the speakers' list for this item."))
    waiting = _waiting(speaker_list)
    if any(s.member_id == member.pk for s in waiting):
        raise ValidationError(
            _("%(name)s is already on the speakers' list.") % {"name": _member_name(member)}
        )
    top = speaker_list.speakers.aggregate(top=Max("position"))["top"] or 0
    return Speaker.objects.create(speaker_list=speaker_list, member=member, position=top + 1)


def _member_name(member: CommitteeMember) -> str:
    return member.user.get_full_name() or member.user.email


@transaction.atomic
def speaker_withdraw(*, speaker: Speaker) -> None:
    """Take a waiting request off the list (the member's own choice, or the chair's)."""
    _refuse_unless_current(speaker.speaker_list.item)
    if speaker.done_at is not None:
        raise ValidationError(_("This speaker has already spoken."))
    speaker.delete()


@transaction.atomic
def speaker_move(*, speaker: Speaker, direction: str) -> Speaker:
    """Swap a waiting speaker with the one above ("up") or below ("down"); at either end nothing changes."""
    _refuse_unless_current(speaker.speaker_list.item)
    if direction not in DIRECTIONS:
        raise ValidationError(_("Unknown direction."))
    waiting = _waiting(speaker.speaker_list)
    if speaker not in waiting:
        raise ValidationError(_("This speaker has already spoken."))
    order = moved(waiting, speaker, direction)
    # The waiting speakers trade their positions; those who have spoken keep theirs.
    save_order(order, positions=[each.position for each in waiting])
    speaker.position = order[order.index(speaker)].position
    return speaker


@transaction.atomic
def speaker_done(*, speaker: Speaker) -> Speaker:
    _refuse_unless_current(speaker.speaker_list.item)
    if speaker.done_at is not None:
        raise ValidationError(_("This speaker has already spoken."))
    speaker.done_at = timezone.now()
    speaker.save(update_fields=["done_at"])
    return speaker


@transaction.atomic
def speaker_list_close(*, item: AgendaItem, closed: bool = True) -> SpeakerList:
    """Close the list to new requests (those on it still speak), or open it again."""
    _refuse_unless_current(item)
    speaker_list = _speaker_list(item)
    speaker_list.closed_at = timezone.now() if closed else None
    speaker_list.save(update_fields=["closed_at"])
    return speaker_list


@transaction.atomic
def vote_open(*, item: AgendaItem, text: str, rule: str = Vote.Rule.MAJORITY) -> Vote:
    _refuse_unless_current(item)
    if not text.strip():
        raise ValidationError({"text": _("Write the decision text the committee votes on.")})
    if rule not in Vote.Rule.values:
        raise ValidationError({"rule": _("Choose how the vote is carried.")})
    if item.votes.filter(recorded_at__isnull=True).exists():
        raise ValidationError(_("A vote on this item is already open."))
    return Vote.objects.create(item=item, text=text.strip(), rule=rule)


def side_limits(meeting: Meeting) -> dict[str, int]:
    """How many may vote per side: those present when attendance is recorded, else the active members."""
    attendance = Attendance.objects.filter(meeting=meeting, member__active=True)
    if attendance.exists():
        rows: Iterable[str] = attendance.filter(present=True).values_list("member__side", flat=True)
    else:
        rows = meeting.committee.members.filter(active=True).values_list("side", flat=True)
    limits = dict.fromkeys(CommitteeMember.Side.values, 0)
    for side in rows:
        limits[side] += 1
    return limits


def _carried(vote: Vote) -> bool:
    if vote.rule == Vote.Rule.BOTH_SIDES:
        return vote.management_for > vote.management_against and vote.employee_for > vote.employee_against
    return vote.total_for > vote.total_against


@transaction.atomic
def vote_record(
    *,
    vote: Vote,
    management_for: int,
    management_against: int,
    management_abstain: int,
    employee_for: int,
    employee_against: int,
    employee_abstain: int,
) -> Vote:
    """Record the counts per side, decide the result by the vote's rule, write it as the item's decision."""
    vote = Vote.objects.select_for_update().select_related("item__meeting__committee").get(pk=vote.pk)
    item = vote.item
    _live_of(item.meeting)
    if not vote.is_open:
        raise ValidationError(_("This vote is already recorded."))
    counts: dict[str, tuple[int, int, int]] = {
        CommitteeMember.Side.MANAGEMENT: (management_for, management_against, management_abstain),
        CommitteeMember.Side.EMPLOYEE: (employee_for, employee_against, employee_abstain),
    }
    if any(n is None or n < 0 for side in counts.values() for n in side):
        raise ValidationError(_("Every count must be zero or more."))
    limits = side_limits(item.meeting)
    errors = {}
    for side, numbers in counts.items():
        if sum(numbers) > limits[side]:
            errors[f"{side}_for"] = ngettext(
                "%(side)s: %(votes)d votes, but only %(seats)d member of that side can vote.",
                "%(side)s: %(votes)d votes, but only %(seats)d members of that side can vote.",
                limits[side],
            ) % {"side": CommitteeMember.Side(side).label, "votes": sum(numbers), "seats": limits[side]}
    if errors:
        raise ValidationError(errors)
    if not any(n for side in counts.values() for n in side):
        raise ValidationError(_("No votes are counted. Enter the counts, or cancel the vote."))
    vote.management_for, vote.management_against, vote.management_abstain = counts["management"]
    vote.employee_for, vote.employee_against, vote.employee_abstain = counts["employee"]
    vote.carried = _carried(vote)
    vote.recorded_at = timezone.now()
    vote.save(
        update_fields=[
            "management_for",
            "management_against",
            "management_abstain",
            "employee_for",
            "employee_against",
            "employee_abstain",
            "carried",
            "recorded_at",
        ]
    )
    item.outcome = AgendaItem.Outcome.APPROVED if vote.carried else AgendaItem.Outcome.REJECTED
    item.outcome_text = vote.text
    item.save(update_fields=["outcome", "outcome_text"])
    _minutes_changed(item.meeting)
    return vote


@transaction.atomic
def vote_cancel(*, vote: Vote) -> None:
    _live_of(vote.item.meeting)
    if not vote.is_open:
        raise ValidationError(_("A recorded vote cannot be cancelled; it is part of the minutes."))
    vote.delete()


@transaction.atomic
def screen_link_create(*, meeting: Meeting, user: User) -> ScreenLink:
    """A read-only link to the live view for the room's screen, until revoked or the meeting is held."""
    _refuse_if_locked(meeting)
    if meeting.status == Meeting.Status.HELD:
        raise ValidationError(_("The meeting is already marked as held."))
    return ScreenLink.objects.create(meeting=meeting, created_by=user)


@transaction.atomic
def screen_link_revoke(*, link: ScreenLink) -> ScreenLink:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link
