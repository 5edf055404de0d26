from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.clubs.models import ClubFundApplication
from apps.clubs.selectors import fund_balance
from tests.factories import ClubFundApplicationFactory

pytestmark = pytest.mark.django_db


def _create_url(club):
    return reverse("clubs:application_create", args=[club.organization.slug, club.pk])


def _data(**overrides):
    data = {
        "purpose": "Klubmøde om OK26 med spisning",
        "event_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "amount": "4000",
        "participants": "10",
        "action": "submit",
    }
    data.update(overrides)
    return data


def test_submit_within_the_rules(club, login, shop_steward):
    response = login(shop_steward).post(_create_url(club), _data())
    application = ClubFundApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "clubs:application_detail", args=[club.organization.slug, application.pk]
    )
    assert application.status == "submitted"
    assert application.submitted_at is not None
    assert application.created_by == shop_steward


def test_amount_over_the_cap_is_refused_with_the_numbers_and_nothing_saved(club, login, shop_steward):
    response = login(shop_steward).post(_create_url(club), _data(amount="4600", participants="10"))
    assert response.status_code == 422
    assert response.context["form"].errors["amount"] == [
        "Beløbet er over loftet: højst 450 kr. pr. deltager, dvs. 4.500 kr. for 10 deltagere."
    ]
    assert not ClubFundApplication.objects.exists()


def test_missing_purpose_is_refused(club, login, shop_steward):
    response = login(shop_steward).post(_create_url(club), _data(purpose="", action="draft"))
    assert response.status_code == 422
    assert response.context["form"].errors["purpose"] == ["Skriv, hvad pengene skal bruges til."]
    assert not ClubFundApplication.objects.exists()


def test_too_late_is_refused(club, login, shop_steward):
    soon = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = login(shop_steward).post(_create_url(club), _data(event_date=soon))
    assert response.status_code == 422
    assert response.context["form"].errors["event_date"] == [
        "Ansøgninger skal sendes mindst 14 dage før arrangementet; dette arrangement er om 3 dage."
    ]
    assert not ClubFundApplication.objects.exists()


def test_more_than_the_remaining_balance_is_refused(club, login, shop_steward):
    # Budget 40 members × 400 = 16,000; 13,000 already granted for this year's events.
    event = timezone.localdate() + timedelta(days=30)
    ClubFundApplicationFactory(
        club=club, status="approved", amount=Decimal("13000"), participants=30, event_date=event
    )
    response = login(shop_steward).post(_create_url(club), _data(event_date=event.isoformat(), amount="4000"))
    assert response.status_code == 422
    assert "3.000" in response.context["form"].errors["amount"][0]


def test_draft_may_break_the_rules_but_cannot_be_submitted(club, login, shop_steward):
    client = login(shop_steward)
    response = client.post(_create_url(club), _data(amount="9000", action="draft"), follow=True)
    application = ClubFundApplication.objects.get()
    assert application.status == "draft"
    assert application.amount == Decimal("9000")
    page = response.content.decode()
    assert "4.500" in page  # the warning says what would stop the submission

    submit = reverse("clubs:application_submit", args=[club.organization.slug, application.pk])
    response = client.post(submit, follow=True)
    application.refresh_from_db()
    assert application.status == "draft"
    assert "4.500" in " ".join(str(m) for m in response.context["messages"])


