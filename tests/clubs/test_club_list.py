import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import unit
from tests.factories import (
    ClubFactory,
    ClubFundApplicationFactory,
    ClubMeetingFactory,
    OrganizationFactory,
    OrgUnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(club, club_b, board_member):
    ClubMeetingFactory(club=club, kind="demands", board_guests=[board_member])
    ClubMeetingFactory(club=club, kind="ordinary")
    ClubMeetingFactory(club=club_b, kind="ordinary", chair_present=True)
    ClubMeetingFactory(
        club=club_b,
        kind="demands",
        status="planned",
        attendance=None,
        starts_at=timezone.now() + timedelta(days=10),
    )
    ClubFundApplicationFactory(club=club, status="approved", amount=Decimal("1200"))
    ClubFundApplicationFactory(club=club_b, status="submitted", purpose="Julefrokost for klub B")


def test_overview_figures(org, activity, login, union_staff, club, club_b):
    response = login(union_staff).get(reverse("clubs:club_list", args=[org.slug]))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.clubs, totals.meetings, totals.board_meetings, totals.missing_required) == (2, 3, 2, 1)
    assert totals.granted == Decimal("1200")
    assert totals.budget == Decimal("24000")  # (40 + 20) members × DKK 400
    rows = {c.name: c for c in response.context["page"]}
    assert rows["Klub A1"].held_required and not rows["Klub B"].held_required
    assert rows["Klub A1"].meetings_year == 2 and rows["Klub A1"].board_meetings_year == 1
    html = response.content.decode()
    assert "Julefrokost for klub B" in html  # the application waiting for a decision


def test_the_club_table_rows(org, activity, login, union_staff, club, club_b):
    from tests.helpers import body_rows

    club_b.name = "Klub B <i>&amp;</i>"
    club_b.member_count = 1200
    club_b.save()
    response = login(union_staff).get(reverse("clubs:club_list", args=[org.slug]))
    html = response.content.decode()
    last_a = timezone.localtime(club.meetings.filter(status="held").latest("starts_at").starts_at)
    last_b = timezone.localtime(club_b.meetings.filter(status="held").latest("starts_at").starts_at)
    table = html.split('id="club-results"')[1]
    assert body_rows(table) == [
        (
            ["Klub A1", "40", last_a.strftime("%d.%m.%Y"), "2", "1 / 2", "Holdt", "1.200 / 16.000"],
            [reverse("clubs:club_detail", args=[org.slug, club.pk])],
        ),
        (
            [
                "Klub B <i>&amp;</i>",
                "1.200",
                last_b.strftime("%d.%m.%Y"),
                "1",
                "1 / 1",
                "Mangler",
                "0 / 480.000",
            ],
            [reverse("clubs:club_detail", args=[org.slug, club_b.pk])],
        ),
    ]
    assert "Klub B <i>" not in html


def test_the_last_meeting_is_its_local_date_and_a_dash_without_one(org, login, union_staff):
    from datetime import UTC, datetime

    from tests.helpers import body_rows

    # 23:30 in UTC on 31 January is 00:30 on 1 February in Copenhagen.
    late = ClubFactory(organization=org, name="Klub sent")
    ClubMeetingFactory(club=late, starts_at=datetime(2026, 1, 31, 23, 30, tzinfo=UTC))
    ClubFactory(organization=org, name="Klub uden møder")
    html = login(union_staff).get(reverse("clubs:club_list", args=[org.slug])).content.decode()
    last_meeting = {cells[0]: cells[2] for cells, _links in body_rows(html.split('id="club-results"')[1])}
    assert last_meeting == {"Klub sent": "01.02.2026", "Klub uden møder": "–"}
    empty = login(union_staff).get(reverse("clubs:club_list", args=[org.slug]), {"q": "ingen-klub-her"})
    assert body_rows(empty.content.decode().split('id="club-results"')[1]) == [
        (["Ingen klubber passer til filtrene."], [])
    ]


def test_norwegian_organisation_checks_the_part_time_meeting(org, activity, login, union_staff):
    org.country = "NO"
    org.save(update_fields=["country"])
    response = login(union_staff).get(reverse("clubs:club_list", args=[org.slug]))
    assert response.context["totals"].missing_required == 2
    assert "14-1a" in response.content.decode()


