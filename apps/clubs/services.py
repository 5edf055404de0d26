"""Writes: logging meetings, club-fund applications and their decisions, rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Club, ClubFundApplication, ClubFundRules, ClubMeeting, TRNetwork
from .money import currency_of, format_money
from .selectors import fund_balance, fund_rules_for

# A planned meeting may be logged the morning after; older ones were held (or not) by now.
PLANNED_DAYS_BACK = 1


def club_meeting_problems(
    *,
    host: Club | TRNetwork,
    starts_at: datetime,
    status: str,
    attendance: int | None,
    now: datetime | None = None,
) -> dict[str, str]:
    """Field → message for a meeting that cannot be true as logged."""
    now = now or timezone.now()
    problems: dict[str, str] = {}
    if status == ClubMeeting.Status.HELD:
        if timezone.localdate(starts_at) > timezone.localdate(now):
            problems["date"] = _(
                "A meeting that has been held cannot be dated in the future. "
                "Choose “Planned” or correct the date."
            )
        if attendance is None:
            problems["attendance"] = _("Enter how many took part in the meeting.")
    elif timezone.localdate(starts_at) < timezone.localdate(now) - timedelta(days=PLANNED_DAYS_BACK):
        problems["date"] = _(
            "A planned meeting cannot be dated more than a day in the past. "
            "Choose “Held” if it took place, or correct the date."
        )
    if isinstance(host, Club) and attendance is not None and attendance > host.member_count:
        problems["attendance"] = _(
            "Attendance (%(attendance)s) cannot be larger than the club's %(members)s members."
        ) % {"attendance": attendance, "members": host.member_count}
    return problems


@transaction.atomic
def club_meeting_log(
    *,
    host: Club | TRNetwork,
    user,
    starts_at: datetime,
    kind: str,
    status: str,
    attendance: int | None,
    duration_minutes: int = 60,
    location: str = "",
    agenda: str = "",
    minutes: str = "",
    chair_present: bool = False,
    board_guests=(),
    initiatives=(),
) -> ClubMeeting:
    problems = club_meeting_problems(host=host, starts_at=starts_at, status=status, attendance=attendance)
    if problems:
        raise ValidationError(problems)
    meeting = ClubMeeting.objects.create(
        club=host if isinstance(host, Club) else None,
        network=host if isinstance(host, TRNetwork) else None,
        starts_at=starts_at,
        kind=kind,
        status=status,
        attendance=attendance,
        duration_minutes=duration_minutes,
        location=location,
        agenda=agenda,
        minutes=minutes,
        chair_present=chair_present,
        created_by=user,
    )
    if board_guests:
        meeting.board_guests.set(board_guests)
    if initiatives:
        meeting.initiatives.set(initiatives)
    return meeting


@transaction.atomic
def club_meeting_update(
    *, meeting: ClubMeeting, board_guests=None, initiatives=None, **fields
) -> ClubMeeting:
    problems = club_meeting_problems(
        host=meeting.host,
        starts_at=fields.get("starts_at", meeting.starts_at),
        status=fields.get("status", meeting.status),
        attendance=fields.get("attendance", meeting.attendance),
    )
    if problems:
        raise ValidationError(problems)
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=[*fields, "updated_at"])
    if board_guests is not None:
        meeting.board_guests.set(board_guests)
    if initiatives is not None:
        meeting.initiatives.set(initiatives)
    return meeting


def application_rule_problems(
    *,
    club: Club,
    event_date: date,
    amount: Decimal,
    participants: int,
    today: date | None = None,
    exclude_pk: int | None = None,
) -> dict[str, str]:
    """Field → the rule a submission would break, with the numbers that break it.

    The year's budget must cover what is granted and what awaits a decision, so that the board is
    never asked to decide more than the club has.
    """
    today = today or timezone.localdate()
    rules = fund_rules_for(club.organization)
    currency = currency_of(club.organization)
    problems: dict[str, str] = {}
    if participants > club.member_count:
        problems["participants"] = _(
            "%(participants)s participants is more than the club's %(members)s members."
        ) % {"participants": participants, "members": club.member_count}
    cap = rules.cap_per_member_event * participants
    if amount > cap:
        problems["amount"] = _(
            "The amount is over the cap: at most %(cap_each)s per participant, "
            "that is %(cap)s for %(participants)s participants."
        ) % {
            "cap_each": format_money(rules.cap_per_member_event, currency),
            "cap": format_money(cap, currency),
            "participants": participants,
        }
    else:
        balance = fund_balance(club, event_date.year, rules, exclude_pk=exclude_pk)
        if amount > balance.remaining:
            problems["amount"] = _(
                "The amount is more than the club has left for %(year)s: the budget is %(budget)s, "
                "%(granted)s is granted and %(pending)s awaits a decision, so %(remaining)s is left."
            ) % {
                "year": event_date.year,
                "budget": format_money(balance.budget, currency),
                "granted": format_money(balance.granted, currency),
                "pending": format_money(balance.pending, currency),
                "remaining": format_money(balance.available, currency),
            }
    days = (event_date - today).days
    if days < 0:
        problems["event_date"] = _(
            "The date of the event, %(date)s, has passed: applications must be submitted "
            "at least %(days)s days before the event."
        ) % {"date": formats.date_format(event_date, "SHORT_DATE_FORMAT"), "days": rules.days_in_advance}
    elif days == 0 and rules.days_in_advance > 0:
        problems["event_date"] = _(
            "Applications must be submitted at least %(days)s days before the event; this event is today."
        ) % {"days": rules.days_in_advance}
    elif days < rules.days_in_advance:
        problems["event_date"] = ngettext(
            "Applications must be submitted at least %(days)s days before the event; "
            "this event is %(left)s day away.",
            "Applications must be submitted at least %(days)s days before the event; "
            "this event is %(left)s days away.",
            days,
        ) % {"days": rules.days_in_advance, "left": days}
    return problems


def application_grant_problem(*, application: ClubFundApplication) -> str:
    """Why granting the application would take the club over its budget for the event's year, or ""."""
    club = application.club
    currency = currency_of(club.organization)
    balance = fund_balance(
        club, application.event_date.year, fund_rules_for(club.organization), exclude_pk=application.pk
    )
    total = balance.granted + application.amount
    if total <= balance.budget:
        return ""
    return _(
        "Granting %(amount)s would take the club's grants for %(year)s to %(total)s, over its budget "
        "of %(budget)s (%(granted)s is granted already). Reject the application with a note; "
        "the shop steward can then apply for a lower amount."
    ) % {
        "amount": format_money(application.amount, currency),
        "year": application.event_date.year,
        "total": format_money(total, currency),
        "budget": format_money(balance.budget, currency),
        "granted": format_money(balance.granted, currency),
    }


