"""A Norwegian union's club funds are in Norwegian kroner, whatever the language of the page."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from apps.clubs.report import build_section
from tests.factories import ClubFundApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def norwegian(org):
    org.country = "NO"
    org.save(update_fields=["country"])
    return org


def _in(client, language):
    client.cookies["portal_language"] = language
    return client


def test_application_form_in_norwegian_speaks_of_kroner(norwegian, club, login, shop_steward):
    client = _in(login(shop_steward), "nb")
    html = client.get(reverse("clubs:application_create", args=[norwegian.slug, club.pk])).content.decode()
    assert "Beløp (kr)" in html
    assert "høyst 450 kr per deltaker per arrangement" in html
    assert "DKK" not in html


def test_application_form_in_danish_for_a_norwegian_union_says_nok(norwegian, club, login, shop_steward):
    html = (
        login(shop_steward)
        .get(reverse("clubs:application_create", args=[norwegian.slug, club.pk]))
        .content.decode()
    )
    assert "Beløb (NOK)" in html
    assert "højst 450 NOK pr. deltager" in html
    assert "kr." not in html.split("<main", 1)[1]


def test_rule_messages_use_the_unions_currency(norwegian, club, login, shop_steward):
    client = _in(login(shop_steward), "nb")
    response = client.post(
        reverse("clubs:application_create", args=[norwegian.slug, club.pk]),
        {
            "purpose": "Klubbmøte",
            "event_date": (timezone.localdate() + timezone.timedelta(days=30)).isoformat(),
            "amount": "4600",
            "participants": "10",
            "action": "submit",
        },
    )
    assert response.status_code == 422
    [message] = response.context["form"].errors["amount"]
    assert "høyst 450 kr per deltaker" in message and "DKK" not in message


def test_club_pages_in_norwegian_have_no_danish_kroner(
    norwegian, club, login, shop_steward, union_staff, org_admin
):
    ClubFundApplicationFactory(club=club, status="submitted", amount=Decimal("1500"))
    ClubFundApplicationFactory(club=club, status="approved", amount=Decimal("500"))
    pages = [
        (shop_steward, reverse("clubs:my_clubs", args=[norwegian.slug])),
        (shop_steward, reverse("clubs:club_detail", args=[norwegian.slug, club.pk])),
        (union_staff, reverse("clubs:club_list", args=[norwegian.slug])),
        (org_admin, reverse("clubs:fund_rules_edit", args=[norwegian.slug])),
    ]
    for user, url in pages:
        response = _in(login(user), "nb").get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "DKK" not in html, url
        assert re.search(r"\bkr\b", html), url
    staff_page = _in(login(union_staff), "nb").get(pages[2][1]).content.decode()
    assert "Beløp (kr)" in staff_page and "Innvilget / budsjett (kr)" in staff_page
    rules_page = _in(login(org_admin), "nb").get(pages[3][1]).content.decode()
    assert "Beløp per medlem per år (kr)" in rules_page


def test_danish_union_keeps_danish_kroner(org, club, login, union_staff):
    ClubFundApplicationFactory(club=club, status="submitted", amount=Decimal("1500"))
    html = login(union_staff).get(reverse("clubs:club_list", args=[org.slug])).content.decode()
    assert "Beløb (kr.)" in html and "NOK" not in html


def test_csv_headers_name_the_currency(norwegian, club, login, union_staff):
    response = login(union_staff).get(reverse("clubs:club_list_csv", args=[norwegian.slug]))
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert "Budget (NOK)" in header and "Bevilget (NOK)" in header
    assert not any("DKK" in column for column in header)


def test_report_section_in_norwegian_kroner(norwegian, club):
    ClubFundApplicationFactory(club=club, status="approved", amount=Decimal("1500"))
    year = timezone.localdate().year
    section = build_section(norwegian, year)
    with translation.override("nb"):
        html = render_to_string(
            section.template, {"section": section, "organization": norwegian, "year": year}
        )
    assert "Innvilgede klubbmidler: 1\xa0500 kr til 1 søknad." in html
    assert "DKK" not in html


def test_amounts_with_ore_are_shown_with_them_so_the_balance_adds_up(org, club, login, union_staff):
    """450,50 kr. awaiting a decision was shown as 451 in one place and left 35.899 kr. of 39.600 kr. in
    another; whole amounts stay without øre."""
    ClubFundApplicationFactory(
        club=club,
        amount=Decimal("450.50"),
        status="submitted",
        event_date=timezone.localdate().replace(month=12, day=31),  # this year's balance
    )
    client = login(union_staff)
    url = reverse("clubs:club_detail", args=[org.slug, club.pk])
    facts = client.get(url).content.decode()
    budget = re.search(r"Budget \d{4}</dt>\s*<dd>([^<]+)</dd>", facts).group(1)
    pending = re.search(r"Afventer afgørelse</dt>\s*<dd>([^<]+)</dd>", facts).group(1)
    remaining = re.search(r"Tilbage</dt>\s*<dd><strong>([^<]+)</strong>", facts).group(1)
    assert pending == "450,50 kr."
    assert budget.endswith(",00 kr.") is False and "," not in budget  # a whole budget: no øre
    as_number = {
        name: Decimal(v.removesuffix(" kr.").replace(".", "").replace(",", "."))
        for name, v in (("budget", budget), ("pending", pending), ("remaining", remaining))
    }
    assert as_number["pending"] + as_number["remaining"] == as_number["budget"]
    with translation.override("en"):
        english = _in(client, "en").get(url).content.decode()
    assert "450.50" in english and ">451<" not in english
