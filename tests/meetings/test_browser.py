import datetime

import pytest

from apps.meetings.models import Committee, CommitteeMember
from tests.conftest import _user_with, assert_no_axe_violations
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, Role, seat


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
    page.goto(f"/med/meeting/{meeting.pk}/")
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
        f"/med/committee/{hu.pk}/",
        f"/med/guide/{guide.pk}/",
        f"/med/guide/{guide.pk}/?meeting={meeting.pk}",
        f"/med/guide/{guide.pk}/overview/",
        f"/med/working-group/{project.pk}/",
        f"/med/committee/{hu.pk}/decisions/",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_no_axe_violations(page)
    meeting.status = "held"
    meeting.save(update_fields=["status"])
    page.goto(f"/med/meeting/{meeting.pk}/")
    assert page.locator("#attendance").count() == 1
    assert_no_axe_violations(page)
