"""iCalendar feeds of club meetings and the signed links calendar apps subscribe with.

Outlook and Google Calendar fetch a feed without a session, so the link carries a token: the user id
and the user's key version, signed with django.core.signing. Resetting the key (a new version) makes
every earlier link useless.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta

from django.core import signing
from django.utils import timezone
from icalendar import Event

from apps.core.ical import new_calendar
from apps.organizations.models import User

from .models import CalendarFeedKey, ClubMeeting

SALT = "clubs.calendar-feed"
UID_DOMAIN = "clubs.cooperation-portal"


def feed_token(user) -> str:
    key = CalendarFeedKey.objects.filter(user=user).values_list("version", flat=True).first() or 1
    return signing.Signer(salt=SALT).sign_object({"u": user.pk, "v": key})


def user_for_token(token: str) -> User | None:
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
        user_id, version = int(payload["u"]), int(payload["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    current = CalendarFeedKey.objects.filter(user=user).values_list("version", flat=True).first() or 1
    return user if current == version else None


def build_calendar(name: str, meetings: Iterable[ClubMeeting]) -> bytes:
    calendar = new_calendar(name=name, product="Clubs")
    zone = timezone.get_default_timezone()
    for meeting in meetings:
        event = Event()
        # The primary key never changes, so a meeting keeps its UID across fetches and edits.
        event.add("uid", f"club-meeting-{meeting.pk}@{UID_DOMAIN}")
        event.add("dtstamp", meeting.updated_at.astimezone(UTC))
        event.add("last-modified", meeting.updated_at.astimezone(UTC))
        start = meeting.starts_at.astimezone(zone)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
        event.add("summary", f"{meeting.get_kind_display()}: {meeting.host}")
        if meeting.location:
            event.add("location", meeting.location)
        if meeting.agenda:
            event.add("description", meeting.agenda)
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
