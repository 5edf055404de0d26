"""Every club view: who gets 200, 403, 404 and what anonymous users and wrong methods get."""

import pytest
from django.urls import reverse

from tests.factories import ClubFundApplicationFactory, ClubMeetingFactory

pytestmark = pytest.mark.django_db

USERS = [
    "board_member",
    "union_staff",
    "shop_steward",
    "steward_of_other_club",
    "med_member",
    "hr_user",
    "board_member_other",
    "org_admin",
]


def _urls(club, network, meeting, application):
    slug = club.organization.slug
    return {
        "my_clubs": reverse("clubs:my_clubs", args=[slug]),
        "club_list": reverse("clubs:club_list", args=[slug]),
        "club_list_csv": reverse("clubs:club_list_csv", args=[slug]),
        "organization_calendar": reverse("clubs:organization_calendar", args=[slug]),
        "club_detail": reverse("clubs:club_detail", args=[slug, club.pk]),
        "club_calendar": reverse("clubs:club_calendar", args=[slug, club.pk]),
        "club_meeting_log": reverse("clubs:club_meeting_log", args=[slug, club.pk]),
        "club_meeting_edit": reverse("clubs:club_meeting_edit", args=[slug, meeting.pk]),
        "application_create": reverse("clubs:application_create", args=[slug, club.pk]),
        "application_detail": reverse("clubs:application_detail", args=[slug, application.pk]),
        "application_edit": reverse("clubs:application_edit", args=[slug, application.pk]),
        "network_list": reverse("clubs:network_list", args=[slug]),
        "network_detail": reverse("clubs:network_detail", args=[slug, network.pk]),
        "network_meeting_log": reverse("clubs:network_meeting_log", args=[slug, network.pk]),
        "fund_rules_edit": reverse("clubs:fund_rules_edit", args=[slug]),
        "calendar_links": reverse("clubs:calendar_links", args=[slug]),
    }


# Expected GET status per view and user. The steward of club A1 is also in the network.
EXPECTED = {
    #                        board staff steward other-steward med  hr  other-org admin
    "my_clubs": (403, 403, 200, 200, 403, 403, 404, 200),
    "club_list": (200, 200, 403, 403, 403, 403, 404, 200),
    "club_list_csv": (200, 200, 403, 403, 403, 403, 404, 200),
    "organization_calendar": (200, 200, 403, 403, 403, 403, 404, 200),
    "club_detail": (200, 200, 200, 403, 403, 403, 404, 200),
    "club_calendar": (200, 200, 200, 403, 403, 403, 404, 200),
    "club_meeting_log": (403, 403, 200, 403, 403, 403, 404, 200),
    "club_meeting_edit": (403, 403, 200, 403, 403, 403, 404, 200),
    "application_create": (403, 403, 200, 403, 403, 403, 404, 200),
    "application_detail": (200, 200, 200, 403, 403, 403, 404, 200),
    "application_edit": (403, 403, 200, 403, 403, 403, 404, 200),
    "network_list": (200, 200, 200, 200, 403, 403, 404, 200),
    "network_detail": (200, 200, 200, 403, 403, 403, 404, 200),
    "network_meeting_log": (403, 403, 200, 403, 403, 403, 404, 200),
    "fund_rules_edit": (403, 403, 403, 403, 403, 403, 404, 200),
    "calendar_links": (200, 200, 200, 200, 403, 403, 404, 200),
}


@pytest.fixture
def objects(club, network):
    meeting = ClubMeetingFactory(club=club)
    application = ClubFundApplicationFactory(club=club)
    return _urls(club, network, meeting, application)


@pytest.mark.parametrize("view", sorted(EXPECTED))
def test_status_per_role(view, objects, login, request, client):
    url = objects[view]
    for index, name in enumerate(USERS):
        user = request.getfixturevalue(name)
        response = login(user).get(url)
        assert response.status_code == EXPECTED[view][index], (view, name)
        client.logout()


@pytest.mark.parametrize("view", sorted(EXPECTED))
def test_anonymous_is_sent_to_login(view, objects, client):
    response = client.get(objects[view])
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


READ_ONLY = [
    "my_clubs",
    "club_list",
    "club_list_csv",
    "organization_calendar",
    "club_detail",
    "club_calendar",
    "application_detail",
    "network_list",
    "network_detail",
]


@pytest.mark.parametrize("view", READ_ONLY)
def test_read_only_views_refuse_post(view, objects, login, org_admin):
    assert login(org_admin).post(objects[view]).status_code == 405


@pytest.mark.parametrize("name", ["application_submit", "application_decide", "application_mark_paid"])
def test_post_only_views_refuse_get(name, club, login, org_admin):
    application = ClubFundApplicationFactory(club=club)
    url = reverse(f"clubs:{name}", args=[club.organization.slug, application.pk])
    assert login(org_admin).get(url).status_code == 405


def test_club_of_another_organisation_under_own_slug_is_404(org, other_club, login, board_member):
    url = reverse("clubs:club_detail", args=[org.slug, other_club.pk])
    assert login(board_member).get(url).status_code == 404


def test_steward_cannot_decide_own_application(club, login, shop_steward):
    application = ClubFundApplicationFactory(club=club, status="submitted")
    url = reverse("clubs:application_decide", args=[club.organization.slug, application.pk])
    assert login(shop_steward).post(url, {"decision": "approve"}).status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_board_cannot_log_meetings_for_a_club(club, login, board_member):
    url = reverse("clubs:club_meeting_log", args=[club.organization.slug, club.pk])
    response = login(board_member).post(
        url,
        {"date": "2026-01-05", "kind": "ordinary", "status": "held", "attendance": 5, "duration_minutes": 60},
    )
    assert response.status_code == 403
    assert not club.meetings.exists()


def test_steward_whose_unit_does_not_cover_the_club_is_refused(club, login, steward_of_other_club):
    # Listed as steward but holding the role only for unit B: the membership must cover the workplace.
    club.stewards.add(steward_of_other_club)
    url = reverse("clubs:club_detail", args=[club.organization.slug, club.pk])
    assert login(steward_of_other_club).get(url).status_code == 403
