"""Issue 16, "Dates": dates outside the organisation's window ask for confirmation; absurd years are refused.

The window is a setting per organisation (5 years back and 5 ahead by default). These tests go through
the real forms: a MED meeting (apps/meetings), a club meeting and a club-fund event (apps/clubs).
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.clubs.models import ClubFundApplication, ClubMeeting
from apps.core.dates import DateWindow
from apps.meetings.models import Committee
from tests.conftest import _user_with
from tests.factories import ClubFactory, ClubFundRulesFactory, CommitteeFactory, Role, seat
from tests.helpers import organization_slug_of

CONFIRM = 'name="confirm_dates"'
WARNING_AHEAD = "Datoen ligger mere end 5 år ude i fremtiden."
WARNING_BACK = "Datoen ligger mere end 5 år tilbage."
ABSURD = "Angiv en rigtig dato med et firecifret årstal mellem 1900 og 2200."
YEAR_RANGE = "Året skal ligge mellem 1900 og 2200."


def _years_from_today(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year + years, day=min(today.day, 28))


# ------------------------------------------------------------------------------------------ the helper
def test_the_window_reaches_the_set_years_back_and_ahead():
    window = DateWindow(years_back=5, years_ahead=5, today=date(2026, 12, 4))
    assert (window.first, window.last) == (date(2021, 12, 4), date(2031, 12, 4))
    assert window.contains(date(2021, 12, 4)) and window.contains(date(2031, 12, 4))
    assert not window.contains(date(2021, 12, 3)) and not window.contains(date(2031, 12, 5))
    assert window.contains(2021) and window.contains(2031) and not window.contains(2032)


def test_the_window_of_a_leap_day():
    window = DateWindow(years_back=1, years_ahead=1, today=date(2028, 2, 29))
    assert (window.first, window.last) == (date(2027, 2, 28), date(2029, 2, 28))


def test_the_window_is_the_organisations_setting(org):
    org.date_window_years_back, org.date_window_years_ahead = 1, 20
    org.save(update_fields=["date_window_years_back", "date_window_years_ahead"])
    window = DateWindow.for_organization(org, today=date(2026, 6, 1))
    assert (window.first, window.last) == (date(2025, 6, 1), date(2046, 6, 1))


def test_new_organisations_get_five_years_each_way(org):
    assert (org.date_window_years_back, org.date_window_years_ahead) == (5, 5)


# ---------------------------------------------------------------------------------- MED meeting form
@pytest.fixture
def committee(org):
    return CommitteeFactory(organization=org, kind=Committee.Kind.LMU, name="LMU Område A")


@pytest.fixture
def member(org, committee):
    """The committee's secretary, who plans its meetings."""
    from apps.meetings.models import CommitteeMember

    user = _user_with(org, Role.MED, "A", email="lmu@example.org")
    seat(committee, user, role=CommitteeMember.MemberRole.SECRETARY)
    return user


def _plan_meeting(client, committee, day, **extra):
    url = reverse("meetings:med_meeting_create", args=[organization_slug_of(committee), committee.pk])
    data = {"title": "Møde", "date": day, "start_time": "10:00", "kind": "ordinary", **extra}
    return client.post(url, data)


def test_a_med_meeting_far_ahead_asks_for_confirmation_then_saves(login, member, committee):
    client = login(member)
    day = _years_from_today(8).isoformat()
    response = _plan_meeting(client, committee, day)
    body = response.content.decode()
    assert response.status_code == 400
    assert WARNING_AHEAD in body and CONFIRM in body and "Ja, datoen er rigtig" in body
    assert f'value="{day}"' in body  # what was typed is kept
    assert not committee.meetings.exists()
    response = _plan_meeting(client, committee, day, confirm_dates="on")
    assert response.status_code == 302
    assert committee.meetings.get().date.isoformat() == day


def test_a_med_meeting_far_back_asks_too(login, member, committee):
    response = _plan_meeting(login(member), committee, _years_from_today(-7).isoformat())
    assert response.status_code == 400 and WARNING_BACK in response.content.decode()


def test_a_med_meeting_inside_the_window_needs_no_confirmation(login, member, committee):
    client = login(member)
    page = client.get(
        reverse("meetings:med_meeting_create", args=[organization_slug_of(committee), committee.pk])
    ).content.decode()
    assert CONFIRM not in page
    response = _plan_meeting(client, committee, _years_from_today(4).isoformat())
    assert response.status_code == 302


