import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apps.clubs.report import build_section
from tests.factories import ClubFundApplicationFactory, ClubMeetingFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_section_figures(org, club, club_b, board_member):
    year = timezone.localdate().year
    ClubMeetingFactory(club=club, kind="demands", attendance=20, board_guests=[board_member])
    ClubMeetingFactory(club=club, kind="ordinary", attendance=10)
    ClubMeetingFactory(club=club_b, kind="demands", attendance=15, chair_present=True)
    ClubMeetingFactory(club=club_b, kind="ordinary", status="planned", attendance=None)
    ClubFundApplicationFactory(club=club, status="approved", amount=Decimal("1500"))
    ClubFundApplicationFactory(club=club_b, status="paid", amount=Decimal("500"))
    ClubFundApplicationFactory(club=club_b, status="rejected", amount=Decimal("9000"))

    section = build_section(org, year)
    data = section.data
    assert section.key == "clubs" and section.has_data
    # Turnout per meeting: 20 and 10 of club A's 40 members, 15 of club B's 20: on average 50 %.
    assert (data["meetings"], data["attendance"], data["members"], data["reach"]) == (3, 45, 60, 50)
    assert (data["board_meetings"], data["board_share"]) == (2, 67)
    assert (data["funds_count"], data["funds_amount"]) == (2, Decimal("2000"))
    demands = next(
        row for row in data["per_kind"] if row["label"].startswith("Bargaining") or "OK26" in row["label"]
    )
    assert (demands["held"], demands["attendance"], demands["board"]) == (2, 35, 2)

    html = render_to_string(section.template, {"section": section, "organization": org, "year": year})
    assert "<svg" in html and "style=" not in html and "<script" not in html
    assert "67 %" in html


def test_turnout_stays_a_share_of_the_members_when_a_club_meets_every_week(org, club):
    club.member_count = 10
    club.save(update_fields=["member_count"])
    for _week in range(6):
        ClubMeetingFactory(club=club, attendance=8)
    section = build_section(org, timezone.localdate().year)
    assert section.data["attendance"] == 48 and section.data["reach"] == 80
    html = render_to_string(section.template, {"section": section, "organization": org, "year": 2026})
    assert "48 fremmødte mod 10 medlemmer." in html
    assert "I gennemsnit kom 80 % af en klubs medlemmer til dens møder." in html


def test_no_activity_is_has_data_false(org, club):
    section = build_section(org, 2001)
    assert section.has_data is False
    html = render_to_string(section.template, {"section": section, "organization": org, "year": 2001})
    assert "2001" in html and "<svg" not in html


def test_employer_has_no_clubs_section():
    assert build_section(OrganizationFactory(kind="employer"), 2026) is None


SVG_NUMBERS = re.compile(r'\b(x|y|width|height|viewBox|stroke-width|font-size)="([^"]*)"')


def _svg_numbers(html: str) -> list[tuple[str, str]]:
    svg = html[html.index("<svg") : html.index("</svg>")]
    return SVG_NUMBERS.findall(svg)


@pytest.mark.parametrize("language", ["da", "nb"])
def test_chart_numbers_are_written_with_a_decimal_point(org, club, board_member, language):
    year = timezone.localdate().year
    for _n in range(3):
        ClubMeetingFactory(club=club, kind="demands", board_guests=[board_member])
    ClubMeetingFactory(club=club, kind="ordinary")
    section = build_section(org, year)
    # Bars in fractions of a pixel, as a chart of exact shares would draw them.
    for bar in section.data["chart"]["bars"]:
        bar["width"] += 0.5
        bar["board_width"] += 0.25
    with translation.override(language):
        html = render_to_string(section.template, {"section": section, "organization": org, "year": year})
    numbers = _svg_numbers(html)
    assert ("width", "300.5") in numbers and ("width", "300.25") in numbers
    for name, value in numbers:
        assert "," not in value, (name, value)
        assert re.fullmatch(r"[-\d. ]+", value), (name, value)
