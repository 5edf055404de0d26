import datetime

import pytest

from apps.meetings.models import Committee, CommitteeMember
from tests.conftest import _user_with, assert_no_axe_violations
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, Role, seat
from tests.helpers import organization_slug_of


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_agenda_builder_updates_clock_times_live_and_is_accessible(org, page, browser_login):
    committee = CommitteeFactory(organization=org, kind=Committee.Kind.LMU, name="LMU Område A")
    user = _user_with(org, Role.MED, email="browser@example.org", first_name="Bo")
    seat(committee, user, CommitteeMember.MemberRole.SECRETARY)
    meeting = MeetingFactory(
        committee=committee,
        date=datetime.date(2026, 12, 10),
        start_time=datetime.time(8, 0),
        planned_end=datetime.time(8, 30),
    )
    first = AgendaItemFactory(meeting=meeting, title="Velkomst", duration_minutes=15)
    AgendaItemFactory(meeting=meeting, title="Budget", duration_minutes=15)
    browser_login(user)
    page.goto(f"/med/{organization_slug_of(meeting)}/meeting/{meeting.pk}/")
    assert page.locator("#agenda").get_by_text("Kl. 8.15").count() >= 1
    assert_no_axe_violations(page)

    page.fill(f"#duration-{first.pk}", "30")
    page.locator(f"#duration-{first.pk}").dispatch_event("change")
    page.wait_for_selector("#agenda .alert-warning")
    assert "Kl. 8.30" in page.locator(f"#item-{first.pk} + li .meetings-clock").inner_text()
    assert "15 minutter efter" in page.locator("#agenda .alert-warning").inner_text()

    page.get_by_role("button", name="+ Eventuelt").click()
    page.wait_for_selector('#agenda .meetings-item-title:has-text("Eventuelt")')
    # A refused action shows its message in the agenda, and nothing moves.
    page.get_by_role("button", name="Flyt til næste møde · Velkomst").click()
    page.wait_for_selector("#agenda [role=alert]")
    assert "intet senere møde" in page.locator("#agenda [role=alert]").inner_text()
    assert page.locator(f"#item-{first.pk}").count() == 1
    assert_no_axe_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_committee_guide_and_working_group_pages_are_accessible(org, page, browser_login):
    from apps.meetings.fixtures_data import load_discussion_guide, load_sickness_project, load_theme_day

    hu = CommitteeFactory(organization=org, kind=Committee.Kind.HU, name="Hovedudvalget")
    user = _user_with(org, Role.HR, email="hr-browser@example.org", first_name="Hanne")
    seat(hu, user, CommitteeMember.MemberRole.SECRETARY)
    meeting = load_theme_day(committee=hu)
    guide = load_discussion_guide(organization=org)
    project = load_sickness_project(committee=hu)
    browser_login(user)
    for path in [
        f"/med/{org.slug}/",
        f"/med/{organization_slug_of(hu)}/committee/{hu.pk}/",
        f"/med/{organization_slug_of(guide)}/guide/{guide.pk}/",
        f"/med/{organization_slug_of(guide)}/guide/{guide.pk}/?meeting={meeting.pk}",
        f"/med/{organization_slug_of(guide)}/guide/{guide.pk}/overview/",
        f"/med/{organization_slug_of(project)}/working-group/{project.pk}/",
        f"/med/{organization_slug_of(hu)}/committee/{hu.pk}/decisions/",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_no_axe_violations(page)
    meeting.status = "held"
    meeting.save(update_fields=["status"])
    page.goto(f"/med/{organization_slug_of(meeting)}/meeting/{meeting.pk}/")
    assert page.locator("#attendance").count() == 1
    assert_no_axe_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_send_dialog_drag_and_drop_and_attendance_errors_are_accessible(org, page, browser_login):
    committee = CommitteeFactory(organization=org, kind=Committee.Kind.LMU, name="LMU Område A")
    secretary = _user_with(org, Role.MED, email="sek-browser@example.org", first_name="Sara")
    seat(committee, secretary, CommitteeMember.MemberRole.SECRETARY, CommitteeMember.Side.MANAGEMENT)
    member = _user_with(org, Role.MED, email="member-browser@example.org", first_name="Mads")
    seat(committee, member)
    meeting = MeetingFactory(
        committee=committee, date=datetime.date(2026, 12, 10), start_time=datetime.time(8, 0)
    )
    first = AgendaItemFactory(meeting=meeting, title="Velkomst", duration_minutes=30)
    second = AgendaItemFactory(meeting=meeting, title="Budget", duration_minutes=10)
    browser_login(secretary)
    page.goto(f"/med/{organization_slug_of(meeting)}/meeting/{meeting.pk}/")

    # The send button opens a modal dialog naming every recipient; Escape closes it, focus returns.
    opener = page.get_by_role("link", name="Udsend dagsorden til medlemmerne")
    opener.click()
    dialog = page.get_by_role("dialog", name="Send dagsordenen")
    dialog.wait_for()
    assert "member-browser@example.org" in dialog.inner_text()
    # Sending mails everyone: the safe choice has the focus.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Annullér"
    assert_no_axe_violations(page)
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog", state="detached")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Udsend dagsorden til medlemmerne"

    # Drag "Budget" above "Velkomst": the order is saved and the clock times follow.
    page.locator(f"#item-{second.pk} [data-reorder-handle]").drag_to(
        page.locator(f"#item-{first.pk} [data-reorder-handle]")
    )
    # Selectors, not wait_for_function: the Content-Security-Policy forbids evaluating strings.
    page.wait_for_selector(f"#agenda ol > li#item-{second.pk}:first-child")
    page.locator(f"#item-{first.pk} .meetings-clock").filter(has_text="8.10").wait_for()
    assert list(meeting.items.order_by("position").values_list("title", flat=True)) == ["Budget", "Velkomst"]

    # Attendance saved with a member left out: the form comes back with the message.
    meeting.status = "held"
    meeting.save(update_fields=["status"])
    page.goto(f"/med/{organization_slug_of(meeting)}/meeting/{meeting.pk}/")
    page.locator("#attendance input[value=present]").first.check()
    page.get_by_role("button", name="Gem fremmøde").click()
    page.wait_for_selector("#attendance-error")
    assert "Mangler" in page.locator("#attendance-error").inner_text()
    assert_no_axe_violations(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_correction_of_approved_minutes_awaits_chair_and_vice_chair(org, page, browser_login):
    """The approval state of a correction, its table and its buttons pass axe, and the chair's and the
    vice-chair's approvals (plain forms) put the corrected text in force."""
    from django.utils import timezone

    from apps.meetings.models import AgendaItem, Meeting, MinutesApproval, MinutesRevision

    committee = CommitteeFactory(organization=org, kind=Committee.Kind.LMU, name="LMU Område A")
    chair = _user_with(org, Role.LEADER, email="chair-browser@example.org", first_name="Carl")
    vice = _user_with(org, Role.STEWARD, email="vice-browser@example.org", first_name="Vera")
    secretary = _user_with(org, Role.HR, email="secretary-browser@example.org", first_name="Sanne")
    seat(committee, chair, CommitteeMember.MemberRole.CHAIR, CommitteeMember.Side.MANAGEMENT)
    seat(committee, vice, CommitteeMember.MemberRole.VICE_CHAIR)
    seat(committee, secretary, CommitteeMember.MemberRole.SECRETARY, CommitteeMember.Side.MANAGEMENT)
    meeting = MeetingFactory(
        committee=committee,
        date=datetime.date(2026, 11, 10),
        status=Meeting.Status.MINUTES_APPROVED,
        minutes_approved_at=timezone.now(),
    )
    item = AgendaItemFactory(
        meeting=meeting, title="Budget", kind=AgendaItem.Kind.DECISION, minutes="Budgettet blev godkendt."
    )
    MinutesApproval.objects.create(meeting=meeting, role="chair", user=chair)
    MinutesApproval.objects.create(meeting=meeting, role="vice_chair", user=vice)
    MinutesRevision.objects.create(
        meeting=meeting,
        item=item,
        author=secretary,
        old_text=item.minutes,
        new_text="Budgettet blev godkendt med én ændring.",
        reason="Ændringen manglede",
    )
    address = f"/med/{organization_slug_of(meeting)}/meeting/{meeting.pk}/"
    for user, in_force in ((chair, False), (vice, True)):
        page.context.clear_cookies()
        browser_login(user)
        page.goto(address)
        assert page.locator("#corrections-pending").is_visible()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Godkend rettelsen · Budget").click()
        told = "Rettelsen er godkendt og i kraft" if in_force else "Din godkendelse er registreret"
        page.get_by_text(told).wait_for()
        assert_no_axe_violations(page)
        assert (page.locator("#corrections-pending").count() == 0) is in_force
    assert "Budgettet blev godkendt med én ændring." in page.locator(f"#minutes-{item.pk} + p").inner_text()
