"""The .ics feed of a committee's meetings, reached by a per-user token instead of a log-in."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from icalendar import Event

from apps.core.ical import new_calendar
from apps.organizations.models import User

from .models import Committee, CommitteeMember
from .selectors import agenda_timeline

SALT = "apps.meetings.calendar"


def _digest(committee_id: int, user_id: int) -> str:
    return salted_hmac(SALT, f"{committee_id}:{user_id}").hexdigest()[:32]


def calendar_token(committee: Committee, user: User) -> str:
    return f"{user.pk}-{_digest(committee.pk, user.pk)}"


def user_for_token(committee: Committee, token: str) -> User | None:
    """The active committee member the token was made for, or None (wrong token, or no longer a member)."""
    user_id, _sep, digest = token.partition("-")
    if not user_id.isdigit() or not constant_time_compare(digest, _digest(committee.pk, int(user_id))):
        return None
    seat = (
        CommitteeMember.objects.filter(
            committee=committee, user_id=int(user_id), active=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    return seat.user if seat else None


def committee_calendar(committee: Committee) -> bytes:
    calendar = new_calendar(name=committee.name, product="MED committees")
    zone = timezone.get_default_timezone()
    for meeting in committee.meetings.prefetch_related("items__steps").order_by("date", "start_time"):
        timeline = agenda_timeline(meeting, list(meeting.items.all()))
        start = datetime.combine(meeting.date, meeting.start_time, tzinfo=zone)
        minutes = timeline.total_minutes or 60
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@cooperation-portal")
        event.add("summary", meeting.title or committee.name)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=minutes))
        event.add("dtstamp", timezone.now())
        if meeting.location:
            event.add("location", meeting.location)
        event.add("description", "\n".join(row.item.title for row in timeline.items))
        calendar.add_component(event)
    return calendar.to_ical()
