from datetime import timedelta

import pytest
from django.utils import timezone

from apps.absence.models import Advisory, AdvisoryPolicy
from apps.absence.privacy import access_log_record
from apps.absence.sweep import advisory_sweep
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
    row.locator("summary").click()
    row.locator("select[name=contact_form]").select_option("phone")
    row.locator("input[name=adjustments][value=reduced_hours]").check()
    row.locator("input[name=note]").fill("Ringede, aftalte opfølgning")
    assert_no_axe_violations(page)  # the opened follow-up fields too
    row.locator("button[value=seen]").click()
    page.locator(f"#advisory-{advisory.pk} button[value=contact_made]").wait_for()
    assert page.url.endswith(f"/absence/{org.slug}/advisories/")  # swapped in place, no reload
    advisory.refresh_from_db()
    assert advisory.status == "seen"
    event = advisory.events.get()
    assert (event.note, event.contact_form, event.adjustments) == (
        "Ringede, aftalte opfølgning",
        "phone",
        ["reduced_hours"],
    )
    assert_no_axe_violations(page)


def test_a_diagnosis_in_the_note_is_refused_in_place(page, browser_login, leader, queue_with_advisories):
    import importlib

    from django.apps import apps as django_apps

    importlib.import_module("apps.absence.migrations.0007_structured_notes").seed_health_terms(
        django_apps, None
    )
    org, employee = queue_with_advisories
    browser_login(leader)
    page.goto(f"/absence/{org.slug}/advisories/")
    advisory = Advisory.objects.get(employee=employee, day=1)
    row = page.locator(f"#advisory-{advisory.pk}")
    row.locator("summary").click()
    row.locator("input[name=note]").fill("Diagnose: depression, F32.1")
    row.locator("button[value=seen]").click()
    page.locator(f"#advisory-{advisory.pk} [role=alert]").wait_for()
    assert "depression" in page.locator(f"#advisory-{advisory.pk} [role=alert]").inner_text()
    assert (
        page.locator(f"#advisory-{advisory.pk} input[name=note]").input_value()
        == "Diagnose: depression, F32.1"
    )
    advisory.refresh_from_db()
    assert advisory.status == "new" and not advisory.events.exists()
    assert_no_axe_violations(page)


def test_note_review_page_is_accessible(page, browser_login, hr_user, queue_with_advisories):
    from apps.absence.models import AdvisoryEvent

    org, employee = queue_with_advisories
    advisory = Advisory.objects.get(employee=employee, day=1)
    event = AdvisoryEvent.objects.create(
        advisory=advisory,
        from_status="new",
        to_status="seen",
        note="Ringede",
        note_needs_review=True,
        at=timezone.now(),
    )
    browser_login(hr_user)
    page.goto(f"/absence/{org.slug}/notes/review/")
    assert_no_axe_violations(page)
    page.locator(f"#review-{event.pk}-note").fill("Ringede mandag")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/absence/{org.slug}/notes/review/")
    event.refresh_from_db()
    assert (event.note, event.note_needs_review) == ("Ringede mandag", False)
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


def test_hr_chooses_rows_and_acts_on_them_in_bulk(
    page, browser_login, hr_user, leader, queue_with_advisories
):
    org, employee = queue_with_advisories
    today = timezone.localdate()
    register_absence(
        EmployeeFactory(unit=org.units.get(code="A1"), name="Ole Demo"), today - timedelta(days=2)
    )
    advisory_sweep(as_of=today, organization=org, notify=False)
    browser_login(hr_user)
    page.goto(f"/absence/{org.slug}/advisories/?per_page=50")
    boxes = page.locator("input[name=advisories]")
    assert boxes.count() == 4
    page.locator("#queue-select-all").click()  # shown by the queue's script
    assert page.locator("input[name=advisories]:checked").count() == 4
    page.locator(f"#choose-{Advisory.objects.filter(employee=employee).first().pk}").click()
    assert page.locator("#queue-select-all").evaluate("box => box.indeterminate")
    assert_no_axe_violations(page)  # the bulk bar, the row checkboxes and their labels
    page.select_option("#bulk-leader", str(leader.pk))
    page.click("button[name=action][value=assign]")
    page.locator(".portal-messages").wait_for()
    assert page.url.endswith("/advisories/?per_page=50")  # back on the same filtered page
    assert Advisory.objects.filter(assigned_leader=leader).count() == 3
    assert_no_axe_violations(page)
    page.locator("#queue-select-all").click()
    page.click("button[name=action][value=seen]")
    page.locator(".portal-messages").wait_for()
    assert set(Advisory.objects.values_list("status", flat=True)) == {"seen"}
    assert_no_axe_violations(page)


def test_hr_deletes_a_registration_after_confirming(page, browser_login, hr_user, queue_with_advisories):
    from apps.absence.models import AbsenceRegistration

    org, employee = queue_with_advisories
    browser_login(hr_user)
    page.goto(f"/absence/{org.slug}/employees/{employee.pk}/")
    page.locator("main table a[href$='/delete/']").first.click()
    page.wait_for_url("**/delete/")
    assert AbsenceRegistration.objects.filter(employee=employee).exists()  # not yet
    assert_no_axe_violations(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/employees/{employee.pk}/")
    assert not AbsenceRegistration.objects.filter(employee=employee).exists()
