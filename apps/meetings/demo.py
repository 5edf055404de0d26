"""Demo MED committees for Norddjurs: the HU with the seed's theme day, sickness-absence project and
discussion guide, LMUs for the areas, a TRIO, ordinary meetings with standard agendas, and at scale
many more committees (bulk-created)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone, translation

from apps.core.demo import DemoContext
from apps.organizations.models import Membership, Organization, OrgUnit, Role, User

from . import selectors
from .fixtures_data import load_discussion_guide, load_sickness_project, load_theme_day
from .models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    DiscussionQuestion,
    GuideAnswer,
    Meeting,
    MinutesApproval,
)
from .services import CLOSING_ITEMS, STANDARD_ITEMS

BATCH = 1000
Seat = CommitteeMember.MemberRole
Side = CommitteeMember.Side

AREAS = [
    ("NK-BF", "Børn og Familie"),
    ("NK-SA", "Social og Arbejdsmarked"),
    ("NK-SU", "Sundhed og Omsorg"),
    ("NK-KT", "Kultur, Teknik og Administration"),
]

ANSWERS = [
    "Vi har drøftet spørgsmålet i LMU og aftalt at tage det op på næste personalemøde.",
    "Vi vil styrke den gode velkomst med en fast makkerordning for nye kolleger.",
    "Vi deler viden på tværs af teams en gang om måneden.",
    "Vi fejrer vores succeser på personalemøderne og fortæller om dem på intranettet.",
    "Vi har udpeget en tovholder, der følger op på sagerne på tværs af fagområder.",
    "Vi har kortlagt rutineopgaver, som kan digitaliseres, og sender listen til HU.",
]


def _standard_items(meeting: Meeting) -> list[AgendaItem]:
    with translation.override("da"):
        return [
            AgendaItem(
                meeting=meeting,
                position=n,
                title=str(title),
                kind=kind,
                duration_minutes=minutes,
                closing=key in CLOSING_ITEMS,
            )
            for n, (key, (title, kind, minutes)) in enumerate(STANDARD_ITEMS.items(), start=1)
        ]


def _generated_users(ctx: DemoContext, organization: Organization, count: int, prefix: str) -> list[User]:
    """Members without a log-in (unusable password), with a MED role so they appear in the organisation."""
    password = make_password(None)
    users = []
    for n in range(count):
        first, last = ctx.name()
        users.append(
            User(
                email=f"{prefix}{n + 1}@demo.example",
                first_name=first,
                last_name=last,
                password=password,
                language="da",
            )
        )
    users = User.objects.bulk_create(users, batch_size=BATCH)
    Membership.objects.bulk_create(
        [Membership(user=u, organization=organization, role=Role.MED) for u in users], batch_size=BATCH
    )
    return users


def _approve(meeting: Meeting, chair: User, vice: User, when: datetime) -> None:
    MinutesApproval.objects.bulk_create(
        [
            MinutesApproval(meeting=meeting, role=Seat.CHAIR, user=chair),
            MinutesApproval(meeting=meeting, role=Seat.VICE_CHAIR, user=vice),
        ]
    )
    meeting.status = Meeting.Status.MINUTES_APPROVED
    meeting.minutes_approved_at = when
    meeting.save(update_fields=["status", "minutes_approved_at"])


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def seed(ctx: DemoContext) -> None:
    organization = ctx.organizations.get("norddjurs") or Organization.objects.get(slug="norddjurs")
    units = {u.code: u for u in OrgUnit.objects.filter(organization=organization)}
    users = ctx.users

    hu = Committee.objects.create(
        organization=organization,
        name="Hovedudvalget (HU)",
        kind=Committee.Kind.HU,
        location="Rådhuset, Grenaa",
    )
    hu_seats = [
        (users["formand.hu.norddjurs"], Seat.CHAIR, Side.MANAGEMENT, False, False),
        (users["naestformand.hu.norddjurs"], Seat.VICE_CHAIR, Side.EMPLOYEE, False, False),
        (users["med.norddjurs"], Seat.MEMBER, Side.EMPLOYEE, False, False),
        (users["amr.norddjurs"], Seat.MEMBER, Side.EMPLOYEE, False, True),
        (users["tr.norddjurs"], Seat.MEMBER, Side.EMPLOYEE, True, False),
        (users["hr.norddjurs"], Seat.SECRETARY, Side.MANAGEMENT, False, False),
    ]
    generated = _generated_users(ctx, organization, 4 * len(AREAS) + 8, "med.medlem")
    pool = iter(generated)
    for n in range(6):
        hu_seats.append((next(pool), Seat.MEMBER, Side.MANAGEMENT if n % 2 else Side.EMPLOYEE, False, False))
    CommitteeMember.objects.bulk_create(
        CommitteeMember(committee=hu, user=u, role=r, side=s, is_tr=tr, is_amr=amr)
        for u, r, s, tr, amr in hu_seats
    )

    lmus = []
    for code, name in AREAS:
        lmu = Committee.objects.create(
            organization=organization,
            unit=units[code],
            parent=hu,
            name=f"LMU {name}",
            kind=Committee.Kind.LMU,
            location=f"{name}, mødelokalet",
        )
        seats = [
            CommitteeMember(committee=lmu, user=next(pool), role=Seat.CHAIR, side=Side.MANAGEMENT),
            CommitteeMember(
                committee=lmu, user=next(pool), role=Seat.VICE_CHAIR, side=Side.EMPLOYEE, is_tr=True
            ),
            CommitteeMember(committee=lmu, user=next(pool), role=Seat.MEMBER, side=Side.EMPLOYEE),
            CommitteeMember(committee=lmu, user=next(pool), role=Seat.SECRETARY, side=Side.MANAGEMENT),
        ]
        lmus.append(lmu)
        if code == "NK-SA":
            seats.append(CommitteeMember(committee=lmu, user=users["med.norddjurs"], side=Side.EMPLOYEE))
        if code == "NK-BF":
            seats.append(
                CommitteeMember(committee=lmu, user=users["amr.norddjurs"], side=Side.EMPLOYEE, is_amr=True)
            )
        if code == "NK-SU":
            seats.append(
                CommitteeMember(committee=lmu, user=users["tr.norddjurs"], side=Side.EMPLOYEE, is_tr=True)
            )
        CommitteeMember.objects.bulk_create(seats)
    trio = Committee.objects.create(
        organization=organization,
        unit=units["NK-SU-HJE"],
        parent=lmus[2],
        name="TRIO Hjemmeplejen",
        kind=Committee.Kind.TRIO,
    )
    CommitteeMember.objects.bulk_create(
        [
            CommitteeMember(
                committee=trio, user=users["leder.norddjurs"], role=Seat.CHAIR, side=Side.MANAGEMENT
            ),
            CommitteeMember(
                committee=trio,
                user=users["tr.norddjurs"],
                role=Seat.VICE_CHAIR,
                side=Side.EMPLOYEE,
                is_tr=True,
            ),
            CommitteeMember(
                committee=trio, user=next(pool), role=Seat.MEMBER, side=Side.EMPLOYEE, is_amr=True
            ),
        ]
    )

    # The seed's theme day, held and with approved minutes.
    theme_day = load_theme_day(committee=hu, status=Meeting.Status.HELD)
    for item in theme_day.items.filter(kind=AgendaItem.Kind.DECISION):
        item.outcome = AgendaItem.Outcome.APPROVED
        item.outcome_text = item.proposed_decision
        item.minutes = "Indstillingen blev drøftet og godkendt."
        item.save(update_fields=["outcome", "outcome_text", "minutes"])
    Attendance.objects.bulk_create(Attendance(meeting=theme_day, member=m) for m in hu.members.all())
    _approve(
        theme_day, users["formand.hu.norddjurs"], users["naestformand.hu.norddjurs"], _at(theme_day.date)
    )
    load_sickness_project(committee=hu)
    guide = load_discussion_guide(organization=organization)

    _ordinary_meetings(ctx, [hu, *lmus])

    # The discussion guide taken into two LMUs' latest held meeting and answered there.
    questions = list(
        DiscussionQuestion.objects.filter(theme__guide=guide).order_by("theme__position", "position")
    )
    for lmu in lmus[:2]:
        meeting = lmu.meetings.filter(status=Meeting.Status.MINUTES_APPROVED).order_by("-date").first()
        chair = lmu.members.get(role=Seat.CHAIR).user
        GuideAnswer.objects.bulk_create(
            GuideAnswer(
                question=q, committee=lmu, meeting=meeting, text=ctx.rng.choice(ANSWERS), answered_by=chair
            )
            for q in questions
            if ctx.rng.random() < 0.75
        )

    if ctx.employees >= 2000:
        _scale(ctx, organization, units, hu, generated)
    ctx.out.write(
        f"    meetings: {Committee.objects.filter(organization=organization).count()} committees, "
        f"{Meeting.objects.filter(committee__organization=organization).count()} meetings, "
        f"{AgendaItem.objects.filter(meeting__committee__organization=organization).count()} agenda items"
    )


def _ordinary_meetings(ctx: DemoContext, committees: list[Committee]) -> None:
    """Four meetings a year per committee over the demo years, plus the next two ahead."""
    today = ctx.today
    for committee in committees:
        seats = {m.role: m for m in committee.members.select_related("user")}
        members = list(committee.members.all())
        days = []
        for quarter in range(4 * ctx.years, 0, -1):
            days.append(today - timedelta(days=91 * quarter - ctx.rng.randint(0, 20)))
        days += [today + timedelta(days=5), today + timedelta(days=40)]
        for day in days:
            past = day < today
            meeting = Meeting.objects.create(
                committee=committee,
                date=day,
                start_time=time(13, 0) if committee.kind == Committee.Kind.HU else time(9, 0),
                planned_end=time(15, 0) if committee.kind == Committee.Kind.HU else time(10, 30),
                location=committee.location,
                status=Meeting.Status.HELD if past else Meeting.Status.DRAFT,
                agenda_sent_at=_at(day - timedelta(days=7)) if past else None,
            )
            items = AgendaItem.objects.bulk_create(_standard_items(meeting))
            if past:
                items[0].outcome = AgendaItem.Outcome.APPROVED
                items[0].minutes = "Dagsordenen blev godkendt."
                items[1].outcome = AgendaItem.Outcome.APPROVED
                items[1].minutes = "Referatet fra sidste møde blev godkendt."
                items[3].minutes = "Sygefraværet blev gennemgået. Udviklingen følges på næste møde."
                AgendaItem.objects.bulk_update(items[:4], ["outcome", "minutes"])
                # The chair and vice-chair approve, so they were there; the others come nine times in ten.
                attendance = Attendance.objects.bulk_create(
                    Attendance(
                        meeting=meeting,
                        member=m,
                        present=ctx.rng.random() < 0.9 or m.role in (Seat.CHAIR, Seat.VICE_CHAIR),
                    )
                    for m in members
                )
                quorate = not selectors.approval_problems(committee, attendance)
                if Seat.CHAIR in seats and Seat.VICE_CHAIR in seats and quorate:
                    _approve(
                        meeting,
                        seats[Seat.CHAIR].user,
                        seats[Seat.VICE_CHAIR].user,
                        _at(day + timedelta(days=7)),
                    )


def _scale(
    ctx: DemoContext, organization: Organization, units: dict[str, OrgUnit], hu: Committee, people: list[User]
) -> None:
    """At 2,000+ employees: employees // 100 more committees, each with about 4 meetings of 6 items."""
    departments = [u for code, u in sorted(units.items()) if code.count("-") == 2]
    count = ctx.employees // 100
    new = []
    for n in range(count):
        unit = departments[n % len(departments)]
        kind = Committee.Kind.STAFF_MEETING if n % 3 else Committee.Kind.LMU
        label = "Personalemøde med MED-status" if n % 3 else "LMU"
        new.append(
            Committee(
                organization=organization,
                unit=unit,
                parent=hu,
                name=f"{label} {unit.name} {n + 1}",
                kind=kind,
            )
        )
    committees = Committee.objects.bulk_create(new, batch_size=BATCH)
    seats = []
    for committee in committees:
        chosen = ctx.rng.sample(people, 3)
        seats += [
            CommitteeMember(committee=committee, user=chosen[0], role=Seat.CHAIR, side=Side.MANAGEMENT),
            CommitteeMember(committee=committee, user=chosen[1], role=Seat.VICE_CHAIR, side=Side.EMPLOYEE),
            CommitteeMember(committee=committee, user=chosen[2], role=Seat.SECRETARY, side=Side.MANAGEMENT),
        ]
    CommitteeMember.objects.bulk_create(seats, batch_size=BATCH)
    meetings = []
    for committee in committees:
        for quarter in range(4):
            day = ctx.today - timedelta(days=91 * (quarter + 1) - ctx.rng.randint(0, 30))
            meetings.append(
                Meeting(
                    committee=committee,
                    date=day,
                    start_time=time(ctx.rng.choice([8, 9, 13, 14]), 0),
                    status=Meeting.Status.HELD,
                )
            )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    items = []
    for meeting in meetings:
        items += _standard_items(meeting)
    AgendaItem.objects.bulk_create(items, batch_size=BATCH)
