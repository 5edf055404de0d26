from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.clubs.models import ClubMeeting
from tests.conftest import _user_with
from tests.factories import Role

pytestmark = pytest.mark.django_db


def _url(club):
    return reverse("clubs:club_meeting_log", args=[club.organization.slug, club.pk])


def _data(**overrides):
    data = {
        "date": timezone.localdate().isoformat(),
        "kind": "part_time",
        "status": "held",
        "attendance": "14",
        "duration_minutes": "60",
    }
    data.update(overrides)
    return data


def test_get_shows_quick_fields_first(club, login, shop_steward):
    response = login(shop_steward).get(_url(club))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index('name="date"') < html.index('name="kind"') < html.index('name="attendance"')
    assert html.index('name="attendance"') < html.index('name="agenda"')
    assert 'type="date"' in html


def test_steward_logs_a_held_meeting(club, login, shop_steward, board_member):
    response = login(shop_steward).post(_url(club), _data(board_guests=[board_member.pk], time="17:30"))
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("clubs:club_detail", args=[club.organization.slug, club.pk])
    meeting = club.meetings.get()
    assert meeting.kind == ClubMeeting.Kind.PART_TIME
    assert meeting.attendance == 14
    assert meeting.created_by == shop_steward
    assert list(meeting.board_guests.all()) == [board_member]
    assert timezone.localtime(meeting.starts_at).strftime("%H:%M") == "17:30"


def test_htmx_post_redirects_the_client(club, login, shop_steward):
    response = login(shop_steward).post(_url(club), _data(), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("clubs:club_detail", args=[club.organization.slug, club.pk])
    assert club.meetings.count() == 1


def test_held_meeting_in_the_future_is_refused(club, login, shop_steward):
    future = (timezone.localdate() + timedelta(days=200)).isoformat()
    response = login(shop_steward).post(_url(club), _data(date=future))
    assert response.status_code == 422
    assert response.context["form"].errors["date"] == [
        "Et møde, der er holdt, kan ikke ligge i fremtiden. Vælg “Planlagt”, eller ret datoen."
    ]
    assert "aria-invalid" in response.content.decode()
    assert not ClubMeeting.objects.exists()


def test_planned_meeting_in_the_future_needs_no_attendance(club, login, shop_steward):
    future = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = login(shop_steward).post(_url(club), _data(date=future, status="planned", attendance=""))
    assert response.status_code == 302
    assert club.meetings.get().attendance is None


def test_attendance_larger_than_membership_is_refused(club, login, shop_steward):
    response = login(shop_steward).post(_url(club), _data(attendance="41"))
    assert response.status_code == 422
    assert response.context["form"].errors["attendance"] == [
        "Fremmødet (41) kan ikke være større end klubbens 40 medlemmer."
    ]
    assert not ClubMeeting.objects.exists()


def test_planned_meeting_in_the_past_is_refused(club, login, shop_steward):
    last_month = (timezone.localdate() - timedelta(days=30)).isoformat()
    response = login(shop_steward).post(_url(club), _data(date=last_month, status="planned", attendance=""))
    assert response.status_code == 422
    assert response.context["form"].errors["date"] == [
        "Et planlagt møde kan ikke ligge mere end én dag tilbage i tiden. "
        "Vælg “Holdt”, hvis mødet er blevet holdt, eller ret datoen."
    ]
    assert not ClubMeeting.objects.exists()


def test_planned_meeting_of_yesterday_is_accepted(club, login, shop_steward):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = login(shop_steward).post(_url(club), _data(date=yesterday, status="planned", attendance=""))
    assert response.status_code == 302
    assert club.meetings.get().status == "planned"


def test_old_planned_meeting_is_edited_into_a_held_one(club, login, shop_steward):
    meeting = ClubMeeting.objects.create(
        club=club, starts_at=timezone.now() - timedelta(days=40), status="planned", kind="ordinary"
    )
    url = reverse("clubs:club_meeting_edit", args=[club.organization.slug, meeting.pk])
    date = timezone.localtime(meeting.starts_at).date().isoformat()
    client = login(shop_steward)
    response = client.post(url, _data(date=date, kind="ordinary", status="planned", attendance=""))
    assert response.status_code == 422
    response = client.post(url, _data(date=date, kind="ordinary", attendance="9"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.attendance) == ("held", 9)


def test_held_meeting_without_attendance_is_refused(club, login, shop_steward):
    response = login(shop_steward).post(_url(club), _data(attendance=""))
    assert response.status_code == 422
    assert "attendance" in response.context["form"].errors
    assert not ClubMeeting.objects.exists()


def test_edit_turns_a_planned_meeting_into_a_held_one(club, login, shop_steward):
    meeting = ClubMeeting.objects.create(
        club=club, starts_at=timezone.now() - timedelta(hours=2), status="planned", kind="ordinary"
    )
    url = reverse("clubs:club_meeting_edit", args=[club.organization.slug, meeting.pk])
    client = login(shop_steward)
    assert client.get(url).status_code == 200
    date = timezone.localtime(meeting.starts_at).date().isoformat()
    response = client.post(
        url, _data(date=date, kind="ordinary", attendance="9", minutes="Vi drøftede OK26.")
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.attendance, meeting.minutes) == ("held", 9, "Vi drøftede OK26.")


def test_network_meeting_reuses_the_meeting_model(network, login, shop_steward):
    url = reverse("clubs:network_meeting_log", args=[network.organization.slug, network.pk])
    response = login(shop_steward).post(url, _data(kind="other", attendance="6"))
    assert response.status_code == 302
    meeting = ClubMeeting.objects.get()
    assert meeting.network == network and meeting.club is None


def test_only_board_members_of_the_organisation_can_be_picked_as_guests(club, login, shop_steward, other_org):
    outsider = _user_with(other_org, Role.BOARD, email="outsider@example.org")
    response = login(shop_steward).post(_url(club), _data(board_guests=[outsider.pk]))
    assert response.status_code == 422
    assert "board_guests" in response.context["form"].errors
    assert not ClubMeeting.objects.exists()


def test_meeting_links_to_strategy_initiatives_of_its_own_organisation(
    club, login, shop_steward, org, other_org
):
    from tests.factories import InitiativeFactory

    own = InitiativeFactory(focus_area__plan__organization=org, text="Flere klubmøder med bestyrelsen")
    foreign = InitiativeFactory(focus_area__plan__organization=other_org)
    client = login(shop_steward)
    assert "Flere klubmøder med bestyrelsen" in client.get(_url(club)).content.decode()
    response = client.post(_url(club), _data(initiatives=[foreign.pk]))
    assert response.status_code == 422
    assert not ClubMeeting.objects.exists()
    response = client.post(_url(club), _data(initiatives=[own.pk]))
    assert response.status_code == 302
    assert list(ClubMeeting.objects.get().initiatives.all()) == [own]


def test_quick_form_on_my_clubs_logs_and_returns_there(club, login, shop_steward):
    client = login(shop_steward)
    page = client.get(reverse("clubs:my_clubs", args=[club.organization.slug])).content.decode()
    assert f'id="club{club.pk}_attendance"' in page
    assert f'action="{_url(club)}"' in page
    data = {
        "from": "my_clubs",
        "date": timezone.localdate().isoformat(),
        "kind": "ordinary",
        "status": "held",
    }
    response = client.post(_url(club), {**data, "attendance": "7"})
    assert response.status_code == 302
    assert response["Location"] == reverse("clubs:my_clubs", args=[club.organization.slug])
    assert club.meetings.get().duration_minutes == 60
