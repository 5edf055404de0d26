"""Reads of committees, meetings and minutes used by several callers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from apps.organizations.models import Organization, User

from .models import (
    AgendaItem,
    AgendaQuestion,
    Attendance,
    Committee,
    CommitteeMember,
    DialogueStep,
    DiscussionGuide,
    DiscussionQuestion,
    DiscussionTheme,
    GuideAnswer,
    LiveMeeting,
    Meeting,
    Milestone,
    MinutesRevision,
    Speaker,
    SpeakerList,
    Vote,
    WorkingGroup,
)


def hu_chairs(organization: Organization) -> dict[str, User | None]:
    """The chair and vice-chair of the organisation's active main committee (HU), or None each."""
    result: dict[str, User | None] = {"chair": None, "vice_chair": None}
    members = CommitteeMember.objects.filter(
        committee__organization=organization,
        committee__kind=Committee.Kind.HU,
        committee__active=True,
        active=True,
        role__in=[CommitteeMember.MemberRole.CHAIR, CommitteeMember.MemberRole.VICE_CHAIR],
    ).select_related("user")
    for member in members:
        result[member.role] = member.user
    return result


def committees_for(user: User, organization: Organization) -> QuerySet[Committee]:
    """The active committees of the organisation in which the user is an active member."""
    return (
        Committee.objects.filter(
            organization=organization,
            active=True,
            members__user=user,
            members__active=True,
        )
        .select_related("unit", "parent")
        .distinct()
        .order_by("kind", "name")
    )


@dataclass
class TimedStep:
    step: DialogueStep
    start: time


@dataclass
class TimedItem:
    item: AgendaItem
    number: int | None  # pauses and meals are not numbered
    start: time
    end: time
    steps: list[TimedStep]
    overruns: bool  # ends after the meeting's planned end


@dataclass
class Timeline:
    items: list[TimedItem]
    start: time
    end: time
    total_minutes: int
    planned_end: time | None
    overrun_minutes: int


def _plus(day: date, start: time, minutes: int) -> datetime:
    return datetime.combine(day, start) + timedelta(minutes=minutes)


