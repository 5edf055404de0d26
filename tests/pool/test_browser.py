"""In a browser: a table ranks on a phone, the facilitator sees it, the application page is accessible."""

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_no_axe_violations
from tests.factories import complete_application
from tests.helpers import organization_slug_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_table_ranks_on_a_phone_and_the_facilitator_sees_it(
    page, browser, live_server, employer, session, hr_user
):
    tables = list(session.rankings.all())

    facilitator_context = browser.new_context(locale="da-DK", base_url=live_server.url)
    facilitator = facilitator_context.new_page()
    facilitator.goto("/login/")
    facilitator.fill("input[name=username]", hr_user.email)
    facilitator.fill("input[name=password]", "correct-horse-battery")
    facilitator.click("main button[type=submit]")
    facilitator.wait_for_url(lambda url: "/login/" not in url)
    facilitator.goto(f"/pool/{organization_slug_of(session)}/rankings/{session.pk}/")
    expect(facilitator.locator("#ranking-results")).to_contain_text("0 af 3 borde")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/pool/{session.organization.slug}/rank/{tables[0].token}/")
    items = page.locator(".pool-rank-name")
    expect(items.first).to_have_text("Introforløb for nyuddannede og nyansatte")
    # Bring the last theme to the top with its up button (six presses), as a table would on a phone.
    for place in range(5, -1, -1):
        page.get_by_role("button", name="Flyt “Lederes psykiske arbejdsmiljø” op").click()
        expect(items.nth(place)).to_have_text("Lederes psykiske arbejdsmiljø")
    expect(items.first).to_have_text("Lederes psykiske arbejdsmiljø")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the phone screen
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send vores prioritering").click()
    expect(page.get_by_text("Tak. Jeres bords prioritering er registreret.")).to_be_visible()

    # The facilitator's page polls every 5 seconds and shows the combined ranking without a reload.
    expect(facilitator.locator("#ranking-results")).to_contain_text("1 af 3 borde", timeout=15_000)
    first_row = facilitator.locator("#ranking-results tbody tr").first
    expect(first_row).to_contain_text("Lederes psykiske arbejdsmiljø")
    expect(first_row).to_contain_text("6")
    assert_no_axe_violations(facilitator)
    facilitator_context.close()


def test_the_application_page_is_accessible_and_saves_with_htmx(
    page, browser_login, application, project_member
):
    complete_application(application)
    browser_login(project_member)
    page.goto(f"/pool/{organization_slug_of(application)}/applications/{application.pk}/")
    expect(page.get_by_role("heading", name="Tjekliste for fuldstændighed")).to_be_visible()
    assert_no_axe_violations(page)
    status = page.locator("#pool-status")
    expect(status).to_contain_text("2 krav mangler.")
    page.fill("textarea[name=evaluation_plan]", "")
    page.get_by_role("button", name="Gem ansøgningen").click()
    expect(page.locator("#pool-editor")).to_contain_text("Ansøgningen er gemt.")
    # The checklist re-renders after the save and now misses the evaluation plan too.
    expect(status.locator(".pool-missing")).to_have_count(3)
    expect(page.locator("#pool-status")).to_contain_text("3 krav mangler.")
    assert_no_axe_violations(page)


def test_the_chair_sees_why_signing_waits_and_the_history(page, browser_login, application, chair, hr_user):
    from apps.pool.models import Step
    from apps.pool.services import application_advance

    application.theme = application.call.themes.first()
    application.save(update_fields=["theme"])
    application_advance(application=application, to_step=Step.DECISION, by=hr_user)
    application_advance(
        application=application, to_step=Step.QUALIFICATION, by=hr_user, note="Direktionen: ja"
    )
    browser_login(chair)
    page.goto(f"/pool/{organization_slug_of(application)}/applications/{application.pk}/")
    expect(page.locator("#pool-status")).to_contain_text("Du kan underskrive, når tjeklisten")
    expect(page.get_by_role("button", name="Send forslaget tilbage til projektgruppen")).to_be_visible()
    expect(page.locator(".pool-history")).to_contain_text("Direktionen: ja")
    assert_no_axe_violations(page)


def test_moving_on_with_unsaved_changes_keeps_them_and_says_so(
    page, browser_login, application, project_member
):
    """A new user's finding: typed into the evaluation plan, then "send the draft on" without saving:
    the step moved and the text was gone. Now the move is stopped, the text stays, and the page says why."""
    from apps.pool.models import PoolApplication

    complete_application(application)
    browser_login(project_member)
    page.goto(f"/pool/{organization_slug_of(application)}/applications/{application.pk}/")
    page.fill("textarea[name=evaluation_plan]", "Spørgeskema før og efter forløbet.")
    move = page.locator("form.pool-move").first
    move.locator("button[type=submit]").click()
    expect(move.locator(".portal-unsaved-alert")).to_contain_text("ændringer, der ikke er gemt")
    expect(page.locator("textarea[name=evaluation_plan]")).to_have_value("Spørgeskema før og efter forløbet.")
    assert PoolApplication.objects.get(pk=application.pk).status == application.status
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Gem ansøgningen").click()
    expect(page.locator("#pool-editor")).to_contain_text("Ansøgningen er gemt.")
    page.locator("form.pool-move").first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".portal-unsaved-alert")).to_have_count(0)
    assert PoolApplication.objects.get(pk=application.pk).status != application.status
