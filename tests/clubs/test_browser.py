"""Real Chromium: the steward logs a meeting on a phone-sized screen; staff filter and decide with htmx."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.clubs.models import ClubFundApplication, ClubMeeting
from tests.conftest import assert_no_axe_violations
from tests.factories import ClubFundApplicationFactory, ClubMeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_steward_logs_a_meeting_on_a_phone(page, browser_login, shop_steward, club):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(shop_steward)
    my_clubs = reverse("clubs:my_clubs", args=[club.organization.slug])
    page.goto(my_clubs)
    assert_no_axe_violations(page)
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The quick form on the page: date (today), kind, held/planned and attendance.
    page.select_option(f"#club{club.pk}_kind", "demands")
    page.fill(f"#club{club.pk}_attendance", "55")
    page.click("form.clubs-quick button[type=submit]")
    # Too many for a 40-member club: the full form comes back with the error at the field.
    page.wait_for_selector(".form-error-message")
    assert page.locator("input[name=attendance]").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert (
        not page.locator("textarea[name=agenda]").is_visible() or page.locator("details[open]").count() == 1
    )
    assert_no_axe_violations(page)
    assert not ClubMeeting.objects.exists()
    page.fill("input[name=attendance]", "17")
    page.click("form.clubs-quick button[type=submit] >> nth=0")
    page.wait_for_url(f"**{my_clubs}")
    meeting = ClubMeeting.objects.get()
    assert (meeting.kind, meeting.attendance, meeting.status) == ("demands", 17, "held")
    assert_no_axe_violations(page)


def test_full_meeting_form_keeps_details_folded_on_a_phone(page, browser_login, shop_steward, club):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(shop_steward)
    page.goto(reverse("clubs:club_meeting_log", args=[club.organization.slug, club.pk]))
    assert not page.locator("textarea[name=agenda]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_axe_violations(page)
    page.click("details.clubs-details summary")
    page.fill("textarea[name=agenda]", "OK26-krav")
    page.fill("input[name=attendance]", "9")
    page.click("form.clubs-quick button[type=submit] >> nth=0")
    page.wait_for_url(f"**{reverse('clubs:club_detail', args=[club.organization.slug, club.pk])}")
    assert ClubMeeting.objects.get().agenda == "OK26-krav"
    assert_no_axe_violations(page)


def test_staff_filter_without_reload_and_decide(page, browser_login, union_staff, club, club_b):
    ClubMeetingFactory(club=club, kind="demands")
    application = ClubFundApplicationFactory(club=club_b, status="submitted", purpose="Klubtur")
    browser_login(union_staff)
    page.goto(reverse("clubs:club_list", args=[club.organization.slug]))
    assert_no_axe_violations(page)
    page.check("input[name=missing]")
    page.wait_for_url("**missing=on**")
    assert page.locator("#club-results tbody tr").count() == 1
    assert "Klub B" in page.locator("#club-results tbody").inner_text()
    # A decision asks first (it is final): the button opens what happens, and only "Yes" decides.
    page.click("form.clubs-decision summary:has-text('Afvis')")
    expect(page.locator("form.clubs-decision button[value=reject]")).to_be_visible()
    assert_no_axe_violations(page)
    # Rejecting needs a note: the form comes back with the error, in place.
    page.click("form.clubs-decision button[value=reject]")
    page.wait_for_selector("form.clubs-decision .form-error-message")
    assert_no_axe_violations(page)
    page.fill("form.clubs-decision textarea[name=note]", "Budgettet er brugt")
    page.click("form.clubs-decision summary:has-text('Afvis')")
    page.click("form.clubs-decision button[value=reject]")
    page.wait_for_selector(".alert-success")
    application.refresh_from_db()
    assert application.status == ClubFundApplication.Status.REJECTED


def test_club_page_is_no_wider_than_a_phone(page, browser_login, shop_steward, club):
    # The steward sees the "Edit" column, whose link carries a visually hidden date; the wide
    # tables scroll inside their wrapper instead of widening (and zooming out) the whole page.
    for n in range(3):
        ClubMeetingFactory(club=club, kind="demands", board_guests=[], attendance=10 + n)
    ClubFundApplicationFactory(club=club, purpose="Klubmøde med spisning og oplæg om OK26")
    page.set_viewport_size({"width": 375, "height": 812})
    browser_login(shop_steward)
    page.goto(reverse("clubs:club_detail", args=[club.organization.slug, club.pk]))
    assert page.locator("a[href$='/edit/']").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_no_axe_violations(page)