def agenda_timeline(meeting: Meeting, items: list[AgendaItem] | None = None) -> Timeline:
    """Clock times for every item (and dialogue step) from the meeting's start, the end and any overrun.

    Pass ``items`` with ``steps`` prefetched; otherwise they are loaded here in two queries.
    """
    if items is None:
        items = list(meeting.items.prefetch_related("steps").order_by("position", "id"))
    planned = datetime.combine(meeting.date, meeting.planned_end) if meeting.planned_end else None
    rows: list[TimedItem] = []
    elapsed = 0
    number = 0
    for item in items:
        start = _plus(meeting.date, meeting.start_time, elapsed)
        end = start + timedelta(minutes=item.duration_minutes)
        steps = []
        offset = 0
        for step in item.steps.all():
            steps.append(TimedStep(step=step, start=(start + timedelta(minutes=offset)).time()))
            offset += step.duration_minutes
        if not item.is_pause:
            number += 1
        rows.append(
            TimedItem(
                item=item,
                number=None if item.is_pause else number,
                start=start.time(),
                end=end.time(),
                steps=steps,
                overruns=bool(planned and end > planned),
            )
        )
        elapsed += item.duration_minutes
    end = _plus(meeting.date, meeting.start_time, elapsed)
    overrun = int((end - planned).total_seconds() // 60) if planned and end > planned else 0
    return Timeline(
        items=rows,
        start=meeting.start_time,
        end=end.time(),
        total_minutes=elapsed,
        planned_end=meeting.planned_end,
        overrun_minutes=overrun,
    )


def meeting_with_items(meeting_pk: int) -> tuple[Meeting, list[AgendaItem]]:
    """A meeting and its items with steps, questions, attachments and revisions (fixed query count)."""
    meeting = Meeting.objects.select_related("committee__organization").get(pk=meeting_pk)
    items = list(
        meeting.items.order_by("position", "id").prefetch_related(
            "steps",
            "questions",
            "attachments",
            Prefetch(
                "revisions",
                queryset=MinutesRevision.objects.select_related("author", "rejected_by")
                .prefetch_related("approvals__user")
                .order_by("created_at"),
            ),
        )
    )
    return meeting, items


def decisions_of(meeting: Meeting, items: list[AgendaItem]) -> list[AgendaItem]:
    return [item for item in items if item.outcome]


def committee_decisions(committee: Committee) -> QuerySet[AgendaItem]:
    """Decisions recorded in the committee's meetings, newest first."""
    return (
        AgendaItem.objects.filter(meeting__committee=committee)
        .exclude(outcome="")
        .select_related("meeting")
        .order_by("-meeting__date", "position")
    )


def guide_questions(guide: DiscussionGuide) -> list[DiscussionTheme]:
    return list(guide.themes.prefetch_related("questions").order_by("position", "id"))


@dataclass
class QuestionOverview:
    question: DiscussionQuestion
    answers: list[GuideAnswer]
    missing: list[Committee]


def guide_overview(guide: DiscussionGuide) -> list[tuple[DiscussionTheme, list[QuestionOverview]]]:
    """Per theme and question: every local committee's answer side by side, and who has not answered."""
    committees = list(
        Committee.objects.filter(organization_id=guide.organization_id, active=True)
        .exclude(kind__in=[Committee.Kind.HU, Committee.Kind.WORKING_GROUP])
        .order_by("kind", "name")
    )
    themes = guide_questions(guide)
    answers_by_question: dict[int, list[GuideAnswer]] = {}
    for answer in (
        GuideAnswer.objects.filter(question__theme__guide=guide)
        .select_related("committee")
        .order_by("committee__kind", "committee__name")
    ):
        answers_by_question.setdefault(answer.question_id, []).append(answer)
    result = []
    for theme in themes:
        rows = []
        for question in theme.questions.all():
            answers = answers_by_question.get(question.pk, [])
            answered = {a.committee_id for a in answers}
            rows.append(
                QuestionOverview(
                    question=question,
                    answers=answers,
                    missing=[c for c in committees if c.pk not in answered],
                )
            )
        result.append((theme, rows))
    return result


def guide_questions_for_meeting(meeting: Meeting) -> list[DiscussionQuestion]:
    """The guide questions taken into this meeting's agenda, in agenda order."""
    seen: dict[int, DiscussionQuestion] = {}
    for agenda_question in (
        AgendaQuestion.objects.filter(item__meeting=meeting, source__isnull=False)
        .select_related("source__theme__guide")
        .order_by("item__position", "position")
    ):
        source = agenda_question.source
        assert source is not None  # source__isnull=False
        seen.setdefault(source.pk, source)
    return list(seen.values())


def process_plan(group: WorkingGroup) -> tuple[list[date], list[tuple[Milestone, list[bool]]]]:
    """The months the plan covers and, per milestone, which of them it spans (for a month grid)."""
    milestones = list(group.milestones.order_by("start_month", "end_month", "id"))
    if not milestones:
        return [], []
    first = min(m.start_month for m in milestones)
    last = max(m.end_month for m in milestones)
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months, [(m, [m.start_month <= month <= m.end_month for month in months]) for m in milestones]


def attendance_of(meeting: Meeting) -> list[Attendance]:
    """The recorded attendance of a meeting with each seat and person (one query)."""
    return list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member__user")
        .order_by("member__side", "member__user__first_name", "member__user__last_name", "pk")
    )


@dataclass
class SideQuorum:
    side: str
    label: str
    seated: int  # voting members of the side in the recorded attendance
    present: int
    required: int

    @property
    def met(self) -> bool:
        return self.present >= self.required


def quorum(committee: Committee, attendance: list[Attendance]) -> list[SideQuorum]:
    """Per side: voting members, how many were present, and how many the committee's rule requires."""
    voting = [a for a in attendance if a.member.votes]
    result = []
    for side in CommitteeMember.Side:
        seated = [a for a in voting if a.member.side == side]
        result.append(
            SideQuorum(
                side=side.value,
                label=str(side.label),
                seated=len(seated),
                present=sum(1 for a in seated if a.present),
                required=committee.quorum_required(side.value, len(seated)),
            )
        )
    return result