def test_the_organisations_window_decides(login, member, committee, org):
    org.date_window_years_ahead = 10
    org.save(update_fields=["date_window_years_ahead"])
    assert _plan_meeting(login(member), committee, _years_from_today(8).isoformat()).status_code == 302


@pytest.mark.parametrize("day", ["99999-01-01", "+099999-01-01", "20266-12-01"])
def test_a_med_meeting_in_year_99999_is_refused_clearly(login, member, committee, day):
    response = _plan_meeting(login(member), committee, day, confirm_dates="on")
    assert response.status_code == 400
    assert ABSURD in response.content.decode()
    assert not committee.meetings.exists()


def test_a_med_meeting_in_year_3000_is_refused_even_when_confirmed(login, member, committee):
    response = _plan_meeting(login(member), committee, "3000-01-01", confirm_dates="on")
    assert response.status_code == 400
    assert YEAR_RANGE in response.content.decode()
    assert not committee.meetings.exists()


# ----------------------------------------------------------------------- club meeting and fund event
@pytest.fixture
def club(org, shop_steward):
    ClubFundRulesFactory(organization=org)
    return ClubFactory(organization=org, unit=org.units.get(code="A1"), stewards=[shop_steward])


def _log(client, club, day, **extra):
    url = reverse("clubs:club_meeting_log", args=[club.organization.slug, club.pk])
    data = {"date": day, "kind": "part_time", "status": "planned", "duration_minutes": "60", **extra}
    return client.post(url, data)


def test_a_club_meeting_far_ahead_asks_for_confirmation_then_saves(login, shop_steward, club):
    client = login(shop_steward)
    day = _years_from_today(6).isoformat()
    response = _log(client, club, day)
    assert response.status_code == 422
    body = response.content.decode()
    assert WARNING_AHEAD in body and CONFIRM in body
    assert not ClubMeeting.objects.exists()
    assert _log(client, club, day, confirm_dates="on").status_code == 302
    assert timezone.localtime(ClubMeeting.objects.get().starts_at).date().isoformat() == day


def test_a_club_meeting_in_year_99999_is_refused(login, shop_steward, club):
    response = _log(login(shop_steward), club, "99999-01-01", confirm_dates="on")
    assert response.status_code == 422 and ABSURD in response.content.decode()
    assert not ClubMeeting.objects.exists()


def _apply(client, club, day, **extra):
    url = reverse("clubs:application_create", args=[club.organization.slug, club.pk])
    data = {
        "purpose": "Klubmøde",
        "event_date": day,
        "amount": "400",
        "participants": "10",
        "action": "draft",
    }
    return client.post(url, {**data, **extra})


def test_a_fund_event_far_ahead_asks_for_confirmation_then_saves(login, shop_steward, club):
    client = login(shop_steward)
    day = _years_from_today(7).isoformat()
    response = _apply(client, club, day)
    body = response.content.decode()
    assert WARNING_AHEAD in body and CONFIRM in body
    assert not ClubFundApplication.objects.exists()
    assert _apply(client, club, day, confirm_dates="on").status_code == 302
    assert ClubFundApplication.objects.get().event_date.isoformat() == day


def test_a_fund_event_next_month_needs_no_confirmation(login, shop_steward, club):
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert _apply(login(shop_steward), club, day).status_code == 302


def test_a_fund_event_in_year_99999_is_refused(login, shop_steward, club):
    response = _apply(login(shop_steward), club, "99999-06-01", confirm_dates="on")
    assert ABSURD in response.content.decode()
    assert not ClubFundApplication.objects.exists()


def test_editing_a_med_meeting_asks_too(login, member, committee):
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(committee=committee, date=timezone.localdate())
    url = reverse("meetings:med_meeting_edit", args=[organization_slug_of(meeting), meeting.pk])
    day = _years_from_today(-9).isoformat()
    data = {"title": "Møde", "date": day, "start_time": "10:00", "kind": "ordinary"}
    client = login(member)
    response = client.post(url, data)
    assert response.status_code == 400 and WARNING_BACK in response.content.decode()
    assert client.post(url, {**data, "confirm_dates": "on"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.date.isoformat() == day