def test_filters_via_get(org, activity, login, union_staff):
    client = login(union_staff)
    url = reverse("clubs:club_list", args=[org.slug])
    names = lambda r: [c.name for c in r.context["page"]]  # noqa: E731
    assert names(client.get(url, {"missing": "on"})) == ["Klub B"]
    assert names(client.get(url, {"pending": "on"})) == ["Klub B"]
    assert names(client.get(url, {"q": "A1"})) == ["Klub A1"]
    assert names(client.get(url, {"area": unit(org, "A").pk})) == ["Klub A1"]
    assert client.get(url, {"year": str(timezone.localdate().year - 3)}).context["totals"].meetings == 0


def test_htmx_renders_only_the_results(org, activity, login, union_staff):
    response = login(union_staff).get(
        reverse("clubs:club_list", args=[org.slug]), {"missing": "on"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="club-results">')
    assert "<html" not in html
    assert "Klub B" in html and "Klub A1" not in html


def test_csv_export_applies_the_filters(org, activity, login, board_member):
    response = login(board_member).get(reverse("clubs:club_list_csv", args=[org.slug]), {"missing": "on"})
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads æøå right only with the byte-order mark
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert [r["Klub"] for r in rows] == ["Klub B"]
    assert rows[0]["Holdt: Kravindsamling (OK26)"] == "nej"
    assert rows[0]["Møder med et bestyrelsesmedlem til stede"] == "1"
    assert rows[0]["Ansøgninger under behandling"] == "ja"


def test_xlsx_export_has_the_same_rows_as_text_cells_where_text(org, activity, login, board_member):
    from openpyxl import load_workbook

    response = login(board_member).get(reverse("clubs:club_list_xlsx", args=[org.slug]), {"missing": "on"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Klub" and rows[1][0] == "Klub B"
    assert rows[1][5] == 1  # a number Excel can sum, not text


def test_steward_scoped_board_sees_only_clubs_below_their_unit(org, activity, login):
    from tests.conftest import _user_with
    from tests.factories import Role

    local_board = _user_with(org, Role.BOARD, "A", email="local-board@example.org")
    response = login(local_board).get(reverse("clubs:club_list", args=[org.slug]))
    assert [c.name for c in response.context["page"]] == ["Klub A1"]


def test_query_count_does_not_grow_with_clubs(
    org, activity, login, union_staff, django_assert_max_num_queries
):
    client = login(union_staff)
    url = reverse("clubs:club_list", args=[org.slug])
    with django_assert_max_num_queries(14):
        client.get(url)
    for _n in range(30):
        extra = ClubFactory(organization=org, unit=OrgUnitFactory(organization=org), member_count=10)
        ClubMeetingFactory(club=extra)
        ClubFundApplicationFactory(club=extra, status="submitted")
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.context["totals"].clubs == 32


def test_my_clubs_page(club, login, shop_steward, network):
    ClubMeetingFactory(
        club=club,
        status="planned",
        attendance=None,
        starts_at=timezone.now() + timedelta(days=5),
        kind="part_time",
    )
    ClubFundApplicationFactory(club=club, status="approved", amount=Decimal("1000"), purpose="Sommerudflugt")
    response = login(shop_steward).get(reverse("clubs:my_clubs", args=[club.organization.slug]))
    html = response.content.decode()
    assert "Klub A1" in html and "Sommerudflugt" in html
    assert response.context["clubs"][0].balances[0].remaining == Decimal("15000")
    assert len(response.context["clubs"][0].upcoming) == 1
    assert "TR-netværk Kommuner" in html


def test_my_clubs_lists_only_my_networks_in_name_order(org, club, login, shop_steward, steward_of_other_club):
    from tests.factories import TRNetworkFactory

    TRNetworkFactory(organization=org, name="Ø-netværk", stewards=[shop_steward])
    TRNetworkFactory(organization=org, name="A-netværk", stewards=[shop_steward, steward_of_other_club])
    TRNetworkFactory(organization=org, name="Andres netværk", stewards=[steward_of_other_club])
    TRNetworkFactory(organization=OrganizationFactory(), name="Fremmed netværk", stewards=[shop_steward])
    response = login(shop_steward).get(reverse("clubs:my_clubs", args=[org.slug]))
    assert [n.name for n in response.context["networks"]] == ["A-netværk", "Ø-netværk"]
    html = response.content.decode()
    assert "Andres netværk" not in html and "Fremmed netværk" not in html
    for network in response.context["networks"]:
        assert reverse("clubs:network_detail", args=[org.slug, network.pk]) in html


def test_my_clubs_shows_next_years_funds_when_applications_wait_for_them(club, login, shop_steward):
    year = timezone.localdate().year
    ClubFundApplicationFactory(club=club, status="approved", amount=Decimal("1000"))
    for _n in range(4):
        ClubFundApplicationFactory(
            club=club, status="submitted", amount=Decimal("3000"), event_date=date(year + 1, 3, 1)
        )
    response = login(shop_steward).get(reverse("clubs:my_clubs", args=[club.organization.slug]))
    html = response.content.decode()
    this_year, next_year = response.context["clubs"][0].balances
    assert (this_year.year, this_year.pending, this_year.remaining) == (year, 0, Decimal("15000"))
    assert (next_year.year, next_year.pending, next_year.remaining) == (
        year + 1,
        Decimal("12000"),
        Decimal("4000"),
    )
    assert f"Klubmidler {year}" in html and f"Klubmidler {year + 1}" in html
    assert "<dd>12.000 kr.</dd>" in html and "<strong>4.000 kr.</strong>" in html


def test_my_clubs_shows_only_this_years_funds_without_applications_for_next_year(club, login, shop_steward):
    year = timezone.localdate().year
    ClubFundApplicationFactory(club=club, status="approved", amount=Decimal("1000"))
    response = login(shop_steward).get(reverse("clubs:my_clubs", args=[club.organization.slug]))
    assert [b.year for b in response.context["clubs"][0].balances] == [year]
    assert f"Klubmidler {year + 1}" not in response.content.decode()


def test_club_detail_shows_next_years_funds_when_applications_wait_for_them(club, login, board_member):
    year = timezone.localdate().year
    ClubFundApplicationFactory(club=club, status="submitted", event_date=date(year + 1, 3, 1))
    response = login(board_member).get(reverse("clubs:club_detail", args=[club.organization.slug, club.pk]))
    assert [b.year for b in response.context["balances"]] == [year, year + 1]


def test_my_clubs_query_count(club, login, shop_steward, org, django_assert_max_num_queries):
    client = login(shop_steward)
    url = reverse("clubs:my_clubs", args=[org.slug])
    with django_assert_max_num_queries(10):
        client.get(url)
    for _n in range(20):
        ClubMeetingFactory(
            club=club, status="planned", attendance=None, starts_at=timezone.now() + timedelta(days=3)
        )
        ClubFundApplicationFactory(club=club)
    with django_assert_max_num_queries(10):
        client.get(url)


def test_club_detail_query_count(club, login, shop_steward, board_member, django_assert_max_num_queries):
    client = login(shop_steward)
    url = reverse("clubs:club_detail", args=[club.organization.slug, club.pk])
    with django_assert_max_num_queries(12):
        client.get(url)
    for _n in range(20):
        ClubMeetingFactory(club=club, board_guests=[board_member])
        ClubFundApplicationFactory(club=club, status="approved", amount=Decimal("10"))
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert len(response.context["meetings"]) == 20


def test_network_list_query_count(org, login, union_staff, shop_steward, django_assert_max_num_queries):
    from tests.factories import TRNetworkFactory

    client = login(union_staff)
    url = reverse("clubs:network_list", args=[org.slug])
    TRNetworkFactory(organization=org, stewards=[shop_steward])
    with django_assert_max_num_queries(8):
        client.get(url)
    for _n in range(15):
        network = TRNetworkFactory(organization=org, stewards=[shop_steward])
        ClubMeetingFactory(club=None, network=network)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert len(response.context["networks"]) == 16
    assert sum(n.meeting_count for n in response.context["networks"]) == 15


def test_steward_sees_only_own_networks(org, login, network, steward_of_other_club):
    from tests.factories import TRNetworkFactory

    TRNetworkFactory(organization=org, name="Øst-netværk", stewards=[steward_of_other_club])
    TRNetworkFactory(organization=org, name="Andet netværk", stewards=[steward_of_other_club])
    response = login(steward_of_other_club).get(reverse("clubs:network_list", args=[org.slug]))
    # In name order (a grouped query does not take the model's ordering by itself).
    assert [n.name for n in response.context["networks"]] == ["Andet netværk", "Øst-netværk"]