def approval_problems(
    committee: Committee, attendance: list[Attendance], seat: CommitteeMember | None = None
) -> list[str]:
    """Why the minutes cannot be approved (by ``seat``) yet; empty when nothing stands in the way."""
    if not attendance:
        return [
            _(
                "Record the attendance first: mark each member present, absent or excused. "
                "The minutes can only be approved when the meeting was quorate."
            )
        ]
    problems = [
        _(
            "The meeting was not quorate: %(side)s had %(present)d of %(seated)d voting members present, "
            "and %(required)d must be."
        )
        % {"side": q.label, "present": q.present, "seated": q.seated, "required": q.required}
        for q in quorum(committee, attendance)
        if not q.met
    ]
    if seat is not None:
        row = next((a for a in attendance if a.member_id == seat.pk), None)
        if row is None or not row.present:
            problems.append(
                _(
                    "You are not recorded as present at this meeting. Only a chair or vice-chair who was "
                    "present can approve the minutes; correct the attendance if it is wrong."
                )
            )
    return problems


def agenda_recipients(meeting: Meeting) -> list[CommitteeMember]:
    """Who gets the agenda: every active member of the committee, with their person."""
    return list(
        meeting.committee.members.filter(active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )


@dataclass
class LiveView:
    """What the room's screen and the chair's panel show: the current item, its speakers, the last vote."""

    meeting: Meeting
    live: LiveMeeting | None
    items: list[AgendaItem]
    current: TimedItem | None
    speaker_list: SpeakerList | None
    waiting: list[Speaker]
    done: list[Speaker]
    open_vote: Vote | None
    last_vote: Vote | None
    votes_by_item: dict[int, list[Vote]]

    @property
    def in_progress(self) -> bool:
        return self.live is not None and self.live.in_progress

    @property
    def list_closed(self) -> bool:
        return self.speaker_list is not None and self.speaker_list.closed_at is not None

    @property
    def speaking(self) -> Speaker | None:
        return self.waiting[0] if self.waiting else None

    @property
    def queue(self) -> list[Speaker]:
        return self.waiting[1:]


def live_view(meeting: Meeting, items: list[AgendaItem] | None = None) -> LiveView:
    """The live state of a meeting in a fixed number of queries, however long the speakers' list.

    Pass ``items`` with ``steps`` prefetched (as ``meeting_with_items`` gives them) to save two queries.
    """
    live = LiveMeeting.objects.filter(meeting=meeting).first()
    if items is None:
        items = list(meeting.items.prefetch_related("steps").order_by("position", "id"))
    current = None
    if live and live.current_item_id:
        current = next(
            (row for row in agenda_timeline(meeting, items).items if row.item.pk == live.current_item_id),
            None,
        )
    speaker_list = None
    waiting: list[Speaker] = []
    done: list[Speaker] = []
    if current:
        speaker_list = SpeakerList.objects.filter(item_id=current.item.pk).first()
    if speaker_list:
        for speaker in speaker_list.speakers.select_related("member__user").order_by("position", "id"):
            (done if speaker.done_at else waiting).append(speaker)
        done.sort(key=lambda s: cast(datetime, s.done_at))  # only those with done_at
    by_pk = {item.pk: item for item in items}
    votes = list(Vote.objects.filter(item__meeting=meeting).order_by("opened_at", "id"))
    by_item: dict[int, list[Vote]] = {}
    for vote in votes:
        vote.item = by_pk[vote.item_id]
        if not vote.is_open:
            by_item.setdefault(vote.item_id, []).append(vote)
    return LiveView(
        meeting=meeting,
        live=live,
        items=items,
        current=current,
        speaker_list=speaker_list,
        waiting=waiting,
        done=done,
        open_vote=next((v for v in votes if v.is_open), None),
        last_vote=next((v for v in reversed(votes) if not v.is_open), None),
        votes_by_item=by_item,
    )


def recorded_votes(meeting: Meeting) -> dict[int, list[Vote]]:
    """The meeting's recorded votes per item id, in the order they were taken (for the minutes)."""
    result: dict[int, list[Vote]] = {}
    for vote in Vote.objects.filter(item__meeting=meeting, recorded_at__isnull=False).order_by(
        "recorded_at", "id"
    ):
        result.setdefault(vote.item_id, []).append(vote)
    return result
