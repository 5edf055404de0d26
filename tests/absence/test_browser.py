from datetime import timedelta

import pytest
from django.utils import timezone

from apps.absence.models import Advisory, AdvisoryPolicy
from apps.absence.services import access_log_record, advisory_sweep
from tests.conftest import assert_no_axe_violations
from tests.factories import EmployeeFactory, register_absence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue_with_advisories(org, leader):
    org.kind = "employer"
    org.save(update_fields=["kind"])
    AdvisoryPolicy.objects.create(organization=org)
    employee = EmployeeFactory(unit=org.units.get(code="A1"), leader=leader, name="Karen Demo")
    today = timezone.localdate()
    register_absence(employee, today - timedelta(days=2))
    advisory_sweep(as_of=today, organization=org, notify=False)
    return org, employee


def test_hr_steps_an_advisory_in_the_queue_with_htmx(page, browser_login, hr_user, queue_with_advisories):
    org, employee = queue_with_advisories
    browser_login(hr_user)
    page.goto(f"/absence/{org.slug}/advisories/")
    assert_no_axe_violations(page)
    advisory = Advisory.objects.get(employee=employee, day=1)
    row = page.locator(f"#advisory-{advisory.pk}")
    row.locator("input[name=note]").fill("Ringede, aftalte opfølgning")
    row.locator("button[value=seen]").click()
    page.locator(f"#advisory-{advisory.pk} button[value=contact_made]").wait_for()
    assert page.url.endswith(f"/absence/{org.slug}/advisories/")  # swapped in place, no reload
    advisory.refresh_from_db()
    assert advisory.status == "seen"
    assert advisory.events.get().note == "Ringede, aftalte opfølgning"
    assert_no_axe_violations(page)


def test_employee_timeline_is_accessible(page, browser_login, leader, queue_with_advisories):
    org, employee = queue_with_advisories
    browser_login(leader)
    page.goto(f"/absence/{org.slug}/employees/{employee.pk}/")
    assert page.locator("h1").inner_text() == "Karen Demo"
    assert_no_axe_violations(page)


def test_policy_page_is_accessible(page, browser_login, hr_user, queue_with_advisories):
    org, _employee = queue_with_advisories
    browser_login(hr_user)
    page.goto(f"/absence/{org.slug}/policy/")
    page.select_option("select[name=preset]", "1-5-14")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/absence/{org.slug}/policy/")
    assert_no_axe_violations(page)
    org.advisory_policy.refresh_from_db()
    assert org.advisory_policy.contact_days == [1, 5, 14]


def test_hr_follows_the_link_to_the_access_log(page, browser_login, hr_user, leader, queue_with_advisories):
    org, employee = queue_with_advisories
    access_log_record(employees=[employee], user=leader, action="view_page", where="absence:employee")
    browser_login(hr_user)
    page.goto(f"/absence/{org.slug}/employees/{employee.pk}/")
    assert_no_axe_violations(page)
    page.click(f"a[href='/absence/{org.slug}/employees/{employee.pk}/access-log/']")
    page.wait_for_url(f"**/employees/{employee.pk}/access-log/")
    rows = page.locator("main tbody tr")
    assert rows.count() == 3  # this read, HR's and the leader's view of the employee page
    assert str(leader) in rows.nth(2).inner_text()
    assert_no_axe_violations(page)
