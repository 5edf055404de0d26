"""Every iCalendar feed the portal publishes: its frame and the personal links that open it.

Outlook needs the VTIMEZONE of the TZID that the events' times carry, so every feed gets it here.

Calendar apps fetch a feed without logging in, so its link carries a token: one per person and kind of
feed (``CalendarToken``). The feed view finds the person with ``calendar_token_user`` and serves only
what that person may read now; ``calendar_token_renew`` replaces the token, and every link with the
old one is a 404 from then on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar, Timezone

from apps.organizations.models import CalendarToken, User, new_calendar_token


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


def calendar_token(user: User, kind: str) -> str:
    """The token of ``user``'s links to feeds of ``kind``, made the first time it is asked for."""
    token = CalendarToken.objects.filter(user=user, kind=kind).values_list("token", flat=True).first()
    if token is None:
        try:
            with transaction.atomic():
                token = CalendarToken.objects.create(user=user, kind=kind).token
        except IntegrityError:  # another request made it a moment ago
            token = CalendarToken.objects.values_list("token", flat=True).get(user=user, kind=kind)
    return token


@transaction.atomic
def calendar_token_renew(*, user: User, kind: str) -> str:
    """A new token for ``user``'s links to feeds of ``kind``; the links with the old one stop working."""
    row, _created = CalendarToken.objects.select_for_update().get_or_create(user=user, kind=kind)
    row.token, row.created_at = new_calendar_token(), timezone.now()
    row.save(update_fields=["token", "created_at"])
    return row.token


def calendar_token_user(token: str, kind: str) -> User | None:
    """The active person whose links to feeds of ``kind`` carry ``token``, or None."""
    row = (
        CalendarToken.objects.select_related("user")
        .filter(token=token, kind=kind, user__is_active=True)
        .first()
    )
    return row.user if row else None
