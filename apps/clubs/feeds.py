"""iCalendar feeds of club meetings; their personal links carry a token of kind "clubs" (apps/core/ical)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta

from django.utils import timezone
from icalendar import Event

from apps.core.ical import new_calendar

from .models import ClubMeeting

UID_DOMAIN = "clubs.cooperation-portal"


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
