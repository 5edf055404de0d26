"""The .ics feed of a committee's meetings; its personal link carries a "meetings" token (apps/core/ical)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from icalendar import Event

from apps.core.ical import new_calendar

from .models import Committee
from .selectors import agenda_timeline


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
