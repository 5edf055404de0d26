import datetime

import pytest
from django.utils import timezone

from apps.meetings import services
from apps.meetings.models import AgendaItem, Committee, CommitteeMember, Meeting
from tests.conftest import _user_with, assert_no_axe_violations
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, Role, seat
from tests.helpers import organization_slug_of


@pytest.fixture
def room(org):
    committee = CommitteeFactory(organization=org, kind=Committee.Kind.LMU, name="LMU Område A")
    chair = _user_with(org, Role.LEADER, email="chair-browser@example.org", first_name="Carl")
    seat(committee, chair, CommitteeMember.MemberRole.CHAIR, CommitteeMember.Side.MANAGEMENT)
    member = _user_with(org, Role.MED, email="member-browser@example.org", first_name="Lise")
    member_seat = seat(committee, member)
    meeting = MeetingFactory(
        committee=committee,
        date=timezone.localdate(),
        start_time=datetime.time(9, 0),
        status=Meeting.Status.AGENDA_SENT,
    )
    AgendaItemFactory(meeting=meeting, title="Velkomst", position=1, duration_minutes=10)
    AgendaItemFactory(meeting=meeting, title="Budget 2027", position=2, kind=AgendaItem.Kind.DECISION)
    return committee, chair, member, member_seat, meeting


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chair_runs_the_speakers_list_on_the_agenda_page(room, page, browser_login):
    committee, chair, member, member_seat, meeting = room
    browser_login(chair)
    page.goto(f"/med/{organization_slug_of(meeting)}/meeting/{meeting.pk}/")
    page.get_by_role("button", name="Start mødet").click()
    page.wait_for_selector("#live .meetings-live-now")
    page.select_option("#add-speaker", str(member_seat.pk))
    page.get_by_role("button", name="Tilføj", exact=True).click()
    page.wait_for_selector("#live .meetings-speaker:has-text('Lise')")
    assert "Har ordet" in page.locator("#live .meetings-speakers").inner_text()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Næste punkt").click()
    page.wait_for_selector("#live .meetings-live-now:has-text('Budget 2027')")
    page.get_by_label("Beslutningstekst").fill("Budgettet godkendes")
    page.get_by_role("button", name="Åbn en afstemning").click()
    page.wait_for_selector("#live button:has-text('Registrér afstemningen')")
    assert_no_axe_violations(page)
    page.fill("#id_management_for", "1")
    page.fill("#id_employee_for", "1")
    page.get_by_role("button", name="Registrér afstemningen").click()
    page.wait_for_selector("#live .meetings-vote-result:has-text('Vedtaget')")
    assert_no_axe_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_screen_follows_the_meeting_without_reload(room, page, browser_login):
    committee, chair, member, member_seat, meeting = room
    services.meeting_live_start(meeting=meeting)
    browser_login(member)
    page.goto(f"/med/{organization_slug_of(meeting)}/meeting/{meeting.pk}/live/")
    assert "Velkomst" in page.locator("#screen h1").inner_text()
    assert_no_axe_violations(page)

    page.evaluate("window.__notReloaded = true")
    services.meeting_next_item(meeting=meeting)
    item = meeting.items.get(title="Budget 2027")
    services.speaker_request(item=item, member=member_seat)
    page.wait_for_selector("#screen h1:has-text('Budget 2027')", timeout=10_000)
    page.wait_for_selector("#screen .meetings-screen-speaking:has-text('Lise')", timeout=10_000)
    assert page.evaluate("window.__notReloaded") is True
    assert_no_axe_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_feed_link_copy_button_announces_the_copy(room, page, browser_login):
    committee, chair, member, member_seat, meeting = room
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    browser_login(member)
    page.goto(f"/med/{organization_slug_of(committee)}/committee/{committee.pk}/")
    button = page.get_by_role("button", name="Kopiér link · udvalgets kalender")
    button.click()
    page.wait_for_selector(".portal-copy-status:has-text('Kopieret')")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#ics-url").inner_text()
    assert page.get_by_role("img", name="QR-kode med adressen på udvalgets kalender").count() == 1
    assert_no_axe_violations(page)
