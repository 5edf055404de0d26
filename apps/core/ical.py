"""The frame of every iCalendar feed the portal publishes.

Outlook needs the VTIMEZONE of the TZID that the events' times carry, so every feed gets it here.
"""

from django.conf import settings
from icalendar import Calendar, Timezone


def new_calendar(*, name: str, product: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//Cooperation portal//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add_component(Timezone.from_tzid(settings.TIME_ZONE))
    return calendar
