from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from apps.core.ical import calendar_token
from apps.organizations.models import CalendarToken
from tests.factories import ClubMeetingFactory

pytestmark = pytest.mark.django_db

CLUBS = CalendarToken.Kind.CLUBS


def _events(response):
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return calendar, list(calendar.walk("VEVENT"))


@pytest.fixture
def meetings(club, club_b, network):
    return [
        ClubMeetingFactory(club=club, kind="demands", location="Kantinen"),
        ClubMeetingFactory(
            club=club, status="planned", attendance=None, starts_at=timezone.now() + timedelta(days=9)
        ),
        ClubMeetingFactory(club=club_b),
        ClubMeetingFactory(club=None, network=network),
    ]


def test_club_feed_parses_with_stable_uids_and_time_zone(club, meetings, login, shop_steward):
    client = login(shop_steward)
    url = reverse("clubs:club_calendar", args=[club.organization.slug, club.pk])
    calendar, events = _events(client.get(url))
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    assert len(events) == 2
    uids = sorted(str(e["UID"]) for e in events)
    assert uids == sorted(f"club-meeting-{m.pk}@clubs.cooperation-portal" for m in meetings[:2])
    for event in events:
        assert event["DTSTAMP"].dt.tzinfo is not None
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
        assert event["DTEND"].dt > event["DTSTART"].dt
    demands = next(e for e in events if "OK26" in str(e["SUMMARY"]))
    assert str(demands["LOCATION"]) == "Kantinen"
    assert demands["DTSTART"].dt == meetings[0].starts_at.replace(microsecond=0)
    # Fetching again gives the same UIDs, so calendar apps update instead of duplicating.
    assert sorted(str(e["UID"]) for e in _events(client.get(url))[1]) == uids


def test_organisation_feed_holds_every_club_and_network_meeting(
    org, meetings, login, board_member, other_club
):
    ClubMeetingFactory(club=other_club)
    _calendar, events = _events(
        login(board_member).get(reverse("clubs:organization_calendar", args=[org.slug]))
    )
    assert len(events) == 4


def test_token_feed_works_without_a_session(club, meetings, shop_steward, client):
    token = calendar_token(shop_steward, CLUBS)
    response = client.get(reverse("clubs:club_calendar_token", args=[token, club.organization.slug, club.pk]))
    assert response.status_code == 200
    assert len(_events(response)[1]) == 2


def test_wrong_token_is_404(club, meetings, shop_steward, client):
    token = calendar_token(shop_steward, CLUBS)
    bad = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert (
        client.get(
            reverse("clubs:club_calendar_token", args=[bad, club.organization.slug, club.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("clubs:organization_calendar_token", args=["nonsense", club.organization.slug])
        ).status_code
        == 404
    )


def test_token_of_a_user_who_may_not_read_is_404(club, club_b, meetings, shop_steward, client):
    token = calendar_token(shop_steward, CLUBS)
    assert (
        client.get(
            reverse("clubs:club_calendar_token", args=[token, club.organization.slug, club_b.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("clubs:organization_calendar_token", args=[token, club.organization.slug])
        ).status_code
        == 404
    )


def test_board_token_reads_the_organisation_feed(org, meetings, board_member, client):
    response = client.get(
        reverse("clubs:organization_calendar_token", args=[calendar_token(board_member, CLUBS), org.slug])
    )
    assert len(_events(response)[1]) == 4


def test_new_links_revoke_the_old_ones(club, meetings, login, shop_steward, client):
    old = calendar_token(shop_steward, CLUBS)
    url = reverse("clubs:calendar_links", args=[club.organization.slug])
    page = login(shop_steward).get(url)
    assert old in page.content.decode()
    assert login(shop_steward).post(url).status_code == 302
    new = calendar_token(shop_steward, CLUBS)
    assert new != old
    client.logout()
    feed = lambda t: reverse("clubs:club_calendar_token", args=[t, club.organization.slug, club.pk])  # noqa: E731
    assert client.get(feed(old)).status_code == 404
    assert client.get(feed(new)).status_code == 200


def test_token_feed_refuses_post(club, shop_steward, client):
    url = reverse(
        "clubs:club_calendar_token",
        args=[calendar_token(shop_steward, CLUBS), club.organization.slug, club.pk],
    )
    assert client.post(url).status_code == 405


def test_organisation_feed_leaves_out_old_meetings(org, club, login, board_member):
    ClubMeetingFactory(club=club, starts_at=timezone.now() - timedelta(days=400))
    recent = ClubMeetingFactory(club=club, starts_at=timezone.now() - timedelta(days=20))
    _calendar, events = _events(
        login(board_member).get(reverse("clubs:organization_calendar", args=[org.slug]))
    )
    assert [str(e["UID"]) for e in events] == [f"club-meeting-{recent.pk}@clubs.cooperation-portal"]


def test_the_token_of_a_deactivated_account_is_404(club, meetings, shop_steward, client):
    url = reverse(
        "clubs:club_calendar_token",
        args=[calendar_token(shop_steward, CLUBS), club.organization.slug, club.pk],
    )
    shop_steward.is_active = False
    shop_steward.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404
