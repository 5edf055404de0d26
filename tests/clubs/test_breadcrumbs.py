"""Every full page of the clubs app carries the portal's one breadcrumb trail (``{% breadcrumbs %}``),
linking only levels the viewer may open: a shop steward's club pages hang under "My clubs", not under
the organisation's club list, which is for the union side."""

import pytest
from django.urls import reverse

from tests.factories import ClubFundApplicationFactory, ClubMeetingFactory
from tests.helpers import breadcrumb_trail

pytestmark = pytest.mark.django_db

SLUG = "testforbundet"
HOME = ("/", "Overblik")


def trail(response, status: int = 200) -> list[tuple[str, str]]:
    assert response.status_code == status
    return breadcrumb_trail(response.text)


def url(name: str, *args) -> str:
    return reverse(f"clubs:{name}", args=[SLUG, *args])


def test_the_club_list(login, board_member, club):
    assert trail(login(board_member).get(url("club_list"))) == [HOME, ("", "Klubber")]


def test_my_clubs(login, shop_steward, club):
    assert trail(login(shop_steward).get(url("my_clubs"))) == [HOME, ("", "Mine klubber")]


def test_the_fund_rules(login, org_admin, rules):
    assert trail(login(org_admin).get(url("fund_rules_edit"))) == [
        HOME,
        (url("club_list"), "Klubber"),
        ("", "Regler for klubmidler"),
    ]


def test_the_calendar_links_of_the_union_side_hang_under_the_club_list(login, board_member, club):
    assert trail(login(board_member).get(url("calendar_links"))) == [
        HOME,
        (url("club_list"), "Klubber"),
        ("", "Kalenderabonnement"),
    ]


def test_the_calendar_links_of_a_steward_hang_under_my_clubs(login, shop_steward, club):
    assert trail(login(shop_steward).get(url("calendar_links"))) == [
        HOME,
        (url("my_clubs"), "Mine klubber"),
        ("", "Kalenderabonnement"),
    ]


def test_a_club_seen_by_the_board(login, board_member, club):
    assert trail(login(board_member).get(url("club_detail", club.pk))) == [
        HOME,
        (url("club_list"), "Klubber"),
        ("", "Klub A1"),
    ]


def test_a_steward_is_not_led_to_the_club_list_they_may_not_open(login, shop_steward, club):
    assert login(shop_steward).get(url("club_list")).status_code == 403
    for page in [
        url("club_detail", club.pk),
        url("club_meeting_log", club.pk),
        url("application_create", club.pk),
        url("calendar_links"),
    ]:
        response = login(shop_steward).get(page)
        hrefs = [href for href, _text in trail(response)]
        assert url("club_list") not in hrefs, page
        assert url("my_clubs") in hrefs, page


def test_logging_a_club_meeting(login, shop_steward, club):
    assert trail(login(shop_steward).get(url("club_meeting_log", club.pk))) == [
        HOME,
        (url("my_clubs"), "Mine klubber"),
        (url("club_detail", club.pk), "Klub A1"),
        ("", "Registrér et møde"),
    ]


def test_editing_a_club_meeting(login, shop_steward, club):
    meeting = ClubMeetingFactory(club=club)
    assert trail(login(shop_steward).get(url("club_meeting_edit", meeting.pk))) == [
        HOME,
        (url("my_clubs"), "Mine klubber"),
        (url("club_detail", club.pk), "Klub A1"),
        ("", "Redigér møde"),
    ]


def test_editing_a_network_meeting_hangs_under_the_network(login, shop_steward, network):
    meeting = ClubMeetingFactory(club=None, network=network)
    assert trail(login(shop_steward).get(url("club_meeting_edit", meeting.pk))) == [
        HOME,
        (url("network_list"), "TR-netværk"),
        (url("network_detail", network.pk), "TR-netværk Kommuner"),
        ("", "Redigér møde"),
    ]


def test_logging_a_network_meeting_hangs_under_the_network(login, shop_steward, network):
    assert trail(login(shop_steward).get(url("network_meeting_log", network.pk))) == [
        HOME,
        (url("network_list"), "TR-netværk"),
        (url("network_detail", network.pk), "TR-netværk Kommuner"),
        ("", "Registrér et møde"),
    ]


def test_a_new_application(login, shop_steward, club):
    assert trail(login(shop_steward).get(url("application_create", club.pk))) == [
        HOME,
        (url("my_clubs"), "Mine klubber"),
        (url("club_detail", club.pk), "Klub A1"),
        ("", "Søg klubmidler"),
    ]


def test_editing_a_draft_leads_back_through_the_draft(login, shop_steward, club):
    draft = ClubFundApplicationFactory(club=club, purpose="Julefrokost")
    assert trail(login(shop_steward).get(url("application_edit", draft.pk))) == [
        HOME,
        (url("my_clubs"), "Mine klubber"),
        (url("club_detail", club.pk), "Klub A1"),
        (url("application_detail", draft.pk), "Julefrokost"),
        ("", "Søg klubmidler"),
    ]


def test_a_refused_edit_names_the_draft_as_saved(login, shop_steward, club):
    draft = ClubFundApplicationFactory(club=club, purpose="Julefrokost")
    response = login(shop_steward).post(
        url("application_edit", draft.pk),
        {"purpose": "Sommerudflugt", "event_date": "", "amount": "", "participants": "", "action": "draft"},
    )
    assert (url("application_detail", draft.pk), "Julefrokost") in trail(response, status=422)


def test_an_application_seen_by_its_steward(login, shop_steward, club):
    application = ClubFundApplicationFactory(club=club, purpose="Julefrokost")
    assert trail(login(shop_steward).get(url("application_detail", application.pk))) == [
        HOME,
        (url("my_clubs"), "Mine klubber"),
        (url("club_detail", club.pk), "Klub A1"),
        ("", "Julefrokost"),
    ]


def test_an_application_seen_by_the_board_with_a_long_purpose_shortened(login, board_member, club):
    purpose = "Klubmøde om OK26 med spisning, oplæg fra forbundet og efterfølgende debat i salen"
    application = ClubFundApplicationFactory(club=club, purpose=purpose, status="submitted")
    assert trail(login(board_member).get(url("application_detail", application.pk))) == [
        HOME,
        (url("club_list"), "Klubber"),
        (url("club_detail", club.pk), "Klub A1"),
        ("", purpose[:59] + "…"),
    ]


def test_a_refused_decision_keeps_the_trail(login, board_member, club):
    application = ClubFundApplicationFactory(club=club, purpose="Julefrokost", status="submitted")
    response = login(board_member).post(url("application_decide", application.pk), {"decision": "reject"})
    assert trail(response, status=422) == [
        HOME,
        (url("club_list"), "Klubber"),
        (url("club_detail", club.pk), "Klub A1"),
        ("", "Julefrokost"),
    ]


def test_the_network_list(login, shop_steward, network):
    assert trail(login(shop_steward).get(url("network_list"))) == [HOME, ("", "TR-netværk")]


def test_a_network(login, board_member, network):
    assert trail(login(board_member).get(url("network_detail", network.pk))) == [
        HOME,
        (url("network_list"), "TR-netværk"),
        ("", "TR-netværk Kommuner"),
    ]