def _lock_club(club_id: int) -> Club:
    """Locks the club row, so that two submissions or grants cannot both spend the same funds."""
    return Club.objects.select_for_update(of=("self",)).select_related("organization").get(pk=club_id)


@transaction.atomic
def application_save(
    *,
    club: Club,
    user,
    purpose: str,
    event_date: date,
    amount: Decimal,
    participants: int,
    submit: bool,
    application: ClubFundApplication | None = None,
) -> ClubFundApplication:
    """Create or change a draft; with ``submit`` the rules must hold or nothing is saved."""
    if application is not None and application.status != ClubFundApplication.Status.DRAFT:
        raise ValidationError(_("Only a draft can be changed."))
    if submit:
        _lock_club(club.pk)
        problems = application_rule_problems(
            club=club,
            event_date=event_date,
            amount=amount,
            participants=participants,
            exclude_pk=application.pk if application else None,
        )
        if problems:
            raise ValidationError(problems)
    if application is None:
        application = ClubFundApplication(club=club, created_by=user)
    application.purpose = purpose
    application.event_date = event_date
    application.amount = amount
    application.participants = participants
    if submit:
        application.status = ClubFundApplication.Status.SUBMITTED
        application.submitted_at = timezone.now()
    application.save()
    return application


@transaction.atomic
def application_submit(*, application: ClubFundApplication) -> ClubFundApplication:
    application = (
        ClubFundApplication.objects.select_for_update().select_related("club").get(pk=application.pk)
    )
    if application.status != ClubFundApplication.Status.DRAFT:
        raise ValidationError(_("This application has already been submitted."))
    application.club = _lock_club(application.club_id)
    problems = application_rule_problems(
        club=application.club,
        event_date=application.event_date,
        amount=application.amount,
        participants=application.participants,
        exclude_pk=application.pk,
    )
    if problems:
        raise ValidationError(problems)
    application.status = ClubFundApplication.Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at"])
    return application


@transaction.atomic
def application_decide(
    *, application: ClubFundApplication, user, approve: bool, note: str
) -> ClubFundApplication:
    application = ClubFundApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ClubFundApplication.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted application can be decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the application is rejected.")})
    if approve:
        application.club = _lock_club(application.club_id)
        if problem := application_grant_problem(application=application):
            raise ValidationError(problem)
    application.status = (
        ClubFundApplication.Status.APPROVED if approve else ClubFundApplication.Status.REJECTED
    )
    application.decision_note = note.strip()
    application.decided_by = user
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
    return application


@transaction.atomic
def application_mark_paid(*, application: ClubFundApplication) -> ClubFundApplication:
    application = ClubFundApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ClubFundApplication.Status.APPROVED:
        raise ValidationError(_("Only an approved application can be marked as paid."))
    application.status = ClubFundApplication.Status.PAID
    application.save(update_fields=["status"])
    return application


@transaction.atomic
def fund_rules_update(
    *, organization, amount_per_member_year: Decimal, cap_per_member_event: Decimal, days_in_advance: int
) -> ClubFundRules:
    rules, _created = ClubFundRules.objects.update_or_create(
        organization=organization,
        defaults={
            "amount_per_member_year": amount_per_member_year,
            "cap_per_member_event": cap_per_member_event,
            "days_in_advance": days_in_advance,
        },
    )
    return rules