def test_draft_is_edited_then_submitted(club, login, shop_steward):
    application = ClubFundApplicationFactory(club=club, amount=Decimal("9000"), participants=10)
    client = login(shop_steward)
    edit = reverse("clubs:application_edit", args=[club.organization.slug, application.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, _data(amount="3000", action="submit"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.amount) == ("submitted", Decimal("3000"))


def test_submitted_application_can_no_longer_be_edited(club, login, shop_steward):
    application = ClubFundApplicationFactory(club=club, status="submitted")
    edit = reverse("clubs:application_edit", args=[club.organization.slug, application.pk])
    response = login(shop_steward).post(edit, _data(amount="1"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.amount == Decimal("2000")


def _decide_url(application):
    return reverse("clubs:application_decide", args=[application.club.organization.slug, application.pk])


def test_staff_approves_from_the_list(club, login, union_staff):
    application = ClubFundApplicationFactory(club=club, status="submitted")
    response = login(union_staff).post(
        _decide_url(application), {"decision": "approve", "note": "God idé", "next": "list"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("clubs:club_list", args=[club.organization.slug])
    application.refresh_from_db()
    assert (application.status, application.decided_by, application.decision_note) == (
        "approved",
        union_staff,
        "God idé",
    )


def test_reject_needs_a_note(club, login, board_member):
    application = ClubFundApplicationFactory(club=club, status="submitted")
    response = login(board_member).post(_decide_url(application), {"decision": "reject", "note": " "})
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.status == "submitted"


def test_htmx_reject_without_note_returns_the_form_with_the_error(club, login, board_member):
    application = ClubFundApplicationFactory(club=club, status="submitted")
    response = login(board_member).post(
        _decide_url(application), {"decision": "reject", "next": "list"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith("<form")
    assert 'aria-invalid="true"' in html


def test_htmx_reject_with_note_redirects_the_client(club, login, board_member):
    application = ClubFundApplicationFactory(club=club, status="submitted")
    response = login(board_member).post(
        _decide_url(application),
        {"decision": "reject", "note": "Over budget", "next": "list"},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == reverse("clubs:club_list", args=[club.organization.slug])
    application.refresh_from_db()
    assert application.status == "rejected"


def test_approved_is_marked_paid_and_counts_against_the_budget(club, login, union_staff, rules):
    application = ClubFundApplicationFactory(club=club, status="approved", amount=Decimal("1500"))
    url = reverse("clubs:application_mark_paid", args=[club.organization.slug, application.pk])
    assert login(union_staff).post(url).status_code == 302
    application.refresh_from_db()
    assert application.status == "paid"
    balance = fund_balance(club, application.event_date.year, rules)
    assert balance.budget == Decimal("16000")
    assert balance.granted == Decimal("1500")
    assert balance.remaining == Decimal("14500")


def test_draft_cannot_be_decided(club, login, union_staff):
    application = ClubFundApplicationFactory(club=club)
    login(union_staff).post(_decide_url(application), {"decision": "approve"})
    application.refresh_from_db()
    assert application.status == "draft"


def test_rules_are_editable_by_the_organisation_admin(org, login, org_admin, club, shop_steward):
    url = reverse("clubs:fund_rules_edit", args=[org.slug])
    response = login(org_admin).post(
        url, {"amount_per_member_year": "300", "cap_per_member_event": "200", "days_in_advance": "7"}
    )
    assert response.status_code == 302
    # The new cap applies to the next submission: 10 × 200 = 2,000 < 2,500.
    client = login(shop_steward)
    response = client.post(_create_url(club), _data(amount="2500"))
    assert response.status_code == 422
    assert "2.000" in response.context["form"].errors["amount"][0]


def test_rules_refuse_negative_amounts(org, login, org_admin):
    url = reverse("clubs:fund_rules_edit", args=[org.slug])
    response = login(org_admin).post(
        url, {"amount_per_member_year": "-1", "cap_per_member_event": "200", "days_in_advance": "7"}
    )
    assert response.status_code == 422


def _next_year_event():
    return date(timezone.localdate().year + 1, 6, 1)


@pytest.fixture
def club_of_43(club):
    # The reported club: 43 members × 400 = 17,200 for a year.
    club.member_count = 43
    club.save(update_fields=["member_count"])
    return club


def test_submit_counts_what_already_awaits_a_decision(club_of_43, login, shop_steward):
    event = _next_year_event()
    for amount in ("6000", "5000", "4100"):
        ClubFundApplicationFactory(
            club=club_of_43, status="submitted", amount=Decimal(amount), participants=20, event_date=event
        )
    ClubFundApplicationFactory(
        club=club_of_43, status="approved", amount=Decimal("1000"), participants=5, event_date=event
    )
    response = login(shop_steward).post(
        _create_url(club_of_43), _data(event_date=event.isoformat(), amount="2000", participants="10")
    )
    assert response.status_code == 422
    assert response.context["form"].errors["amount"] == [
        f"Beløbet er større end det, klubben har tilbage for {event.year}: Budgettet er 17.200 kr., "
        "1.000 kr. er bevilget, og 15.100 kr. afventer afgørelse, så der er 1.100 kr. tilbage."
    ]
    assert ClubFundApplication.objects.filter(status="submitted").count() == 3


def test_submit_within_what_is_left_after_pending_applications(club_of_43, login, shop_steward):
    event = _next_year_event()
    ClubFundApplicationFactory(
        club=club_of_43, status="submitted", amount=Decimal("16100"), participants=40, event_date=event
    )
    response = login(shop_steward).post(
        _create_url(club_of_43), _data(event_date=event.isoformat(), amount="1100", participants="10")
    )
    assert response.status_code == 302
    assert ClubFundApplication.objects.filter(status="submitted").count() == 2


def test_board_cannot_grant_beyond_the_years_budget(club_of_43, login, board_member):
    event = _next_year_event()
    ClubFundApplicationFactory(
        club=club_of_43, status="approved", amount=Decimal("15000"), participants=40, event_date=event
    )
    application = ClubFundApplicationFactory(
        club=club_of_43, status="submitted", amount=Decimal("9000"), participants=20, event_date=event
    )
    response = login(board_member).post(_decide_url(application), {"decision": "approve", "note": ""})
    assert response.status_code == 422
    message = (
        f"Bevilges 9.000 kr., kommer klubbens bevillinger for {event.year} op på 24.000 kr., hvilket er "
        "over budgettet på 17.200 kr. (15.000 kr. er allerede bevilget). Afvis ansøgningen med en "
        "begrundelse; tillidsrepræsentanten kan så søge om et mindre beløb."
    )
    assert message in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"
    # The board still rejects it.
    response = login(board_member).post(
        _decide_url(application), {"decision": "reject", "note": "Over budgettet"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "rejected"


def test_htmx_grant_beyond_the_budget_returns_the_form_with_the_message(club_of_43, login, union_staff):
    event = _next_year_event()
    application = ClubFundApplicationFactory(
        club=club_of_43, status="submitted", amount=Decimal("17201"), participants=43, event_date=event
    )
    response = login(union_staff).post(
        _decide_url(application), {"decision": "approve", "next": "list"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith("<form")
    assert "over budgettet på 17.200 kr." in html
    application.refresh_from_db()
    assert application.status == "submitted"


def test_board_grants_up_to_the_budget(club_of_43, login, board_member):
    event = _next_year_event()
    ClubFundApplicationFactory(
        club=club_of_43, status="paid", amount=Decimal("10000"), participants=40, event_date=event
    )
    application = ClubFundApplicationFactory(
        club=club_of_43, status="submitted", amount=Decimal("7200"), participants=20, event_date=event
    )
    response = login(board_member).post(_decide_url(application), {"decision": "approve"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"


def test_board_sees_the_event_years_funds_beside_the_decision(club_of_43, login, board_member):
    event = _next_year_event()
    ClubFundApplicationFactory(
        club=club_of_43, status="approved", amount=Decimal("15000"), participants=40, event_date=event
    )
    application = ClubFundApplicationFactory(
        club=club_of_43, status="submitted", amount=Decimal("9000"), participants=20, event_date=event
    )
    url = reverse("clubs:application_detail", args=[club_of_43.organization.slug, application.pk])
    html = login(board_member).get(url).content.decode()
    assert f"Klubmidler {event.year}" in html
    assert "15.000 kr." in html and "9.000 kr." in html and "-6.800 kr." in html


def test_past_event_date_is_refused_with_a_proper_message(club, login, shop_steward):
    past = timezone.localdate() - timedelta(days=700)
    response = login(shop_steward).post(_create_url(club), _data(event_date=past.isoformat()))
    assert response.status_code == 422
    assert response.context["form"].errors["event_date"] == [
        f"Datoen for arrangementet, {past:%d.%m.%Y}, er allerede passeret: "
        "Ansøgninger skal sendes mindst 14 dage før arrangementet."
    ]
    assert "-700" not in response.content.decode()


def test_event_today_and_tomorrow_are_said_in_words(club, login, shop_steward):
    client = login(shop_steward)
    today = timezone.localdate()
    response = client.post(_create_url(club), _data(event_date=today.isoformat()))
    assert response.context["form"].errors["event_date"] == [
        "Ansøgninger skal sendes mindst 14 dage før arrangementet; dette arrangement er i dag."
    ]
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = client.post(_create_url(club), _data(event_date=tomorrow))
    assert response.context["form"].errors["event_date"] == [
        "Ansøgninger skal sendes mindst 14 dage før arrangementet; dette arrangement er om 1 dag."
    ]


def test_form_shows_the_funds_of_the_events_year(club, login, shop_steward):
    this_year = timezone.localdate().year
    event = _next_year_event()
    ClubFundApplicationFactory(club=club, status="approved", amount=Decimal("6200"), participants=20)
    for _n in range(4):
        ClubFundApplicationFactory(
            club=club, status="submitted", amount=Decimal("3000"), participants=10, event_date=event
        )
    draft = ClubFundApplicationFactory(club=club, amount=Decimal("1000"), participants=5, event_date=event)
    client = login(shop_steward)

    edit = reverse("clubs:application_edit", args=[club.organization.slug, draft.pk])
    html = client.get(edit).content.decode()
    assert (
        f"Klubben har 4.000 kr. tilbage for {event.year}, når ansøgningerne, der afventer afgørelse "
        "(12.000 kr.), er regnet med." in html
    )
    assert f"for {this_year}" not in html

    # A new application has no date yet: both years.
    html = client.get(_create_url(club)).content.decode()
    assert f"Klubben har 9.800 kr. tilbage for {this_year}." in html
    assert f"Klubben har 4.000 kr. tilbage for {event.year}, når" in html

    # Sent back with an error: the year of the date given.
    response = client.post(_create_url(club), _data(event_date=event.isoformat(), amount="9000"))
    assert response.status_code == 422
    assert f"Klubben har 4.000 kr. tilbage for {event.year}" in response.content.decode()
    assert f"for {this_year}" not in response.content.decode()
